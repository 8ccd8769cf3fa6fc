// Which BatchNormalization-like nodes fold into the layer before them, decided from the model's
// type: the network then scales that layer's weights once, when they are set, and skips the node.
//
// A layer whose output is a per-channel affine map of its input declares
// `static constexpr bool channel_affine = true` (BatchNormalization). A layer that can absorb such
// a map declares `absorbs_channel_affine` (true only if its own activation is linear: the map must
// act on what the layer's weights compute) and `output_kernel`, the position among its weights of
// the array whose last axis is its output channels; its weight named "bias", if any, is shifted.
// A channel-affine node folds into its input exactly when that input absorbs and nothing else
// reads the input's output (else the unscaled values are needed too): not another layer, not the
// caller (a model output), and no other application of a shared layer.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <array>
#include <cstddef>

#include <ctnn/graph/model.hpp>

namespace ctnn {

namespace detail {
enum class fold_role { none, channel_affine, absorbs };

template <class L>
constexpr fold_role fold_role_of() {
    if constexpr (requires { L::channel_affine; }) {
        return L::channel_affine ? fold_role::channel_affine : fold_role::none;
    } else if constexpr (requires { L::absorbs_channel_affine; L::output_kernel; }) {
        return L::absorbs_channel_affine ? fold_role::absorbs : fold_role::none;
    } else {
        return fold_role::none;
    }
}
template <class... Es>
constexpr std::array<fold_role, sizeof...(Es)> fold_roles_of(graph<Es...>) {
    return {fold_role_of<typename Es::layer_type>()...};
}
}  // namespace detail

/// The folds of model type `M`, as positions in `M::layers`.
template <std::size_t N>
struct folding_result {
    static constexpr std::size_t none = static_cast<std::size_t>(-1);
    /// For a folded channel-affine node: the node it folds into; else `none`.
    std::array<std::size_t, N> folded_into{};
    /// For a node that absorbs a fold: the folded node; else `none`.
    std::array<std::size_t, N> absorbs{};
    std::size_t count = 0;
};

namespace detail {
template <class M>
constexpr folding_result<M::layer_count> make_folding() {
    constexpr std::size_t n = M::layer_count;
    constexpr auto roles = fold_roles_of(typename M::graph_type{});
    folding_result<n> f{};
    f.folded_into.fill(f.none);
    f.absorbs.fill(f.none);
    std::array<std::size_t, n> readers{};
    for (std::size_t j = 0; j != n; ++j)
        for (std::size_t e = 0; e != M::layers[j].input_count; ++e) ++readers[M::edges[M::layers[j].first_input + e]];
    // A shared layer's weights serve all its applications, so neither side of a fold may be one;
    // and a model output is read by the caller.
    std::array<std::size_t, n> applications{};
    for (std::size_t j = 0; j != n; ++j) ++applications[M::owner[j]];
    for (std::size_t j = 0; j != n; ++j) {
        if (roles[j] != fold_role::channel_affine || M::layers[j].input_count != 1) continue;
        const std::size_t p = M::edges[M::layers[j].first_input];
        if (roles[p] != fold_role::absorbs || readers[p] != 1 || M::external[p]) continue;
        if (applications[M::owner[p]] != 1 || applications[M::owner[j]] != 1) continue;
        f.folded_into[j] = p, f.absorbs[p] = j;
        ++f.count;
    }
    return f;
}
}  // namespace detail

/// Which nodes of model type `M` fold into which (see above).
template <class M>
inline constexpr folding_result<M::layer_count> folding = detail::make_folding<M>();

}  // namespace ctnn
