// Dense on the CPU: one matrix product, (positions × Cin) times the kernel (Cin × units), with
// the bias and activation applied to each finished block while it is in cache.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cstdint>

#include <ctnn/layers/dense.hpp>
#include <ctnn/runtime/kernels/activation.hpp>
#include <ctnn/runtime/kernels/gemm.hpp>
#include <ctnn/runtime/node_io.hpp>
#include <ctnn/runtime/tensor.hpp>
#include <ctnn/runtime/workspace.hpp>

namespace ctnn::detail {

/// y = activation(x·kernel + bias) over the last axis; every position of every sample is one row.
/// `bias` may be null.
[[gnu::noinline]] inline void dense(tensor_view x, tensor_view y, const float* kernel, const float* bias,
                                    activation_kind activation, workspace& ws) {
    const std::int64_t cin = x.shape.channels, units = y.shape.channels;
    const std::int64_t rows = x.sample_size() / cin * x.batch;
    parallel_gemm({x.data, cin}, {kernel, units}, {y.data, units}, rows, units, cin, ws.threads(),
                  [&](std::int64_t r0, std::int64_t r1, std::int64_t c0, std::int64_t c1) {
                      bias_activate(y.data, units, r0, r1, c0, c1, bias, activation);
                  });
    if (activation == activation_kind::softmax) softmax_rows(y.data, rows, units, ws.threads());
}

template <int U, class... O>
void forward(std::type_identity<Dense<U, O...>>, const node_io& io) {
    using L = Dense<U, O...>;
    dense(io.inputs[0], io.output, io.weights[0], L::bias ? io.weights[1] : nullptr, io.activation(L::activation), io.ws);
}

}  // namespace ctnn::detail
