// Softmax as a layer, Keras semantics: over the last axis.
//
// Contract
//   Softmax<[axis<N>], name<"...">>
//   default    axis<-1>
//   requires   the last axis: -1, or its index counting Keras' batch axis (1 for a vector, 2 for
//              rank 2, 3 for a map); ctnn does not take a softmax over another axis
//   computes   e^(x − max) / Σ e^(x − max), finite for any logits
//   takes      any rank      output  the input shape      params 0
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/layers/layer.hpp>

// The diagnostics of this header's rules (see error.hpp for how they read).
namespace ctnn::error {
template <class Layer, class Shape, class Axis> struct softmax_axis_is_not_the_last;
}  // namespace ctnn::error

namespace ctnn {

/// Keras' `axis`, counting the batch axis as 0, or from the end when negative.
template <int A> struct axis { using option_kind = axis<-1>; static constexpr int value = A; };

template <class... Options>
struct Softmax : layer_base<Softmax<Options...>>, no_weights {
    static constexpr std::string_view kind = "Softmax";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 1, max_inputs = 1;
    using input_ranks = any_rank;

    using axis_option = detail::option_or<axis<-1>, axis<-1>, Options...>;
    static constexpr int along = axis_option::value;

    static constexpr bool check_hyperparameters() {
        return detail::check_options<Softmax, void(axis<-1>), Options...>::value && detail::check_name<Softmax, Options...>();
    }

    template <dims In>
    static constexpr bool accepts = along == -1 || along == In.rank;

    template <dims In>
    static constexpr verdict check_inputs() {
        constexpr bool ok = accepts<In>;
        return CTNN_CHECK(ok, "ctnn takes a softmax over the last axis only: axis<-1>, or the last axis' index",
                          error::softmax_axis_is_not_the_last<Softmax, shape_of<In>, axis_option>);
    }

    template <dims In>
    static constexpr dims output_shape = In;

    template <dims In>
    static constexpr std::int64_t params = 0;
};

}  // namespace ctnn
