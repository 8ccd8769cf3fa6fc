// DepthwiseConv2D: one spatial filter per input channel (times depth_multiplier), Keras semantics.
//
// Contract
//   DepthwiseConv2D<kernel_size<kh, kw>, [strides<sh, sw>], [valid | same],
//                   [depth_multiplier<m>], [dilation_rate<dh, dw>], [use_bias<bool>], [activation],
//                   name<"...">>
//   defaults   strides 1, valid, depth_multiplier 1, dilation 1, use_bias true, linear
//   requires   kernel, strides, dilation and depth_multiplier ≥ 1; not both a stride and a
//              dilation > 1; with `valid`, the input at least the effective kernel.
//   output     as Conv2D per axis; channels Cin·m, output channel c·m + j filtering input channel c
//   params     kh·kw·Cout + Cout (bias), Cout = Cin·m
//   weights    depthwise_kernel (kh, kw, Cin, m), bias (Cin·m) — Keras order
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <array>
#include <cstdint>

#include <ctnn/layers/layer.hpp>
#include <ctnn/layers/window.hpp>
#include <ctnn/rules/placement.hpp>
#include <ctnn/rules/rules.hpp>

// The diagnostics of this header's rules (see error.hpp for how they read).
namespace ctnn::error {
template <class Layer> struct depth_multiplier_must_be_positive;
}  // namespace ctnn::error

namespace ctnn {

/// Output channels per input channel of DepthwiseConv2D and SeparableConv2D's depthwise step.
template <int M> struct depth_multiplier { using option_kind = depth_multiplier<1>; static constexpr int value = M; };

namespace detail {
template <class Layer>
constexpr bool check_depth_multiplier() {
    constexpr bool ok = Layer::multiplier >= 1;
    CTNN_REQUIRE(ok, "depth_multiplier must be at least 1", error::depth_multiplier_must_be_positive<Layer>);
    return ok;
}

/// Multiply-adds of a depthwise step: every output value meets kh·kw taps of one channel.
template <class Layer>
constexpr layer_cost depthwise_cost(dims in, dims out) {
    constexpr hw k = Layer::kernel, s = Layer::stride, d = Layer::dilation;
    const std::int64_t per_tap = std::int64_t{in.channels} * Layer::multiplier;
    const int pt = same_padding_before(Layer::padding, in.height, k.height, s.height, d.height, out.height);
    const int pl = same_padding_before(Layer::padding, in.width, k.width, s.width, d.width, out.width);
    return {std::int64_t{out.height} * out.width * k.height * k.width * per_tap,
            real_taps(k.height, in.height, out.height, s.height, d.height, pt) *
                real_taps(k.width, in.width, out.width, s.width, d.width, pl) * per_tap};
}
}  // namespace detail

template <class... Options>
struct DepthwiseConv2D : layer_base<DepthwiseConv2D<Options...>> {
    static constexpr std::string_view kind = "DepthwiseConv2D";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 1, max_inputs = 1;

    static constexpr hw kernel = detail::option_or<kernel_size<1>, detail::missing_hw, Options...>::value;
    static constexpr hw stride = detail::option_or<strides<1>, strides<1>, Options...>::value;
    static constexpr hw dilation = detail::option_or<dilation_rate<1>, dilation_rate<1>, Options...>::value;
    static constexpr padding_mode padding = detail::option_or<valid, valid, Options...>::value;
    static constexpr int multiplier = detail::option_or<depth_multiplier<1>, depth_multiplier<1>, Options...>::value;
    static constexpr activation_kind activation = detail::option_or<linear, linear, Options...>::value;
    static constexpr bool bias = detail::option_or<use_bias<true>, use_bias<true>, Options...>::value;

    /// A BatchNormalization after it folds into `depthwise_kernel` (weight 0), whose flattened last
    /// two axes are the output channels, when nothing non-linear comes between.
    static constexpr bool absorbs_channel_affine = activation == activation_kind::linear;
    static constexpr std::size_t output_kernel = 0;
    /// An activation layer after it (or after that BatchNormalization) becomes its activation,
    /// when its own is linear.
    static constexpr bool absorbs_activation = activation == activation_kind::linear;
    /// A BatchNormalization or Rescaling after its activation (its own or one folded in) folds in
    /// too: its kernels map each value after the activation.
    static constexpr bool absorbs_output_affine = true;
    /// A ZeroPadding2D before it folds into it: its kernel skips taps outside its input, so it
    /// reads the unpadded map with the padding added to its own.
    static constexpr bool absorbs_zero_padding = true;
    /// A layer before it that produces rows (a 1×1 Conv2D: MobileNetV2's expansion) folds into it
    /// when its kernel reads the input through a K×K window a row at a time (K 3 or 5, multiplier
    /// 1, no dilation): it has that layer compute the rows it needs from its input, a band at a
    /// time, instead of reading the expanded map from memory.
    static constexpr bool absorbs_row_producer = kernel.height == kernel.width && (kernel.height == 3 || kernel.height == 5) &&
                                                 multiplier == 1 && dilation.height == 1 && dilation.width == 1;

    static constexpr bool check_hyperparameters() {
        constexpr bool options_ok =
            detail::check_options<DepthwiseConv2D, void(kernel_size<1>, strides<1>, dilation_rate<1>, valid, linear,
                                                        use_bias<true>, depth_multiplier<1>),
                                  Options...>::value &&
            detail::check_name<DepthwiseConv2D, Options...>() && detail::require_kernel_size<DepthwiseConv2D, Options...>();
        if constexpr (!options_ok) {
            return false;
        } else {
            return detail::check_window_hyperparameters<DepthwiseConv2D>() && detail::check_depth_multiplier<DepthwiseConv2D>();
        }
    }

    template <dims In>
    static constexpr bool accepts = detail::window_fits(In, kernel, dilation, padding);

    template <dims In>
    static constexpr verdict check_inputs() {
        constexpr bool fits = accepts<In>;
        return CTNN_CHECK(fits, "DepthwiseConv2D: with padding 'valid' the input must be at least as large as the (dilated) "
                                "kernel; use 'same' padding, a smaller kernel or a larger input",
                          error::kernel_larger_than_input<DepthwiseConv2D, shape_of<In>>);
    }

    template <dims In>
    static constexpr dims output_shape{detail::window_length(In.height, kernel.height, stride.height, dilation.height, padding),
                                       detail::window_length(In.width, kernel.width, stride.width, dilation.width, padding),
                                       In.channels * multiplier};

    template <dims In>
    static constexpr std::int64_t params = rules::eval(
        rules::depthwise_params, {.kh = kernel.height, .kw = kernel.width, .cout = In.channels * multiplier, .bias = bias});

    template <dims In>
    static constexpr auto weights = [] {
        constexpr weight k{"depthwise_kernel", {kernel.height, kernel.width, In.channels, multiplier}, 4};
        if constexpr (bias) return weights_of(k, weight{"bias", {std::int64_t{In.channels} * multiplier}, 1});
        else return weights_of(k);
    }();

    template <dims In, dims Out = output_shape<In>>
    static constexpr layer_cost cost = detail::depthwise_cost<DepthwiseConv2D>(In, Out);
};

}  // namespace ctnn
