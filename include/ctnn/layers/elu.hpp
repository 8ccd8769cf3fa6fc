// ELU: the exponential linear unit as a layer, Keras semantics.
//
// Contract
//   ELU<[alpha<N>], name<"...">>
//   default    alpha<1>
//   computes   x for x > 0, alpha·(eˣ − 1) otherwise
//   takes      any rank      output  the input shape      params 0
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/layers/layer.hpp>

namespace ctnn {

template <number V> struct alpha { using option_kind = alpha<0>; static constexpr number value = V; };

template <class... Options>
struct ELU : elementwise_layer<ELU<Options...>> {
    static constexpr std::string_view kind = "ELU";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;

    static constexpr number alpha_value = detail::option_or<alpha<0>, alpha<1>, Options...>::value;

    static constexpr bool check_hyperparameters() {
        return detail::check_options<ELU, void(alpha<0>), Options...>::value && detail::check_name<ELU, Options...>();
    }
};

}  // namespace ctnn
