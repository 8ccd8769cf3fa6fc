// The onnxruntime peer of the benchmark suite (bench/run): one ONNX model at one batch size,
// graph optimisations on (all), one session per thread count (intraOpNumThreads, one inter-op
// thread). Prints, per thread count, `time threads=T seconds=S runs=R` (the median of R runs
// after two warm-up runs). bench/run installs onnxruntime-node@1.20.1 into .cache/ort.
//   node ort_peer.js MODEL.onnx C,H,W BATCH THREADS(1,2) MIN_RUNS MAX_RUNS BUDGET_SECONDS
// SPDX-License-Identifier: BSL-1.0
const ort = require('onnxruntime-node');

(async () => {
  const [model, shape, batch, threads, minRuns, maxRuns, budget] = process.argv.slice(2);
  const dims = [Number(batch), ...shape.split(',').map(Number)];
  const x = new Float32Array(dims.reduce((a, b) => a * b));
  for (let i = 0; i !== x.length; ++i) x[i] = (i % 251) / 250;
  for (const n of threads.split(',').map(Number)) {
    const session = await ort.InferenceSession.create(model, {
      intraOpNumThreads: n, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all'});
    const feeds = {[session.inputNames[0]]: new ort.Tensor('float32', x, dims)};
    for (let w = 0; w !== 2; ++w) await session.run(feeds);
    const times = [];
    let spent = 0;
    while (times.length < Number(minRuns) || (times.length < Number(maxRuns) && spent < Number(budget))) {
      const start = process.hrtime.bigint();
      await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - start) * 1e-9);
      spent += times[times.length - 1];
    }
    times.sort((a, b) => a - b);
    const h = times.length >> 1;
    const median = times.length % 2 ? times[h] : 0.5 * (times[h - 1] + times[h]);
    console.log(`time threads=${n} seconds=${median.toFixed(5)} runs=${times.length}`);
    await session.release();
  }
})().catch((e) => { console.error(`ort_peer: ${e.message}`); process.exit(1); });
