// BatchNormalization at inference: a per-channel scale and shift from the moving statistics,
// Keras semantics, on the channel (last) axis.
//
// Contract
//   BatchNormalization<[epsilon<"1.001e-5">], [center<bool>], [scale<bool>], [momentum<...>],
//                      name<"...">>
//   defaults   epsilon<"1e-3"> (Keras'; keras.applications' ResNet and DenseNet pass 1.001e-5),
//              center<true>, scale<true>; momentum is accepted, so that a Keras layer's arguments
//              carry over, and ignored: it matters only to training.
//   requires   epsilon > 0
//   output     y = gamma·(x − moving_mean)/√(moving_variance + epsilon) + beta; the input shape
//   params     C·(2 + [scale] + [center])
//   weights    gamma (C) if scale, beta (C) if center, moving_mean (C), moving_variance (C):
//              Keras' order; the moving statistics are non-trainable, as Keras counts them.
//   folding    directly after a layer that absorbs a channel affine map (Conv2D, DepthwiseConv2D,
//              SeparableConv2D with a linear activation) whose output nothing else reads, the
//              network folds it into that layer's weights and skips it (graph/folding.hpp).
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cstdint>

#include <ctnn/layers/layer.hpp>

// The diagnostics of this header's rules (see error.hpp for how they read).
namespace ctnn::error {
template <class Layer> struct epsilon_must_be_positive;
}  // namespace ctnn::error

namespace ctnn {

/// BatchNormalization's `epsilon`, added to the variance: `epsilon<"1.001e-5">`.
template <number V> struct epsilon { using option_kind = epsilon<1>; static constexpr number value = V; };
/// BatchNormalization's `center`: with `center<false>` there is no beta.
template <bool B> struct center { using option_kind = center<true>; static constexpr bool value = B; };
/// BatchNormalization's `momentum`: a training setting, accepted and ignored at inference.
template <number V> struct momentum { using option_kind = momentum<0>; static constexpr number value = V; };

template <class... Options>
struct BatchNormalization : layer_base<BatchNormalization<Options...>> {
    static constexpr std::string_view kind = "BatchNormalization";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 1, max_inputs = 1;

    static constexpr number eps = detail::option_or<epsilon<1>, epsilon<"1e-3">, Options...>::value;
    static constexpr bool has_gamma = static_cast<bool>(detail::option_or<scale<0>, scale<true>, Options...>::value);
    static constexpr bool has_beta = detail::option_or<center<true>, center<true>, Options...>::value;

    /// Its output is scale[c]·x + shift[c]: the network may fold it into the layer before it.
    static constexpr bool channel_affine = true;
    /// Where it runs on its own (after a Concatenate, as in DenseNet's BatchNormalization → ReLU
    /// → Conv2D), its kernel applies the activation after it in the same pass (graph/folding.hpp).
    static constexpr bool absorbs_activation = true;

    static constexpr bool check_hyperparameters() {
        constexpr bool options_ok =
            detail::check_options<BatchNormalization, void(epsilon<1>, center<true>, scale<0>, momentum<0>), Options...>::value &&
            detail::check_name<BatchNormalization, Options...>();
        if constexpr (!options_ok) {
            return false;
        } else {
            constexpr bool ok = number{0} < eps;
            CTNN_REQUIRE(ok, "BatchNormalization: epsilon must be above 0, or a zero variance divides by zero",
                         error::epsilon_must_be_positive<BatchNormalization>);
            return ok;
        }
    }

    template <dims In>
    static constexpr bool accepts = In.height > 0 && In.width > 0 && In.channels > 0;

    template <dims In>
    static constexpr verdict check_inputs() {
        return verdict::accept();
    }

    template <dims In>
    static constexpr dims output_shape = In;

    template <dims In>
    static constexpr std::int64_t params = std::int64_t{In.channels} * (2 + int{has_gamma} + int{has_beta});

    template <dims In>
    static constexpr auto weights = [] {
        constexpr std::int64_t c = In.channels;
        constexpr weight gamma{"gamma", {c}, 1}, beta{"beta", {c}, 1};
        constexpr weight mean{"moving_mean", {c}, 1, false}, variance{"moving_variance", {c}, 1, false};
        if constexpr (has_gamma && has_beta) return weights_of(gamma, beta, mean, variance);
        else if constexpr (has_gamma) return weights_of(gamma, mean, variance);
        else if constexpr (has_beta) return weights_of(beta, mean, variance);
        else return weights_of(mean, variance);
    }();

    /// One multiply-add per value (unless folded away, see graph/folding.hpp).
    template <dims In>
    static constexpr layer_cost cost{In.size(), In.size()};
};

}  // namespace ctnn
