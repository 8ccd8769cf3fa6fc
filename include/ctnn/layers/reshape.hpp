// Reshape: the same values under another shape, Keras semantics (row-major order kept).
//
// Contract
//   Reshape<target_shape<D...>, name<"...">>
//   target     one to three axes, as Keras' target_shape: <n>, <W, C> or <H, W, C>; one of them
//              may be -1, the length that makes the element counts agree
//   requires   at most one -1; every other axis ≥ 1; the input's element count equal to the
//              target's (with a -1: divisible by the product of the other axes)
//   takes      any rank      output  the target shape      params 0
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <array>

#include <ctnn/layers/layer.hpp>
#include <ctnn/layers/required.hpp>

// The diagnostics of this header's rules (see error.hpp for how they read).
namespace ctnn::error {
template <class Layer> struct reshape_target_has_more_than_one_unknown_axis;
template <class Layer> struct reshape_target_axes_must_be_positive;
template <class Layer, class Shape, class Target> struct reshape_changes_the_element_count;
}  // namespace ctnn::error

namespace ctnn {

/// Reshape's `target_shape`, as Keras' tuple without the batch axis; -1 once for "what is left".
template <int... D>
struct target_shape {
    static_assert(sizeof...(D) >= 1 && sizeof...(D) <= 3, "target_shape takes one to three axes: <n>, <W, C> or <H, W, C>");
    using option_kind = target_shape<1>;
    static constexpr std::size_t rank = sizeof...(D);
    static constexpr std::array<int, sizeof...(D)> axes{D...};
};

namespace detail {
struct missing_target_shape {
    static constexpr std::size_t rank = 1;
    static constexpr std::array<int, 1> axes{1};
};
}  // namespace detail

template <class... Options>
struct Reshape : layer_base<Reshape<Options...>>, no_weights {
    static constexpr std::string_view kind = "Reshape";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 1, max_inputs = 1;
    using input_ranks = any_rank;
    using target = detail::option_or<target_shape<1>, detail::missing_target_shape, Options...>;

    static constexpr int unknown_axes = [] {
        int n = 0;
        for (const int a : target::axes) n += a == -1;
        return n;
    }();
    /// The product of the axes given (all but a -1).
    static constexpr std::int64_t known_size = [] {
        std::int64_t n = 1;
        for (const int a : target::axes) n *= a == -1 ? 1 : a;
        return n;
    }();

    static constexpr bool check_hyperparameters() {
        constexpr bool options_ok = detail::check_options<Reshape, void(target_shape<1>), Options...>::value &&
                                    detail::check_name<Reshape, Options...>() &&
                                    detail::require_option<Reshape, target_shape<1>, Options...>();
        if constexpr (!options_ok) {
            return false;
        } else {
            constexpr bool one_unknown = unknown_axes <= 1;
            CTNN_REQUIRE(one_unknown, "target_shape may leave one axis to be inferred (-1), not more",
                         error::reshape_target_has_more_than_one_unknown_axis<Reshape>);
            constexpr bool positive = [] {
                for (const int a : target::axes)
                    if (a != -1 && a < 1) return false;
                return true;
            }();
            CTNN_REQUIRE(positive, "target_shape's axes must be at least 1 (or -1, once)",
                         error::reshape_target_axes_must_be_positive<Reshape>);
            return one_unknown && positive;
        }
    }

    template <dims In>
    static constexpr bool accepts =
        known_size > 0 && (unknown_axes == 0 ? In.size() == known_size : In.size() % known_size == 0);

    template <dims In>
    static constexpr verdict check_inputs() {
        constexpr bool ok = accepts<In>;
        return CTNN_CHECK(ok, "Reshape keeps every value: the target shape must hold as many elements as the input",
                          error::reshape_changes_the_element_count<Reshape, shape_of<In>, target>);
    }

    template <dims In>
    static constexpr dims output_shape = [] {
        std::array<int, 3> a{};
        for (std::size_t i = 0; i != target::rank; ++i)
            a[i] = target::axes[i] == -1 ? static_cast<int>(In.size() / known_size) : target::axes[i];
        if constexpr (target::rank == 1) return vector_dims(a[0]);
        else if constexpr (target::rank == 2) return rank2_dims(a[0], a[1]);
        else return dims{a[0], a[1], a[2]};
    }();

    template <dims In>
    static constexpr std::int64_t params = 0;
};

}  // namespace ctnn
