// MaxPooling2D and AveragePooling2D on the CPU. Windows that overhang the input under `same`
// padding ignore the padding: max over the real cells, average over their count (as TF does).
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
};

[[gnu::noinline]] inline void pool2d(const pooling_op& op, tensor_view x, tensor_view y, int threads) {
    const int c_count = op.in.channels;
    const std::size_t rows = static_cast<std::size_t>(x.batch) * static_cast<std::size_t>(op.out.height);
    parallel_for(rows, rows >= 64 ? threads : 1, [&](std::size_t row, int) {
        const int n = static_cast<int>(row / static_cast<std::size_t>(op.out.height));
        const int oh = static_cast<int>(row % static_cast<std::size_t>(op.out.height));
        const float* xs = x.sample(n);
        const int h0 = std::max(0, oh * op.stride.height - op.pad_top);
        const int h1 = std::min(op.in.height, oh * op.stride.height - op.pad_top + op.pool.height);
        for (int ow = 0; ow != op.out.width; ++ow) {
            const int w0 = std::max(0, ow * op.stride.width - op.pad_left);
            const int w1 = std::min(op.in.width, ow * op.stride.width - op.pad_left + op.pool.width);
            float* dst = y.sample(n) + (std::int64_t{oh} * op.out.width + ow) * c_count;
            std::fill(dst, dst + c_count, op.average ? 0.0f : -std::numeric_limits<float>::infinity());
            for (int ih = h0; ih < h1; ++ih)
                for (int iw = w0; iw < w1; ++iw) {
                    const float* src = xs + (std::int64_t{ih} * op.in.width + iw) * c_count;
                    if (op.average)
                        for (int c = 0; c != c_count; ++c) dst[c] += src[c];
                    else
                        for (int c = 0; c != c_count; ++c) dst[c] = std::max(dst[c], src[c]);
                }
            if (op.average) {
                const float scale = 1.0f / static_cast<float>((h1 - h0) * (w1 - w0));
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
    const pooling_op op{in,
                        out,
                        L::kernel,
                        L::stride,
                        same_padding_before(L::padding, in.height, L::kernel.height, L::stride.height, 1, out.height),
                        same_padding_before(L::padding, in.width, L::kernel.width, L::stride.width, 1, out.width),
                        average};
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
