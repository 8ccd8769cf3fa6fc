// BatchNormalization on the CPU: its per-channel scale and shift (also what the network folds
// into the layer before it, see graph/folding.hpp), and the kernel that applies them.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include <ctnn/layers/batch_normalization.hpp>
#include <ctnn/runtime/kernels/activation.hpp>
#include <ctnn/runtime/parallel.hpp>
#include <ctnn/runtime/tensor.hpp>
#include <ctnn/runtime/workspace.hpp>

namespace ctnn::detail {

/// scale = gamma/√(moving_variance + ε), shift = beta − moving_mean·scale, in float as TensorFlow
/// computes them (rsqrt first, then times gamma). `weights` in the layer's declared order.
template <class... O>
void scale_shift(std::type_identity<BatchNormalization<O...>>, std::span<const float* const> weights, int channels, float* scale,
                 float* shift) {
    using L = BatchNormalization<O...>;
    std::size_t next = 0;
    const float* gamma = L::has_gamma ? weights[next++] : nullptr;
    const float* beta = L::has_beta ? weights[next++] : nullptr;
    const float* mean = weights[next++];
    const float* variance = weights[next];
    const float eps = L::eps.as_float();
    for (int c = 0; c != channels; ++c) {
        float inv = 1.0f / std::sqrt(variance[c] + eps);
        if (gamma != nullptr) inv *= gamma[c];
        scale[c] = inv;
        shift[c] = (beta != nullptr ? beta[c] : 0.0f) - mean[c] * inv;
    }
}

/// y = scale[c]·x + shift[c], then `activation` (one folded into the node), a run of pixels at a
/// time while they are in cache.
[[gnu::noinline]] inline void channel_affine(tensor_view x, tensor_view y, const float* scale, const float* shift,
                                             activation_kind activation, int threads) {
    const int channels = y.shape.channels;
    const std::int64_t pixels = std::int64_t{y.shape.height} * y.shape.width * y.batch;
    parallel_runs(pixels, 2 * std::int64_t{channels}, threads, [&](std::int64_t p0, std::int64_t p1) {
        map_pixels(x.data + p0 * channels, p1 - p0, channels, {scale, shift, activation}, y.data + p0 * channels);
    });
}

}  // namespace ctnn::detail

// ---- How the layer runs (when it was not folded away) ------------------------------------------
#include <ctnn/runtime/node_io.hpp>

namespace ctnn::detail {
template <class... O>
void forward(std::type_identity<BatchNormalization<O...>>, const node_io& io) {
    const int channels = io.output.shape.channels;
    float* scale = io.ws.scratch(0, 2 * static_cast<std::size_t>(channels));
    float* shift = scale + channels;
    scale_shift(std::type_identity<BatchNormalization<O...>>{}, io.weights, channels, scale, shift);
    channel_affine(io.inputs[0], io.output, scale, shift, io.activation(activation_kind::linear), io.ws.threads());
}
}  // namespace ctnn::detail
