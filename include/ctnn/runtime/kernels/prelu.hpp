// PReLU on the CPU: x for x > 0, alpha·x otherwise, alpha broadcast along its shared axes.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cstdint>
#include <type_traits>

#include <ctnn/layers/prelu.hpp>
#include <ctnn/runtime/node_io.hpp>
#include <ctnn/runtime/tensor.hpp>

namespace ctnn::detail {

/// `alpha` has shape `a`: x's shape with shared axes of length 1 (read at index 0).
[[gnu::noinline]] inline void prelu(tensor_view x, tensor_view y, const float* alpha, dims a) {
    const dims s = x.shape;
    for (int n = 0; n != x.batch; ++n) {
        const float* in = x.sample(n);
        float* out = y.sample(n);
        for (int h = 0; h != s.height; ++h)
            for (int w = 0; w != s.width; ++w) {
                const std::int64_t at = (std::int64_t{h} * s.width + w) * s.channels;
                const float* slope =
                    alpha + (std::int64_t{a.height == 1 ? 0 : h} * a.width + (a.width == 1 ? 0 : w)) * a.channels;
                for (int c = 0; c != s.channels; ++c) {
                    const float v = in[at + c];
                    out[at + c] = v > 0.0f ? v : slope[a.channels == 1 ? 0 : c] * v;
                }
            }
    }
}

template <class... O>
void forward(std::type_identity<PReLU<O...>>, const node_io& io) {
    const tensor_view x = io.inputs[0];
    prelu(x, io.output, io.weights[0], prelu_alpha_dims(x.shape, PReLU<O...>::shared::axes));
}

}  // namespace ctnn::detail
