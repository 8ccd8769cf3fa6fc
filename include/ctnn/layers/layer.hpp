// What every layer shares: applying it to nodes makes a node, after checking it accepts them.
//
// A layer type provides (the `layer` concept, layers/concept.hpp; any header in layers/ shows the
// contract in full):
//   kind                       Keras class name, e.g. "Conv2D"
//   layer_name                 named<...>, from its name<"..."> option
//   min_inputs, max_inputs     how many nodes it takes
//   check_hyperparameters()    reports and returns false for settings that can never work
//   check_inputs<dims...>()    its verdict on the input shapes: CTNN_CHECK(ok, sentence,
//                              diagnostic), so that a rejection always says why
//   accepts<dims...>           the same verdict, silently (for requires-expressions)
//   output_shape<dims...>      its output shape
//   params<dims...>            its parameter count (a rule of its own, printed in the docs)
//   weights<dims...>           its weight arrays: Keras names, shapes, trainable or not; their
//                              sizes must add up to params
//   cost<dims...>              its multiply-adds on one sample (layer_cost)
//   input_ranks (optional)     the ranks of input it takes: ranks<3> (H×W×C maps) unless it says
//                              otherwise, e.g. `using input_ranks = any_rank;`
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include <ctnn/error.hpp>
#include <ctnn/graph/node.hpp>
#include <ctnn/layers/concept.hpp>
#include <ctnn/name.hpp>
#include <ctnn/options.hpp>
#include <ctnn/shape.hpp>

namespace ctnn {

/// What a model or node that failed its checks reports for its constants: a value equal to
/// anything, so that the program's own static_asserts on it stay silent after the one
/// diagnostic the mistake gave (`static_assert(decltype(model)::total_params == 1'792)`).
struct unknown_value {
    template <class T>
    friend constexpr bool operator==(unknown_value, const T&) {
        return true;
    }
    template <class T>
    constexpr operator T() const {
        return T{};
    }
};

/// Stands in for a node that failed its checks, so that one mistake gives one diagnostic: layers
/// applied to it, models made of it, and questions asked of it stay silent.
struct invalid_node {
    static constexpr unknown_value output_shape{}, params{}, input_count{}, id{};
    using shape = invalid_node;
};

namespace detail {

/// Every layer names itself: ctnn identifies layers by their types, so an unnamed layer could not
/// be told apart from another with the same settings, nor matched to its weights.
template <class Layer, class... Options>
constexpr bool check_name() {
    constexpr bool has_name = count_kind<typename named<>::option_kind, Options...> == 1;
    CTNN_REQUIRE(has_name, "every layer needs a name: add name<\"...\"> to its options",
                 error::layer_needs_a_name<Layer>);
    return has_name;
}
}  // namespace detail

/// Node types: what applying layers makes. (A concept, not a trait: checking it names no
/// entity after the node, whose type spells its whole chain.)
template <class T>
concept node_type = __is_same(T, invalid_node) || requires {
    typename T::entry_type;
    typename T::chain_type;
};

/// The CRTP base of every layer: `Conv2D<...>{}(x)` checks the layer against x's shape and
/// returns the node, as calling a Keras layer on a tensor does.
template <class Derived>
struct layer_base {
    template <node_type... Inputs>
    constexpr auto operator()(Inputs...) const {
        if constexpr ((__is_same(Inputs, invalid_node) || ...)) {
            return invalid_node{};
        } else if constexpr (!detail::check_layer_members<Derived>()) {
            return invalid_node{};
        } else if constexpr (!Derived::check_hyperparameters()) {
            return invalid_node{};
        } else {
            constexpr auto n = sizeof...(Inputs);
            constexpr bool arity_ok = n >= Derived::min_inputs && n <= Derived::max_inputs;
            CTNN_REQUIRE(arity_ok, "this layer was given the wrong number of inputs",
                         error::wrong_number_of_inputs<Derived, std::integral_constant<std::size_t, Derived::min_inputs>,
                                                       std::integral_constant<std::size_t, n>>);
            if constexpr (!arity_ok) {
                return invalid_node{};
            } else if constexpr (!detail::check_input_ranks<Derived, Inputs::output_shape...>()) {
                return invalid_node{};
            } else if constexpr (!detail::check_inputs_member<Derived, Inputs::output_shape...>()) {
                return invalid_node{};
            } else if constexpr (!Derived::template check_inputs<Inputs::output_shape...>()) {
                return invalid_node{};
            } else if constexpr (!detail::check_shape_members<Derived, Inputs::output_shape...>()) {
                return invalid_node{};
            } else {
                using result = node_of<Derived, Inputs...>;
                // Completes the new link now, while its inputs' links are complete: asked for
                // later, a thousand links would be completed one inside the other.
                static_assert(result::chain_type::size != 0);
                return result{};
            }
        }
    }
};

/// What the layers that map every value on its own share (activations, ReLU, ELU, Rescaling,
/// Dropout at inference): one input of any shape and rank, the same shape out, no weights.
template <class Derived>
struct elementwise_layer : layer_base<Derived>, no_weights {
    static constexpr std::size_t min_inputs = 1, max_inputs = 1;
    using input_ranks = any_rank;

    template <dims In>
    static constexpr bool accepts = true;

    template <dims In>
    static constexpr verdict check_inputs() {
        return verdict::accept();
    }

    template <dims In>
    static constexpr dims output_shape = In;

    template <dims In>
    static constexpr std::int64_t params = 0;
};

/// Whether layer `L` takes inputs of these shapes; silent, for `requires` and negative tests.
template <class L, class... Shapes>
concept accepts = (sizeof...(Shapes) >= L::min_inputs) && (sizeof...(Shapes) <= L::max_inputs) &&
                  detail::ranks_accepted<L, Shapes::value...> && L::template accepts<Shapes::value...>;

/// The output shape of layer `L` on inputs of shapes `Shapes...`, as a type.
template <class L, class... Shapes>
using output_shape_t = shape_of<L::template output_shape<Shapes::value...>>;

}  // namespace ctnn
