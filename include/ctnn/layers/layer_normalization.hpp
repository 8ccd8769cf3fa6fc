// LayerNormalization: each position's values normalised over the channel (last) axis, then
// scaled and shifted per channel, Keras semantics (ConvNeXt's and the transformers' normalisation).
//
// Contract
//   LayerNormalization<[epsilon<"1e-6">], [center<bool>], [scale<bool>], name<"...">>
//   takes      any rank: a vector (n), (W, C) or (H, W, C); it normalises over the last axis
//              (Keras' default axis=-1) at every position alone
//   defaults   epsilon<"1e-3"> (Keras'; ConvNeXt passes 1e-6), center<true>, scale<true>
//   requires   epsilon > 0
//   output     y = gamma·(x − mean)/√(variance + epsilon) + beta, with the mean and the (biased)
//              variance of the position's C values; the input shape
//   params     C·([scale] + [center])
//   weights    gamma (C) if scale, beta (C) if center: Keras' order, both trainable
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cstdint>

#include <ctnn/layers/batch_normalization.hpp>
#include <ctnn/layers/layer.hpp>

namespace ctnn {

template <class... Options>
struct LayerNormalization : layer_base<LayerNormalization<Options...>> {
    static constexpr std::string_view kind = "LayerNormalization";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 1, max_inputs = 1;
    using input_ranks = any_rank;

    static constexpr number eps = detail::option_or<epsilon<1>, epsilon<"1e-3">, Options...>::value;
    static constexpr bool has_gamma = static_cast<bool>(detail::option_or<scale<0>, scale<true>, Options...>::value);
    static constexpr bool has_beta = detail::option_or<center<true>, center<true>, Options...>::value;

    static constexpr bool check_hyperparameters() {
        constexpr bool options_ok =
            detail::check_options<LayerNormalization, void(epsilon<1>, center<true>, scale<0>), Options...>::value &&
            detail::check_name<LayerNormalization, Options...>();
        if constexpr (!options_ok) {
            return false;
        } else {
            constexpr bool ok = number{0} < eps;
            CTNN_REQUIRE(ok, "LayerNormalization: epsilon must be above 0, or a position whose values are all equal divides by zero",
                         error::epsilon_must_be_positive<LayerNormalization>);
            return ok;
        }
    }

    template <dims In>
    static constexpr bool accepts = true;

    template <dims In>
    static constexpr verdict check_inputs() {
        return verdict::accept();
    }

    template <dims In>
    static constexpr dims output_shape = In;

    template <dims In>
    static constexpr std::int64_t params = std::int64_t{In.channels} * (int{has_gamma} + int{has_beta});

    template <dims In>
    static constexpr auto weights = [] {
        constexpr std::int64_t c = In.channels;
        constexpr weight gamma{"gamma", {c}, 1}, beta{"beta", {c}, 1};
        if constexpr (has_gamma && has_beta) return weights_of(gamma, beta);
        else if constexpr (has_gamma) return weights_of(gamma);
        else if constexpr (has_beta) return weights_of(beta);
        else return weights_of();
    }();

    /// Three passes over each value: the mean, the variance, the normalised output.
    template <dims In>
    static constexpr layer_cost cost{3 * In.size(), 3 * In.size()};
};

}  // namespace ctnn
