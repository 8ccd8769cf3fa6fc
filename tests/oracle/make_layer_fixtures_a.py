#!/usr/bin/python3
"""Makes the oracle fixtures of tests/runtime/layers_a_oracle.cpp (issue 9, part A: vectors,
Dense, Flatten, Reshape, global pooling, activation functions and layers, Rescaling, Dropout).
PyTorch computes each case on random data and NumPy writes, per case, into
tests/runtime/fixtures/oracle/:
  a_<case>.weights.npz   weights keyed <layer>/kernel and <layer>/bias, in Keras' layouts
  a_<case>.io.npz        x (the input, NHWC or (N, n)) and y (PyTorch's output, likewise)
Keras' definitions are written out here from its documentation (ReLU's formula, LeakyReLU's 0.3,
hard_sigmoid as Keras 3's relu6(x + 3)/6, exact gelu); ctnn's code is not consulted.
Run with Debian's python3-torch: /usr/bin/python3 tests/oracle/make_layer_fixtures_a.py
CI uses the committed fixtures and needs no Python."""
import pathlib

import numpy as np
import torch
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parent.parent / "runtime" / "fixtures" / "oracle"
torch.manual_seed(9001)


def rand(*shape, scale=1.0):
    return (torch.rand(*shape) * 2 - 1) * scale


def save(name, x, y, weights=None):
    x = np.ascontiguousarray(x.numpy()).astype(np.float32)
    y = np.ascontiguousarray(y.detach().numpy()).astype(np.float32)
    np.savez(OUT / f"a_{name}.weights.npz", **(weights or {}))
    np.savez(OUT / f"a_{name}.io.npz", x=x, y=y)
    print(f"a_{name}: x {x.shape} -> y {y.shape}, {len(weights or {})} weight arrays")


def dense(weights, layer, t, cin, units, bias=True):
    """Keras' Dense on the last axis: kernel (in, units); PyTorch's Linear would store (units, in)."""
    k = rand(cin, units, scale=0.5)
    weights[f"{layer}/kernel"] = k.numpy()
    y = t @ k
    if bias:
        b = rand(units, scale=0.5)
        weights[f"{layer}/bias"] = b.numpy()
        y = y + b
    return y


def keras_relu(t, max_value=None, negative_slope=0.0, threshold=0.0):
    """Keras' documented ReLU: max_value for x >= max_value, x for threshold <= x < max_value,
    negative_slope * (x - threshold) otherwise."""
    top = float("inf") if max_value is None else max_value
    return torch.where(t >= top, torch.full_like(t, top),
                       torch.where(t >= threshold, t, negative_slope * (t - threshold)))


def main():
    OUT.mkdir(parents=True, exist_ok=True)

    # A classifier head on a map: Flatten (NHWC row-major), Dense + relu, Dense + softmax.
    x = rand(3, 4, 3, 5)
    w = {}
    t = x.reshape(3, -1)  # NHWC row-major, as Keras' Flatten
    t = torch.relu(dense(w, "fc1", t, 60, 16))
    t = torch.softmax(dense(w, "predictions", t, 16, 7), dim=-1)
    save("flatten_dense_softmax", x, t, w)

    # Dense on every pixel of a map, without bias, then gelu (exact erf form).
    x = rand(2, 3, 4, 6)
    w = {}
    save("dense_per_pixel_gelu", x, F.gelu(dense(w, "proj", x, 6, 5, bias=False), approximate="none"), w)

    # Dense on a vector input, tanh; and on rank 2 (W, C), sigmoid.
    x = rand(4, 9)
    w = {}
    save("dense_vector_tanh", x, torch.tanh(dense(w, "fc", x, 9, 3)), w)
    x = rand(2, 5, 4)
    w = {}
    save("dense_rank2_sigmoid", x, torch.sigmoid(dense(w, "fc", x, 4, 6)), w)

    # Global pooling of a map to a vector (keepdims=False), and to 1x1xC (keepdims=True).
    x = rand(2, 5, 7, 4)
    save("global_average_pooling", x, x.mean(dim=(1, 2)))
    save("global_max_pooling_keepdims", x, x.amax(dim=(1, 2), keepdim=True))

    # Activation functions through Activation layers, on a map with values in [-6, 6].
    x = rand(2, 3, 4, 5, scale=6.0)
    activations = {
        "relu6": F.relu6,
        "hard_sigmoid": F.hardsigmoid,             # relu6(x + 3) / 6, Keras 3's
        "silu": F.silu,
        "hard_silu": F.hardswish,                  # x * relu6(x + 3) / 6
        "gelu": lambda t: F.gelu(t, approximate="none"),
        "softplus": lambda t: torch.log1p(torch.exp(t)),
        "elu": F.elu,
    }
    for name, f in activations.items():
        save(f"activation_{name}", x, f(x))

    # ReLU layers with Keras' settings, LeakyReLU (Keras' default 0.3), ELU.
    x = rand(2, 3, 4, 5, scale=8.0)
    save("relu_max_value_6", x, keras_relu(x, max_value=6.0))
    save("relu_slope_threshold_cap", x, keras_relu(x, max_value=5.0, negative_slope=0.1, threshold=1.5))
    save("leaky_relu_default", x, F.leaky_relu(x, 0.3))
    save("elu_alpha", x, F.elu(x, alpha=0.5))

    # Softmax layer on a vector of large logits.
    x = rand(3, 10, scale=30.0)
    save("softmax_vector", x, torch.softmax(x, dim=-1))

    # Rescaling as MobileNetV2 preprocesses: x / 127.5 - 1.
    x = torch.rand(2, 4, 4, 3) * 255
    save("rescaling", x, x * (2 / 255) - 1)

    # Reshape (row-major) vector -> map, then Dropout (identity at inference), then Reshape to rank 2.
    x = rand(2, 24)
    save("reshape_dropout", x, x.reshape(2, 2, 4, 3).reshape(2, 2, 12))

    # PReLU: alpha shared over H and W (one per channel, as Keras' shared_axes=[1, 2]), and one alpha
    # per element of a rank-2 sample. Keras: x for x > 0, alpha * x otherwise.
    x = rand(2, 3, 4, 5, scale=4.0)
    alpha = rand(1, 1, 5)
    save("prelu_shared_hw", x, torch.where(x > 0, x, alpha * x), {"prelu/alpha": alpha.numpy()})
    x = rand(3, 4, 6, scale=4.0)
    alpha = rand(4, 6)
    save("prelu_rank2", x, torch.where(x > 0, x, alpha * x), {"prelu/alpha": alpha.numpy()})


if __name__ == "__main__":
    main()
