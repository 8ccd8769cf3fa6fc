// LayerNormalization on the CPU: each position's C values normalised by their own mean and
// variance (two passes, as Keras' `ops.moments` computes them, so that a large mean does not eat
// the variance), then gamma and beta per channel.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ctnn/layers/layer_normalization.hpp>
#include <ctnn/runtime/parallel.hpp>
#include <ctnn/runtime/tensor.hpp>

namespace ctnn::detail {

/// y = gamma·(x − mean)/√(variance + eps) + beta per position; gamma and beta may be null
/// (scale<false>, center<false>).
[[gnu::noinline]] inline void layer_normalization(tensor_view x, tensor_view y, const float* gamma, const float* beta, float eps,
                                                  int threads) {
    const int channels = y.shape.channels;
    const std::int64_t positions = y.sample_size() / channels * y.batch;
    // Chunks of about 64 K values, so that small maps stay on one thread.
    const std::int64_t per_chunk = std::max<std::int64_t>(1, 65536 / channels);
    const auto chunks = static_cast<std::size_t>((positions + per_chunk - 1) / per_chunk);
    parallel_for(chunks, threads, [&](std::size_t chunk, int) {
        const std::int64_t first = static_cast<std::int64_t>(chunk) * per_chunk;
        const std::int64_t last = std::min(positions, first + per_chunk);
        for (std::int64_t p = first; p != last; ++p) {
            const float* src = x.data + p * channels;
            float* dst = y.data + p * channels;
            float mean = 0.0f;
            for (int c = 0; c != channels; ++c) mean += src[c];
            mean /= static_cast<float>(channels);
            float variance = 0.0f;
            for (int c = 0; c != channels; ++c) variance += (src[c] - mean) * (src[c] - mean);
            variance /= static_cast<float>(channels);
            const float inv = 1.0f / std::sqrt(variance + eps);
            for (int c = 0; c != channels; ++c) {
                const float g = gamma != nullptr ? gamma[c] * inv : inv;
                dst[c] = (src[c] - mean) * g + (beta != nullptr ? beta[c] : 0.0f);
            }
        }
    });
}

}  // namespace ctnn::detail

// ---- How the layer runs ---------------------------------------------------------------------------
#include <ctnn/runtime/node_io.hpp>

namespace ctnn::detail {
template <class... O>
void forward(std::type_identity<LayerNormalization<O...>>, const node_io& io) {
    using L = LayerNormalization<O...>;
    const float* gamma = L::has_gamma ? io.weights[0] : nullptr;
    const float* beta = L::has_beta ? io.weights[L::has_gamma ? 1 : 0] : nullptr;
    layer_normalization(io.inputs[0], io.output, gamma, beta, L::eps.as_float(), io.ws.threads());
}
}  // namespace ctnn::detail
