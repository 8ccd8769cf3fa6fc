// Rescaling: x·scale + offset, Keras semantics (a model's own preprocessing: `scale<"1/255">`,
// or `scale<"2/255">, offset<-1>` for MobileNetV2's [-1, 1]).
//
// Contract
//   Rescaling<scale<N>, [offset<N>], name<"...">>
//   requires   scale (Keras gives it no default)
//   default    offset<0>
//   takes      any rank      output  the input shape      params 0
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/layers/layer.hpp>
#include <ctnn/layers/required.hpp>

namespace ctnn {

template <number V> struct offset { using option_kind = offset<0>; static constexpr number value = V; };

template <class... Options>
struct Rescaling : elementwise_layer<Rescaling<Options...>> {
    static constexpr std::string_view kind = "Rescaling";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;

    static constexpr number factor = detail::option_or<scale<0>, detail::missing_number, Options...>::value;
    static constexpr number shift = detail::option_or<offset<0>, offset<0>, Options...>::value;
    /// The same affine map on every channel: it folds into the layer before it as a
    /// BatchNormalization does (graph/folding.hpp; PP-OCRv4's learnable affine blocks after
    /// each convolution).
    static constexpr bool channel_affine = true;

    static constexpr bool check_hyperparameters() {
        return detail::check_options<Rescaling, void(scale<0>, offset<0>), Options...>::value &&
               detail::check_name<Rescaling, Options...>() && detail::require_option<Rescaling, scale<0>, Options...>();
    }
};

}  // namespace ctnn
