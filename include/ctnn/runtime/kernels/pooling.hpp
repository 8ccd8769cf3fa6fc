// MaxPooling2D and AveragePooling2D on the CPU. Windows that overhang the input under `same`
// padding ignore the padding: max over the real cells, average over their count (as TF does);
// the zeros of a ZeroPadding2D folded into the layer are cells like any other.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

#include <ctnn/layers/pooling.hpp>
#include <ctnn/options.hpp>  // hw
#include <ctnn/runtime/node_io.hpp>
#include <ctnn/runtime/parallel.hpp>
#include <ctnn/runtime/tensor.hpp>

namespace ctnn::detail {

struct pooling_op {
    dims in, out;
    hw pool, stride;
    int pad_top, pad_left;
    bool average;
    /// Zeros around `in` from a ZeroPadding2D folded into the layer (node_io::input_padding):
    /// cells of the windows, unlike the pooling's own `same` padding. The windows (pad_top,
    /// pad_left) are placed on the map with these margins.
    margins zeros{};
};

[[gnu::noinline]] inline void pool2d(const pooling_op& op, tensor_view x, tensor_view y, int threads) {
    const int c_count = op.in.channels;
    const int padded_h = op.in.height + op.zeros.top + op.zeros.bottom, padded_w = op.in.width + op.zeros.left + op.zeros.right;
    const std::size_t rows = static_cast<std::size_t>(x.batch) * static_cast<std::size_t>(op.out.height);
    parallel_for(rows, rows >= 64 ? threads : 1, [&](std::size_t row, int) {
        const int n = static_cast<int>(row / static_cast<std::size_t>(op.out.height));
        const int oh = static_cast<int>(row % static_cast<std::size_t>(op.out.height));
        const float* xs = x.sample(n);
        // The window's rows on the padded map, then those of them on the input.
        const int a0 = std::max(0, oh * op.stride.height - op.pad_top);
        const int a1 = std::min(padded_h, oh * op.stride.height - op.pad_top + op.pool.height);
        const int h0 = std::max(0, a0 - op.zeros.top), h1 = std::min(op.in.height, a1 - op.zeros.top);
        for (int ow = 0; ow != op.out.width; ++ow) {
            const int b0 = std::max(0, ow * op.stride.width - op.pad_left);
            const int b1 = std::min(padded_w, ow * op.stride.width - op.pad_left + op.pool.width);
            const int w0 = std::max(0, b0 - op.zeros.left), w1 = std::min(op.in.width, b1 - op.zeros.left);
            const int cells = (a1 - a0) * (b1 - b0), real = std::max(0, h1 - h0) * std::max(0, w1 - w0);
            float* dst = y.sample(n) + (std::int64_t{oh} * op.out.width + ow) * c_count;
            // A window over some of the margins' zeros has 0 among its values.
            std::fill(dst, dst + c_count, op.average || real < cells ? 0.0f : -std::numeric_limits<float>::infinity());
            for (int ih = h0; ih < h1; ++ih)
                for (int iw = w0; iw < w1; ++iw) {
                    const float* src = xs + (std::int64_t{ih} * op.in.width + iw) * c_count;
                    if (op.average)
                        for (int c = 0; c != c_count; ++c) dst[c] += src[c];
                    else
                        for (int c = 0; c != c_count; ++c) dst[c] = std::max(dst[c], src[c]);
                }
            if (op.average) {
                const float scale = 1.0f / static_cast<float>(cells);
                for (int c = 0; c != c_count; ++c) dst[c] *= scale;
            }
        }
    });
}

/// The glue from the layer types to this kernel: hyper-parameters are constants, shapes
/// arrive at run time.
template <class L>
void forward_pooling(const node_io& io, bool average) {
    const dims in = io.inputs[0].shape, out = io.output.shape;
    const margins m = io.input_padding;
    // The windows are placed on the padded map, whose shape the rules checked.
    const int padded_h = in.height + m.top + m.bottom, padded_w = in.width + m.left + m.right;
    const pooling_op op{in,
                        out,
                        L::kernel,
                        L::stride,
                        same_padding_before(L::padding, padded_h, L::kernel.height, L::stride.height, 1, out.height),
                        same_padding_before(L::padding, padded_w, L::kernel.width, L::stride.width, 1, out.width),
                        average,
                        m};
    pool2d(op, io.inputs[0], io.output, io.ws.threads());
}
template <class... O>
void forward(std::type_identity<MaxPooling2D<O...>>, const node_io& io) {
    forward_pooling<MaxPooling2D<O...>>(io, false);
}
template <class... O>
void forward(std::type_identity<AveragePooling2D<O...>>, const node_io& io) {
    forward_pooling<AveragePooling2D<O...>>(io, true);
}

}  // namespace ctnn::detail
