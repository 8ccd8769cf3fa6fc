// GlobalAveragePooling2D and GlobalMaxPooling2D on the CPU: one pass over each sample's pixels,
// reducing every channel at once (channels are contiguous in NHWC).
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include <ctnn/layers/global_pooling.hpp>
#include <ctnn/runtime/node_io.hpp>
#include <ctnn/runtime/tensor.hpp>

namespace ctnn::detail {

/// y[n, c] = mean (or max) over h, w of x[n, h, w, c]. The mean sums in float, then divides, as
/// Keras' reduce_mean does.
[[gnu::noinline]] inline void global_pool(tensor_view x, tensor_view y, bool average) {
    const std::int64_t pixels = std::int64_t{x.shape.height} * x.shape.width, c_count = x.shape.channels;
    for (int n = 0; n != x.batch; ++n) {
        const float* in = x.sample(n);
        float* out = y.sample(n);
        std::copy(in, in + c_count, out);
        for (std::int64_t p = 1; p < pixels; ++p) {
            const float* px = in + p * c_count;
            if (average)
                for (std::int64_t c = 0; c != c_count; ++c) out[c] += px[c];
            else
                for (std::int64_t c = 0; c != c_count; ++c) out[c] = std::max(out[c], px[c]);
        }
        if (average) {
            const auto count = static_cast<float>(pixels);
            for (std::int64_t c = 0; c != c_count; ++c) out[c] /= count;
        }
    }
}

template <class... O>
void forward(std::type_identity<GlobalAveragePooling2D<O...>>, const node_io& io) {
    global_pool(io.inputs[0], io.output, true);
}
template <class... O>
void forward(std::type_identity<GlobalMaxPooling2D<O...>>, const node_io& io) {
    global_pool(io.inputs[0], io.output, false);
}

}  // namespace ctnn::detail
