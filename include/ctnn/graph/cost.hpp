// What a model costs to run, from its static shapes: each layer's declared multiply-adds (see
// layers/concept.hpp), counted densely and counting only those that read real input.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <array>
#include <cstdint>

#include <ctnn/graph/model.hpp>

namespace ctnn {

/// Per-layer multiply-adds of model `M` on one sample, in the order of `M::layers`.
template <class M>
inline constexpr std::array<layer_cost, M::layer_count> layer_costs = detail::costs_of(typename M::graph_type{});

/// The whole model's multiply-adds on one sample.
template <class M>
inline constexpr layer_cost total_cost = [] {
    layer_cost sum{};
    for (const auto& c : layer_costs<M>) sum.dense += c.dense, sum.real += c.real;
    return sum;
}();

}  // namespace ctnn
