// What a layer must declare, in one place: the `layer` concept, the weight and cost
// declarations every layer makes next to its shape rule, and the check that names a layer's
// missing member on the first error line.
//
// The graph, the summary, the network's weight storage, the weight files, the cost model and the
// generated docs read these declarations; none of them lists layer kinds of its own, so a new
// layer is its header, its kernel and its tests.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <ctnn/error.hpp>
#include <ctnn/shape.hpp>

namespace ctnn {

/// One weight array of a layer, as Keras names and lays it out: `kernel` (kh, kw, Cin, Cout) of
/// a Conv2D, `bias` (Cout), `moving_mean` (C, non-trainable) of a BatchNormalization, ...
struct weight {
    std::string_view name;
    std::array<std::int64_t, 4> shape{};
    int rank = 0;
    bool trainable = true;

    constexpr std::int64_t size() const {
        std::int64_t n = 1;
        for (int i = 0; i != rank; ++i) n *= shape[static_cast<std::size_t>(i)];
        return n;
    }
};

/// Multiply-adds of one layer on one sample.
struct layer_cost {
    std::int64_t dense = 0;  // as if padding were real input
    std::int64_t real = 0;   // only those that read real input
};

/// A layer's weight declarations: `weights_of(weight{"kernel", {3, 3, 8, 16}, 4}, ...)`.
template <class... W>
constexpr std::array<weight, sizeof...(W)> weights_of(W... w) {
    return {w...};
}

/// What a layer with no weights and no multiply-adds declares (it moves, compares or picks
/// values): inherit it to say so.
struct no_weights {
    template <dims...>
    static constexpr std::array<weight, 0> weights{};
    template <dims...>
    static constexpr layer_cost cost{};
};

/// Σ of the sizes of declared weights: a layer's parameter count must equal it.
template <std::size_t N>
constexpr std::int64_t total_size(const std::array<weight, N>& w) {
    std::int64_t n = 0;
    for (const auto& a : w) n += a.size();
    return n;
}

namespace detail {
// One concept per member, so that the `layer` concept and the check that names a missing
// member state each requirement once.
template <class L>
concept has_kind = requires {
    { L::kind } -> std::convertible_to<std::string_view>;
};
template <class L>
concept has_layer_name = requires { typename L::layer_name; };
template <class L>
concept has_arity = requires {
    { L::min_inputs } -> std::convertible_to<std::size_t>;
    { L::max_inputs } -> std::convertible_to<std::size_t>;
};
template <class L>
concept has_hyperparameter_check = requires {
    { L::check_hyperparameters() } -> std::same_as<bool>;
};
}  // namespace detail

/// A layer type, as the graph composes it. Members that depend on the input shapes
/// (`output_shape<In...>`, `params<In...>`, `weights<In...>`, `cost<In...>`, `accepts<In...>`,
/// `check_inputs<In...>()`) are checked when the layer is applied, with the shapes it gets.
template <class L>
concept layer = detail::has_kind<L> && detail::has_layer_name<L> && detail::has_arity<L> &&
                detail::has_hyperparameter_check<L>;

namespace detail {
/// Reports the first member `L` lacks, by name, on the first error line; true if none is missing.
template <class L>
constexpr bool check_layer_members() {
    if constexpr (!has_kind<L>) {
        CTNN_REPORT(error::layer_lacks_member<L, error::member::kind>);
        return false;
    } else if constexpr (!has_layer_name<L>) {
        CTNN_REPORT(error::layer_lacks_member<L, error::member::layer_name>);
        return false;
    } else if constexpr (!has_arity<L>) {
        CTNN_REPORT(error::layer_lacks_member<L, error::member::min_inputs_and_max_inputs>);
        return false;
    } else if constexpr (!has_hyperparameter_check<L>) {
        CTNN_REPORT(error::layer_lacks_member<L, error::member::check_hyperparameters>);
        return false;
    } else {
        return true;
    }
}

/// `check_inputs` must return a `verdict`, which can be false only with a diagnostic.
template <class L, dims... In>
constexpr bool check_inputs_member() {
    constexpr bool returns_verdict = requires {
        { L::template check_inputs<In...>() } -> std::same_as<verdict>;
    };
    if constexpr (!returns_verdict) CTNN_REPORT(error::layer_lacks_member<L, error::member::check_inputs_returning_a_verdict>);
    return returns_verdict;
}

/// The members that depend on the input shapes, checked with the shapes the layer got.
template <class L, dims... In>
constexpr bool check_shape_members() {
    if constexpr (!requires { L::template output_shape<In...>; }) {
        CTNN_REPORT(error::layer_lacks_member<L, error::member::output_shape>);
        return false;
    } else if constexpr (!requires { L::template params<In...>; }) {
        CTNN_REPORT(error::layer_lacks_member<L, error::member::params>);
        return false;
    } else if constexpr (!requires { L::template weights<In...>; }) {
        CTNN_REPORT(error::layer_lacks_member<L, error::member::weights>);
        return false;
    } else if constexpr (!requires { { L::template cost<In...> } -> std::convertible_to<layer_cost>; }) {
        CTNN_REPORT(error::layer_lacks_member<L, error::member::cost>);
        return false;
    } else {
        // The parameter count is a rule of its own (printed in the docs); the weights must add
        // up to it, or the summary and the weight files would disagree.
        constexpr bool adds_up = L::template params<In...> == total_size(L::template weights<In...>);
        CTNN_REQUIRE(adds_up, "a layer's params must equal the total size of the weights it declares",
                     error::layer_params_differ_from_its_weights<L, shape_of<In>...>);
        return adds_up;
    }
}
}  // namespace detail

}  // namespace ctnn
