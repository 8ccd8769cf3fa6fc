// Runs an ONNX model with onnxruntime-node on a raw float32 NCHW input and writes the raw float32
// output: the oracle of the PP-OCRv4 fixtures (scripts/make-ppocr-fixtures).
//   node ort_run.js MODEL INPUT.f32 N,C,H,W OUTPUT.f32
// SPDX-License-Identifier: BSL-1.0
const ort = require('onnxruntime-node');
const fs = require('fs');

(async () => {
  const [model, input, dims, output] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(model, {intraOpNumThreads: 1});
  const bytes = fs.readFileSync(input);
  const x = new ort.Tensor('float32', new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4),
                           dims.split(',').map(Number));
  const result = await session.run({[session.inputNames[0]]: x});
  const y = result[session.outputNames[0]];
  fs.writeFileSync(output, Buffer.from(y.data.buffer, y.data.byteOffset, y.data.byteLength));
  console.log(`onnxruntime ${require('onnxruntime-node/package.json').version}: output ${y.dims.join('x')}`);
})().catch((e) => { console.error(`ort_run: ${e.message}`); process.exit(1); });
