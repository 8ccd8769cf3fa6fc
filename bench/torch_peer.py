#!/usr/bin/python3
# SPDX-License-Identifier: BSL-1.0
"""The PyTorch peer of the benchmark suite (bench/run): one model at one batch size, eager or
torch.jit.optimize_for_inference(torch.jit.trace(model).eval()), on each thread count given.
Prints `params=N` and, per thread count, `time threads=T seconds=S runs=R` (the median of R runs
after warm-up). With --export FILE it writes the model as ONNX (dynamic batch) for the
onnxruntime peer instead. Run with Debian's python3-torch (1.13)."""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
import torch_models  # noqa: E402


def median_seconds(f, x, warmups, min_runs, max_runs, budget):
    for _ in range(warmups):
        f(x)
    times, spent = [], 0.0
    while len(times) < min_runs or (len(times) < max_runs and spent < budget):
        start = time.perf_counter()
        f(x)
        times.append(time.perf_counter() - start)
        spent += times[-1]
    return statistics.median(times), len(times)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True, choices=sorted(torch_models.MODELS))
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--threads", default="1,2")
    p.add_argument("--mode", choices=["eager", "jit"], default="eager")
    p.add_argument("--min-runs", type=int, default=3)
    p.add_argument("--max-runs", type=int, default=15)
    p.add_argument("--budget", type=float, default=2.0, help="seconds of timed runs, past min-runs")
    p.add_argument("--export", metavar="FILE.onnx")
    a = p.parse_args()

    make, shape = torch_models.MODELS[a.model]
    torch.manual_seed(1)
    model = make().eval()
    x = torch.rand(a.batch, *shape)
    print(f"params={torch_models.keras_params(model)}", flush=True)
    if a.export:
        torch.onnx.export(model, x, a.export, opset_version=13, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
        return
    with torch.inference_mode():
        f = model
        if a.mode == "jit":
            f = torch.jit.optimize_for_inference(torch.jit.trace(model, x).eval())
        for threads in [int(t) for t in a.threads.split(",")]:
            torch.set_num_threads(threads)
            # TorchScript profiles its first calls before it optimises: warm up twice.
            seconds, runs = median_seconds(f, x, 2, a.min_runs, a.max_runs, a.budget)
            print(f"time threads={threads} seconds={seconds:.5f} runs={runs}", flush=True)


if __name__ == "__main__":
    main()
