// ReLU (with Keras' max_value, negative_slope and threshold) and LeakyReLU on the CPU: one
// element-wise kernel for both.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include <ctnn/layers/relu.hpp>
#include <ctnn/runtime/node_io.hpp>
#include <ctnn/runtime/parallel.hpp>
#include <ctnn/runtime/tensor.hpp>

namespace ctnn::detail {

/// The settings of a rectifier, as floats.
struct rectifier {
    bool capped = false;
    float max_value = 0.0f, negative_slope = 0.0f, threshold = 0.0f;
};

/// Keras' ReLU, step by step as its code computes it (layers/relu.hpp): the positive part
/// (x where x > threshold, or max(x, 0) with no threshold), capped at max_value, minus
/// negative_slope·max(threshold − x, 0).
[[gnu::noinline]] inline void rectify(tensor_view x, tensor_view y, rectifier r, int threads) {
    const std::int64_t count = y.sample_size() * y.batch;
    parallel_runs(count, 2, threads, [&](std::int64_t i0, std::int64_t i1) {
        for (std::int64_t i = i0; i != i1; ++i) {
            const float v = x.data[i];
            float positive = r.threshold != 0.0f ? (v > r.threshold ? v : 0.0f) : std::max(v, 0.0f);
            if (r.capped) positive = std::min(std::max(positive, 0.0f), r.max_value);
            y.data[i] = r.negative_slope != 0.0f ? positive - r.negative_slope * std::max(r.threshold - v, 0.0f) : positive;
        }
    });
}

template <class... O>
void forward(std::type_identity<ReLU<O...>>, const node_io& io) {
    using L = ReLU<O...>;
    rectify(io.inputs[0], io.output, {L::capped, L::cap.as_float(), L::slope.as_float(), L::from.as_float()}, io.ws.threads());
}
template <class... O>
void forward(std::type_identity<LeakyReLU<O...>>, const node_io& io) {
    rectify(io.inputs[0], io.output, {false, 0.0f, LeakyReLU<O...>::slope.as_float(), 0.0f}, io.ws.threads());
}

}  // namespace ctnn::detail
