// The layers that only move values: Cropping2D, ZeroPadding2D, UpSampling2D (nearest),
// Concatenate; and the element-wise ones: Add, Activation.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>

#include <ctnn/layers/activation.hpp>
#include <ctnn/layers/cropping2d.hpp>
#include <ctnn/layers/merge.hpp>
#include <ctnn/layers/up_sampling2d.hpp>
#include <ctnn/layers/zero_padding2d.hpp>
#include <ctnn/options.hpp>
#include <ctnn/runtime/kernels/activation.hpp>
#include <ctnn/runtime/kernels/bilinear.hpp>
#include <ctnn/runtime/kernels/packets.hpp>
#include <ctnn/runtime/node_io.hpp>
#include <ctnn/runtime/parallel.hpp>
#include <ctnn/runtime/tensor.hpp>

namespace ctnn::detail {

/// Copies the window of x starting at (top, left) of y's height and width (a crop): a row at a
/// time, the rows split over the threads, and written around the caches where the output is large
/// (streams_output): the U-Net's crops are read only when the decoder's last blocks concatenate
/// them. Its crop1 (568×568×64 → 392×392×64) took 5.45 ms on 1 thread and 5.43 on 2 by
/// memcpy a row.
[[gnu::noinline]] inline void crop2d(tensor_view x, tensor_view y, int top, int left, int threads) {
    const std::int64_t row = std::int64_t{y.shape.width} * y.shape.channels, rows = std::int64_t{y.batch} * y.shape.height;
    const bool stream = streams_output(rows * row, y.data, row);
    parallel_runs(rows, 2 * row, threads, [&](std::int64_t r0, std::int64_t r1) {
        for (std::int64_t r = r0; r != r1; ++r) {
            const int n = static_cast<int>(r / y.shape.height), h = static_cast<int>(r % y.shape.height);
            const float* from = x.sample(n) + (std::int64_t{h + top} * x.shape.width + left) * x.shape.channels;
            if (stream) stream_copy(y.data + r * row, from, row);
            else std::copy_n(from, row, y.data + r * row);
        }
        if (stream) stream_fence();
    });
}

/// Places x inside zeros, at (top, left) of y: each output row zeros where it is padding and a
/// copy of its input row, the rows split over the threads (parallel_runs).
[[gnu::noinline]] inline void pad2d(tensor_view x, tensor_view y, int top, int left, int threads) {
    const std::int64_t row = std::int64_t{y.shape.width} * y.shape.channels, rows = std::int64_t{y.batch} * y.shape.height;
    const std::int64_t before = std::int64_t{left} * y.shape.channels, width = std::int64_t{x.shape.width} * x.shape.channels;
    parallel_runs(rows, 2 * row, threads, [&](std::int64_t r0, std::int64_t r1) {
        for (std::int64_t r = r0; r != r1; ++r) {
            float* dst = y.data + r * row;
            const int n = static_cast<int>(r / y.shape.height), h = static_cast<int>(r % y.shape.height) - top;
            if (h < 0 || h >= x.shape.height) {
                std::fill_n(dst, row, 0.0f);
                continue;
            }
            std::fill_n(dst, before, 0.0f);
            std::copy_n(x.sample(n) + std::int64_t{h} * width, width, dst + before);
            std::fill(dst + before + width, dst + row, 0.0f);
        }
    });
}

/// Nearest-neighbour upsampling: output (h, w) takes input (h / fh, w / fw); the output rows split
/// over the threads (PP-OCRv4's neck upsamples 2.5-12 MB maps: on one thread, its largest took
/// 0.47 ms on 1 thread and 0.45 on 2).
[[gnu::noinline]] inline void upsample2d(tensor_view x, tensor_view y, hw factor, int threads) {
    const int c_count = x.shape.channels;
    const std::int64_t row = std::int64_t{y.shape.width} * c_count, rows = std::int64_t{y.batch} * y.shape.height;
    parallel_runs(rows, row, threads, [&](std::int64_t r0, std::int64_t r1) {
        for (std::int64_t r = r0; r != r1; ++r) {
            const int n = static_cast<int>(r / y.shape.height), h = static_cast<int>(r % y.shape.height);
            const float* from = x.sample(n) + std::int64_t{h / factor.height} * x.shape.width * c_count;
            float* to = y.data + r * row;
            for (int w = 0; w != y.shape.width; ++w)
                std::copy_n(from + std::int64_t{w / factor.width} * c_count, c_count, to + std::int64_t{w} * c_count);
        }
    });
}

/// The sum of `xs`, activated (a folded activation: softmax over channels, any other value by
/// value in the same run).
[[gnu::noinline]] inline void add(std::span<const tensor_view> xs, tensor_view y, activation_kind activation, int threads) {
    const std::int64_t count = y.sample_size() * y.batch;
    parallel_runs(count, static_cast<std::int64_t>(xs.size()) + 1, threads, [&](std::int64_t k0, std::int64_t k1) {
        if (xs[0].data != y.data) std::copy(xs[0].data + k0, xs[0].data + k1, y.data + k0);
        for (std::size_t i = 1; i != xs.size(); ++i) {
            const float* src = xs[i].data;
            for (std::int64_t k = k0; k != k1; ++k) y.data[k] += src[k];
        }
        activate_run(y.data + k0, k1 - k0, activation);
    });
    if (activation == activation_kind::softmax) softmax_rows(y.data, count / y.shape.channels, y.shape.channels, threads);
}

/// Joins along channels: each output pixel is the inputs' pixels one after another.
[[gnu::noinline]] inline void concatenate(std::span<const tensor_view> xs, tensor_view y, int threads) {
    const std::int64_t pixels = std::int64_t{y.shape.height} * y.shape.width * y.batch;
    parallel_runs(pixels, 2 * std::int64_t{y.shape.channels}, threads, [&](std::int64_t p0, std::int64_t p1) {
        for (std::int64_t p = p0; p != p1; ++p) {
            float* dst = y.data + p * y.shape.channels;
            for (const auto& x : xs) {
                std::memcpy(dst, x.data + p * x.shape.channels, sizeof(float) * static_cast<std::size_t>(x.shape.channels));
                dst += x.shape.channels;
            }
        }
    });
}

[[gnu::noinline]] inline void activation(tensor_view x, tensor_view y, activation_kind a, int threads) {
    const std::int64_t channels = y.shape.channels, pixels = y.sample_size() * y.batch / channels;
    parallel_runs(pixels, 2 * channels, threads, [&](std::int64_t p0, std::int64_t p1) {
        if (x.data != y.data) std::copy(x.data + p0 * channels, x.data + p1 * channels, y.data + p0 * channels);
        activate_pixels(y.data + p0 * channels, p1 - p0, channels, a);
    });
}

/// The glue from the layer types to this kernel: hyper-parameters are constants, shapes
/// arrive at run time.
template <class... O>
void forward(std::type_identity<Cropping2D<O...>>, const node_io& io) {
    crop2d(io.inputs[0], io.output, Cropping2D<O...>::crop.top, Cropping2D<O...>::crop.left, io.ws.threads());
}
template <class... O>
void forward(std::type_identity<ZeroPadding2D<O...>>, const node_io& io) {
    pad2d(io.inputs[0], io.output, ZeroPadding2D<O...>::pad.top, ZeroPadding2D<O...>::pad.left, io.ws.threads());
}
template <class... O>
void forward(std::type_identity<UpSampling2D<O...>>, const node_io& io) {
    if constexpr (UpSampling2D<O...>::interpolation == interpolation_mode::bilinear)
        upsample2d_bilinear(io.inputs[0], io.output);
    else
        upsample2d(io.inputs[0], io.output, UpSampling2D<O...>::factor, io.ws.threads());
}
template <class... O>
void forward(std::type_identity<Add<O...>>, const node_io& io) {
    add(io.inputs, io.output, io.activation(activation_kind::linear), io.ws.threads());
}
template <class... O>
void forward(std::type_identity<Concatenate<O...>>, const node_io& io) {
    concatenate(io.inputs, io.output, io.ws.threads());
}
template <class... O>
void forward(std::type_identity<Activation<O...>>, const node_io& io) {
    activation(io.inputs[0], io.output, Activation<O...>::activation, io.ws.threads());
}

}  // namespace ctnn::detail
