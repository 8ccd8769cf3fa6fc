// SeparableConv2D: a depthwise step, then a 1×1 convolution mixing channels, Keras semantics.
//
// Contract
//   SeparableConv2D<filters, kernel_size<kh, kw>, [strides<sh, sw>], [valid | same],
//                   [depth_multiplier<m>], [dilation_rate<dh, dw>], [use_bias<bool>], [activation],
//                   name<"...">>
//   defaults   strides 1, valid, depth_multiplier 1, dilation 1, use_bias true, linear
//   requires   filters, kernel, strides, dilation and depth_multiplier ≥ 1; not both a stride and
//              a dilation > 1; with `valid`, the input at least the effective kernel.
//   output     as Conv2D per axis; channels = filters. The bias and the activation come after the
//              pointwise step only.
//   params     kh·kw·Cin·m (depthwise) + Cin·m·filters (pointwise) + filters (bias)
//   weights    depthwise_kernel (kh, kw, Cin, m), pointwise_kernel (1, 1, Cin·m, filters),
//              bias (filters) — Keras order
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <array>
#include <cstdint>

#include <ctnn/layers/depthwise_conv2d.hpp>
#include <ctnn/layers/layer.hpp>
#include <ctnn/layers/window.hpp>
#include <ctnn/rules/rules.hpp>

namespace ctnn {

template <int Filters, class... Options>
struct SeparableConv2D : layer_base<SeparableConv2D<Filters, Options...>> {
    static constexpr std::string_view kind = "SeparableConv2D";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 1, max_inputs = 1;

    static constexpr int filters = Filters;
    static constexpr hw kernel = detail::option_or<kernel_size<1>, detail::missing_hw, Options...>::value;
    static constexpr hw stride = detail::option_or<strides<1>, strides<1>, Options...>::value;
    static constexpr hw dilation = detail::option_or<dilation_rate<1>, dilation_rate<1>, Options...>::value;
    static constexpr padding_mode padding = detail::option_or<valid, valid, Options...>::value;
    static constexpr int multiplier = detail::option_or<depth_multiplier<1>, depth_multiplier<1>, Options...>::value;
    static constexpr activation_kind activation = detail::option_or<linear, linear, Options...>::value;
    static constexpr bool bias = detail::option_or<use_bias<true>, use_bias<true>, Options...>::value;

    /// A BatchNormalization after it folds into `pointwise_kernel` (weight 1), whose last axis is
    /// the output channels, when the activation is linear.
    static constexpr bool absorbs_channel_affine = activation == activation_kind::linear;
    static constexpr std::size_t output_kernel = 1;
    /// An activation layer after it (or after that BatchNormalization) becomes its activation,
    /// when its own is linear.
    static constexpr bool absorbs_activation = activation == activation_kind::linear;

    static constexpr bool check_hyperparameters() {
        constexpr bool options_ok =
            detail::check_options<SeparableConv2D, void(kernel_size<1>, strides<1>, dilation_rate<1>, valid, linear,
                                                        use_bias<true>, depth_multiplier<1>),
                                  Options...>::value &&
            detail::check_name<SeparableConv2D, Options...>() && detail::require_kernel_size<SeparableConv2D, Options...>();
        if constexpr (!options_ok) {
            return false;
        } else {
            return detail::check_window_hyperparameters<SeparableConv2D>() && detail::check_filters<SeparableConv2D>() &&
                   detail::check_depth_multiplier<SeparableConv2D>();
        }
    }

    template <dims In>
    static constexpr bool accepts = detail::window_fits(In, kernel, dilation, padding);

    template <dims In>
    static constexpr verdict check_inputs() {
        constexpr bool fits = accepts<In>;
        return CTNN_CHECK(fits, "SeparableConv2D: with padding 'valid' the input must be at least as large as the (dilated) "
                                "kernel; use 'same' padding, a smaller kernel or a larger input",
                          error::kernel_larger_than_input<SeparableConv2D, shape_of<In>>);
    }

    template <dims In>
    static constexpr dims output_shape{detail::window_length(In.height, kernel.height, stride.height, dilation.height, padding),
                                       detail::window_length(In.width, kernel.width, stride.width, dilation.width, padding),
                                       Filters};

    /// The depthwise step's rule without a bias, plus the pointwise step's as a 1×1 Conv2D.
    template <dims In>
    static constexpr std::int64_t params =
        rules::eval(rules::depthwise_params, {.kh = kernel.height, .kw = kernel.width, .cout = In.channels * multiplier}) +
        rules::eval(rules::conv_params, {.kh = 1, .kw = 1, .cin = In.channels * multiplier, .cout = Filters, .bias = bias});

    template <dims In>
    static constexpr auto weights = [] {
        constexpr weight depthwise{"depthwise_kernel", {kernel.height, kernel.width, In.channels, multiplier}, 4};
        constexpr weight pointwise{"pointwise_kernel", {1, 1, std::int64_t{In.channels} * multiplier, Filters}, 4};
        if constexpr (bias) return weights_of(depthwise, pointwise, weight{"bias", {Filters}, 1});
        else return weights_of(depthwise, pointwise);
    }();

    template <dims In, dims Out = output_shape<In>>
    static constexpr layer_cost cost = [] {
        const layer_cost depthwise = detail::depthwise_cost<SeparableConv2D>(In, Out);
        const std::int64_t pointwise = std::int64_t{Out.height} * Out.width * In.channels * multiplier * Filters;
        return layer_cost{depthwise.dense + pointwise, depthwise.real + pointwise};
    }();
};

}  // namespace ctnn
