// The merges that broadcast (Multiply, Subtract, Average, Maximum, Minimum) on the CPU.
//
// Inputs broadcast as Keras and NumPy do along H, W and C (layers/merge.hpp). For each output
// pixel, each input contributes either its own pixel or its only one along an axis of length 1,
// and either its channels or its single channel: the inner loop runs over channels, contiguous in
// NHWC, so a squeeze-and-excitation gate (1×1×C times H×W×C) costs what a plain product does.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>

#include <ctnn/layers/merge.hpp>
#include <ctnn/runtime/tensor.hpp>

namespace ctnn::detail {

enum class merge_op { subtract, multiply, average, maximum, minimum };

namespace merge_kernels {
/// Pixel (h, w) of sample n of x, as broadcast to the output.
inline const float* pixel(const tensor_view& x, int n, int h, int w) {
    const int hh = x.shape.height == 1 ? 0 : h, ww = x.shape.width == 1 ? 0 : w;
    return x.sample(n) + (std::int64_t{hh} * x.shape.width + ww) * x.shape.channels;
}
/// dst[c] = f(dst[c], src[c or 0]) over `channels`.
template <class F>
inline void combine(float* dst, const float* src, int channels, bool one_channel, F f) {
    if (one_channel) {
        const float v = src[0];
        for (int c = 0; c != channels; ++c) dst[c] = f(dst[c], v);
    } else {
        for (int c = 0; c != channels; ++c) dst[c] = f(dst[c], src[c]);
    }
}
template <class F>
inline void merge(std::span<const tensor_view> xs, tensor_view y, F f) {
    const int channels = y.shape.channels;
    for (int n = 0; n != y.batch; ++n)
        for (int h = 0; h != y.shape.height; ++h)
            for (int w = 0; w != y.shape.width; ++w) {
                float* dst = y.sample(n) + (std::int64_t{h} * y.shape.width + w) * channels;
                combine(dst, pixel(xs[0], n, h, w), channels, xs[0].shape.channels == 1,
                        [](float, float v) { return v; });
                for (std::size_t i = 1; i != xs.size(); ++i)
                    combine(dst, pixel(xs[i], n, h, w), channels, xs[i].shape.channels == 1, f);
            }
}
}  // namespace merge_kernels

[[gnu::noinline]] inline void broadcast_merge(std::span<const tensor_view> xs, tensor_view y, merge_op op) {
    using merge_kernels::merge;
    switch (op) {
        case merge_op::subtract: merge(xs, y, [](float a, float b) { return a - b; }); break;
        case merge_op::multiply: merge(xs, y, [](float a, float b) { return a * b; }); break;
        case merge_op::maximum: merge(xs, y, [](float a, float b) { return std::max(a, b); }); break;
        case merge_op::minimum: merge(xs, y, [](float a, float b) { return std::min(a, b); }); break;
        case merge_op::average: {
            merge(xs, y, [](float a, float b) { return a + b; });
            const float inverse = 1.0f / static_cast<float>(xs.size());
            const std::int64_t count = y.sample_size() * y.batch;
            for (std::int64_t k = 0; k != count; ++k) y.data[k] *= inverse;
            break;
        }
    }
}

}  // namespace ctnn::detail

// ---- How the layers run ------------------------------------------------------------------------
#include <ctnn/runtime/node_io.hpp>

namespace ctnn::detail {
template <class... O>
void forward(std::type_identity<Multiply<O...>>, const node_io& io) {
    broadcast_merge(io.inputs, io.output, merge_op::multiply);
}
template <class... O>
void forward(std::type_identity<Subtract<O...>>, const node_io& io) {
    broadcast_merge(io.inputs, io.output, merge_op::subtract);
}
template <class... O>
void forward(std::type_identity<Average<O...>>, const node_io& io) {
    broadcast_merge(io.inputs, io.output, merge_op::average);
}
template <class... O>
void forward(std::type_identity<Maximum<O...>>, const node_io& io) {
    broadcast_merge(io.inputs, io.output, merge_op::maximum);
}
template <class... O>
void forward(std::type_identity<Minimum<O...>>, const node_io& io) {
    broadcast_merge(io.inputs, io.output, merge_op::minimum);
}
}  // namespace ctnn::detail
