// Conv2D: 2-D convolution (cross-correlation), Keras semantics.
//
// Contract
//   Conv2D<filters, kernel_size<kh, kw>, [strides<sh, sw>], [valid | same],
//          [dilation_rate<dh, dw>], [use_bias<bool>], [activation], [groups<g>], name<"...">>
//   requires   filters, kernel, strides and dilation ≥ 1; not both a stride and a dilation > 1;
//              with `valid`, the input must be at least the effective kernel k′ = d·(k−1)+1;
//              groups ≥ 1 dividing both filters and the input channels.
//   output     valid: ⌊(n − k′)/s⌋ + 1   same: ⌈n/s⌉   (per axis); channels = filters
//   groups     Keras' grouped convolution: output channels [j·F/g, (j+1)·F/g) read only input
//              channels [j·Cin/g, (j+1)·Cin/g).
//   params     kh·kw·(Cin/g)·Cout + Cout (bias)
//   weights    kernel (kh, kw, Cin/g, Cout), bias (Cout) — Keras order
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <array>
#include <type_traits>

#include <ctnn/layers/layer.hpp>
#include <ctnn/layers/window.hpp>
#include <ctnn/rules/placement.hpp>
#include <ctnn/rules/rules.hpp>

// The diagnostics of this header's rules (see error.hpp for how they read).
namespace ctnn::error {
template <class Layer> struct groups_must_be_positive;
template <class Layer, class Filters, class Groups> struct filters_not_divisible_by_groups;
template <class Layer, class Shape, class Groups> struct input_channels_not_divisible_by_groups;
}  // namespace ctnn::error

namespace ctnn {

/// Conv2D's `groups`: the channels split into g independent convolutions.
template <int G> struct groups { using option_kind = groups<1>; static constexpr int value = G; };

template <int Filters, class... Options>
struct Conv2D : layer_base<Conv2D<Filters, Options...>> {
    static constexpr std::string_view kind = "Conv2D";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 1, max_inputs = 1;

    static constexpr int filters = Filters;
    static constexpr hw kernel = detail::option_or<kernel_size<1>, detail::missing_hw, Options...>::value;
    static constexpr hw stride = detail::option_or<strides<1>, strides<1>, Options...>::value;
    static constexpr hw dilation = detail::option_or<dilation_rate<1>, dilation_rate<1>, Options...>::value;
    static constexpr padding_mode padding = detail::option_or<valid, valid, Options...>::value;
    static constexpr activation_kind activation = detail::option_or<linear, linear, Options...>::value;
    static constexpr bool bias = detail::option_or<use_bias<true>, use_bias<true>, Options...>::value;
    static constexpr int group_count = detail::option_or<groups<1>, groups<1>, Options...>::value;

    /// A BatchNormalization after it folds into `kernel` (weight 0), whose last axis is the output
    /// channels, when the activation is linear.
    static constexpr bool absorbs_channel_affine = activation == activation_kind::linear;
    static constexpr std::size_t output_kernel = 0;
    /// An activation layer after it (or after that BatchNormalization) becomes its activation,
    /// when its own is linear.
    static constexpr bool absorbs_activation = activation == activation_kind::linear;
    /// An Add of its output (or its folded BatchNormalization's) and an earlier tensor folds in,
    /// when its activation is linear: its kernel adds that tensor before the activation.
    static constexpr bool absorbs_residual = activation == activation_kind::linear;
    /// A BatchNormalization or Rescaling after its activation (its own or one folded in) folds in
    /// too: its kernels map each value after the activation.
    static constexpr bool absorbs_output_affine = true;
    /// A BatchNormalization before it that stays a node of its own (after a Concatenate, say), and
    /// the activation after that, fold in when it is 1×1, of stride 1 and one group: it reads each
    /// input value once, into one product, and maps it as it reads it.
    static constexpr bool absorbs_input_affine =
        kernel.height == 1 && kernel.width == 1 && stride.height == 1 && stride.width == 1 && group_count == 1;
    /// Each row of its output is computed from the same row of its input alone when it is 1×1, of
    /// stride 1 and one group: a layer after it that reads a few rows at a time (a depthwise
    /// window) may then compute the rows it needs as it goes (`forward_rows`), and the map between
    /// the two is never written. Not with its own softmax, a pass its products leave to the end.
    static constexpr bool produces_rows = absorbs_input_affine && activation != activation_kind::softmax;

