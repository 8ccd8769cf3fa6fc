// Flatten: a map (or any sample) as one vector, Keras semantics: row-major over (H, W, C), as NHWC
// lays it out. (PyTorch flattens NCHW as (C, H, W): a PyTorch classifier's first Linear needs its
// columns permuted when imported.)
//
// Contract
//   Flatten<name<"...">>
//   takes      any rank (a vector stays as it is)
//   output     a vector of H·W·C      params 0
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/layers/layer.hpp>

namespace ctnn {

template <class... Options>
struct Flatten : layer_base<Flatten<Options...>>, no_weights {
    static constexpr std::string_view kind = "Flatten";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 1, max_inputs = 1;
    using input_ranks = any_rank;

    static constexpr bool check_hyperparameters() {
        return detail::check_options<Flatten, void(), Options...>::value && detail::check_name<Flatten, Options...>();
    }

    template <dims In>
    static constexpr bool accepts = In.size() > 0;

    /// Every shape flattens: nothing to report.
    template <dims In>
    static constexpr verdict check_inputs() {
        return verdict::accept();
    }

    template <dims In>
    static constexpr dims output_shape = vector_dims(static_cast<int>(In.size()));

    template <dims In>
    static constexpr std::int64_t params = 0;
};

}  // namespace ctnn
