// PReLU: a rectifier whose negative slope is learnt, one per position and channel unless axes
// share it, Keras semantics.
//
// Contract
//   PReLU<[shared_axes<A...>], name<"...">>
//   shared_axes  Keras' axes (counting its batch axis as 0: a map's are 1 = H, 2 = W, 3 = C) along
//                which one alpha serves every position; `shared_axes<1, 2>` gives one alpha per
//                channel, as MobileNet-style and PyTorch's per-channel PReLU
//   requires     every shared axis an axis of the input
//   computes     x for x > 0, alpha·x otherwise
//   takes        any rank      output  the input shape
//   params       the size of alpha: the input's shape with the shared axes set to 1
//   weights      alpha (the input's shape, shared axes 1), Keras' default initialiser zeros
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <array>

#include <ctnn/layers/layer.hpp>

// The diagnostics of this header's rules (see error.hpp for how they read).
namespace ctnn::error {
template <class Layer, class Shape, class SharedAxes> struct shared_axes_outside_the_input;
}  // namespace ctnn::error

namespace ctnn {

/// PReLU's `shared_axes`, as Keras numbers axes (the batch axis is 0).
template <int... A>
struct shared_axes {
    using option_kind = shared_axes<>;
    static constexpr std::array<int, sizeof...(A)> axes{A...};
};

namespace detail {
/// The shape of a PReLU's alpha on input `in`: `in` with the shared axes set to 1. Keras' axis a of
/// a rank-r sample is, from the end, dims' channels (a = r), width (a = r − 1), height (a = r − 2).
template <std::size_t N>
constexpr dims prelu_alpha_dims(dims in, const std::array<int, N>& shared) {
    for (const int a : shared) {
        const int from_end = in.rank - a;
        if (from_end == 0) in.channels = 1;
        else if (from_end == 1) in.width = 1;
        else if (from_end == 2) in.height = 1;
    }
    return in;
}
}  // namespace detail

template <class... Options>
struct PReLU : layer_base<PReLU<Options...>> {
    static constexpr std::string_view kind = "PReLU";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 1, max_inputs = 1;
    using input_ranks = any_rank;
    using shared = detail::option_or<shared_axes<>, shared_axes<>, Options...>;

    static constexpr bool check_hyperparameters() {
        return detail::check_options<PReLU, void(shared_axes<>), Options...>::value && detail::check_name<PReLU, Options...>();
    }

    template <dims In>
    static constexpr bool accepts = [] {
        for (const int a : shared::axes)
            if (a < 1 || a > In.rank) return false;
        return true;
    }();

    template <dims In>
    static constexpr verdict check_inputs() {
        constexpr bool ok = accepts<In>;
        return CTNN_CHECK(ok, "shared_axes names an axis the input does not have (Keras counts the batch axis as 0)",
                          error::shared_axes_outside_the_input<PReLU, shape_of<In>, shared>);
    }

    template <dims In>
    static constexpr dims output_shape = In;

    template <dims In>
    static constexpr dims alpha_dims = detail::prelu_alpha_dims(In, shared::axes);

    template <dims In>
    static constexpr std::int64_t params = alpha_dims<In>.size();

    /// alpha in Keras' layout: the input's axes, shared ones of length 1.
    template <dims In>
    static constexpr auto weights = [] {
        constexpr dims a = alpha_dims<In>;
        if constexpr (In.rank == 1) return weights_of(weight{"alpha", {a.channels}, 1});
        else if constexpr (In.rank == 2) return weights_of(weight{"alpha", {a.width, a.channels}, 2});
        else return weights_of(weight{"alpha", {a.height, a.width, a.channels}, 3});
    }();

    template <dims In>
    static constexpr layer_cost cost{};
};

}  // namespace ctnn