    static constexpr bool check_hyperparameters() {
        constexpr bool options_ok =
            detail::check_options<Conv2D, void(kernel_size<1>, strides<1>, dilation_rate<1>, valid, linear,
                                               use_bias<true>, groups<1>),
                                  Options...>::value &&
            detail::check_name<Conv2D, Options...>() && detail::require_kernel_size<Conv2D, Options...>();
        if constexpr (!options_ok) {
            return false;
        } else {
            return detail::check_window_hyperparameters<Conv2D>() && detail::check_filters<Conv2D>() && check_groups();
        }
    }

    template <dims In>
    static constexpr bool accepts =
        detail::window_fits(In, kernel, dilation, padding) && group_count >= 1 && In.channels % group_count == 0;

    template <dims In>
    static constexpr verdict check_inputs() {
        constexpr bool fits = detail::window_fits(In, kernel, dilation, padding);
        constexpr bool divisible = In.channels % group_count == 0;
        return CTNN_CHECK(fits, "Conv2D: with padding 'valid' the input must be at least as large as the (dilated) kernel; "
                                "use 'same' padding, a smaller kernel or a larger input",
                          error::kernel_larger_than_input<Conv2D, shape_of<In>>) &&
               CTNN_CHECK(divisible, "Conv2D: the input channels must be divisible by groups (as Keras requires)",
                          error::input_channels_not_divisible_by_groups<Conv2D, shape_of<In>, std::integral_constant<int, group_count>>);
    }

    template <dims In>
    static constexpr dims output_shape{detail::window_length(In.height, kernel.height, stride.height, dilation.height, padding),
                                       detail::window_length(In.width, kernel.width, stride.width, dilation.width, padding),
                                       Filters};

    /// The rule of an ungrouped convolution, with a group's input channels (Cin/g) for Cin.
    template <dims In>
    static constexpr std::int64_t params =
        rules::eval(rules::conv_params,
                    {.kh = kernel.height, .kw = kernel.width, .cin = In.channels / group_count, .cout = Filters, .bias = bias});

    /// Keras' kernel layout: (kh, kw, Cin/groups, Cout).
    template <dims In>
    static constexpr std::array<std::int64_t, 4> kernel_shape{kernel.height, kernel.width, In.channels / group_count, Filters};

    template <dims In>
    static constexpr auto weights = [] {
        if constexpr (bias) return weights_of(weight{"kernel", kernel_shape<In>, 4}, weight{"bias", {Filters}, 1});
        else return weights_of(weight{"kernel", kernel_shape<In>, 4});
    }();

    /// Every output pixel meets every tap; `real` leaves out the taps that land on `same` padding.
    template <dims In, dims Out = output_shape<In>>
    static constexpr layer_cost cost = [] {
        const std::int64_t per_tap = std::int64_t{In.channels / group_count} * Filters;
        const int pt = detail::same_padding_before(padding, In.height, kernel.height, stride.height, dilation.height, Out.height);
        const int pl = detail::same_padding_before(padding, In.width, kernel.width, stride.width, dilation.width, Out.width);
        return layer_cost{
            std::int64_t{Out.height} * Out.width * kernel.height * kernel.width * per_tap,
            detail::real_taps(kernel.height, In.height, Out.height, stride.height, dilation.height, pt) *
                detail::real_taps(kernel.width, In.width, Out.width, stride.width, dilation.width, pl) * per_tap};
    }();

private:
    static constexpr bool check_groups() {
        constexpr bool positive = group_count >= 1;
        CTNN_REQUIRE(positive, "groups must be at least 1", error::groups_must_be_positive<Conv2D>);
        if constexpr (!positive) {
            return false;
        } else {
            constexpr bool divisible = Filters % group_count == 0;
            CTNN_REQUIRE(divisible, "Conv2D: filters must be divisible by groups (as Keras requires)",
                         error::filters_not_divisible_by_groups<Conv2D, std::integral_constant<int, Filters>,
                                                                std::integral_constant<int, group_count>>);
            return divisible;
        }
    }
};

}  // namespace ctnn
