// Activation: applies an activation function on its own (FCN-8 ends with a softmax).
//
// Contract
//   Activation<linear | relu | sigmoid | tanh | softmax | relu6 | hard_sigmoid | silu (swish) |
//              hard_silu (hard_swish) | gelu | softplus | elu, name<"...">>
//   takes      any rank; definitions as Keras 3's (options.hpp), hard_sigmoid is relu6(x + 3)/6
//              and gelu the exact erf form.
//   softmax is taken over the last axis (a map's channels, per pixel).
//   output     the input shape      params 0
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/layers/layer.hpp>

namespace ctnn {

template <class... Options>
struct Activation : elementwise_layer<Activation<Options...>> {
    static constexpr std::string_view kind = "Activation";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr activation_kind activation = detail::option_or<linear, linear, Options...>::value;
    /// Nothing but `activation`: the layer before it can apply it instead (graph/folding.hpp).
    static constexpr bool activation_only = true;

    static constexpr bool check_hyperparameters() {
        return detail::check_options<Activation, void(linear), Options...>::value &&
               detail::check_name<Activation, Options...>();
    }
};

}  // namespace ctnn
