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

/// The ranks of input a layer takes, as it declares them with `using input_ranks = ...;`:
/// `ranks<3>` (H×W×C maps: what a layer that declares nothing takes), `any_rank`. Checked where
/// the layer is applied, for every layer alike, so that a layer written later gets the check and
/// its one diagnostic without writing either.
template <int... R>
struct ranks {
    static constexpr bool contains(int rank) { return ((rank == R) || ...); }
};
using any_rank = ranks<1, 2, 3>;

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

template <class L>
struct input_ranks_of {
    using type = ranks<3>;
};
template <class L>
    requires requires { typename L::input_ranks; }
struct input_ranks_of<L> {
    using type = typename L::input_ranks;
};

/// Position of the first input whose rank `L` does not take, or the number of inputs.
template <class L, dims... In>
constexpr std::size_t first_input_of_wrong_rank() {
    const std::array<int, sizeof...(In)> r{In.rank...};
    for (std::size_t i = 0; i != r.size(); ++i)
        if (!input_ranks_of<L>::type::contains(r[i])) return i;
    return r.size();
}

/// Whether `L` takes inputs of these ranks; silent.
template <class L, dims... In>
inline constexpr bool ranks_accepted = first_input_of_wrong_rank<L, In...>() == sizeof...(In);

/// Reports the first input of a rank `L` does not take, naming the layer, that input's shape and
/// the ranks the layer takes; true if there is none.
template <class L, dims... In>
constexpr bool check_input_ranks() {
    constexpr std::size_t bad = first_input_of_wrong_rank<L, In...>();
    if constexpr (bad == sizeof...(In)) {
        return true;
    } else {
        constexpr std::array<dims, sizeof...(In)> in{In...};
        constexpr dims wrong = in[bad];
        CTNN_REQUIRE(bad == sizeof...(In),
                     "this layer does not take inputs of this rank (a convolution, pooling, cropping or padding needs "
                     "an H×W×C map): Reshape the input, or use a layer made for vectors",
                     error::layer_does_not_take_this_rank<L, shape_of<wrong>, typename input_ranks_of<L>::type>);
        return false;
    }
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
