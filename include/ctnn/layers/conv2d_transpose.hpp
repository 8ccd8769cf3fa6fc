// Conv2DTranspose: the transposed convolution (the gradient of Conv2D with respect to its
// input), used by FCN-8's decoder to upsample. Keras semantics.
//
// Contract
//   Conv2DTranspose<filters, kernel_size<kh, kw>, [strides<sh, sw>], [valid | same],
//                   [output_padding<oh, ow>], [dilation_rate<dh, dw>], [use_bias<bool>],
//                   [activation], name<"...">>
//   requires   filters, kernel, strides and dilation ≥ 1; not both a stride and a dilation > 1;
//              output_padding < strides; with `same` and output_padding set, an odd effective
//              kernel or output_padding ≥ 1 (TensorFlow rejects the rest).
//   output     output_padding unset: valid n·s + max(k′ − s, 0); same n·s
//              output_padding set:   valid (n − 1)·s + k′ + op; same (n − 1)·s + (k′ mod 2) + op
//   params     kh·kw·Cout·Cin + Cout (bias)
//   weights    kernel (kh, kw, Cout, Cin), bias (Cout) — Keras order
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <array>
#include <cstdint>

#include <ctnn/layers/layer.hpp>
#include <ctnn/layers/window.hpp>
#include <ctnn/rules/rules.hpp>

// The diagnostics of this header's rules (see error.hpp for how they read).
namespace ctnn::error {
template <class Layer> struct output_padding_must_not_be_negative;
template <class Layer> struct output_padding_must_be_less_than_strides;
template <class Layer> struct same_padding_with_even_kernel_needs_output_padding;
}  // namespace ctnn::error

namespace ctnn {

namespace detail {
/// Output padding left unset (Keras' None), which is not the same as zero.
struct unset_output_padding {
    static constexpr hw value{-1, -1};
};

constexpr int transpose_length(int n, int k, int s, int d, int op, padding_mode p) {
    const rules::args a{.n = n, .k = k, .s = s, .d = d, .op = op};
    const bool same = p == padding_mode::same;
    if (op < 0) {  // unset
        return static_cast<int>(same ? rules::eval(rules::transpose_same_length, a)
                                     : rules::eval(rules::transpose_valid_length, a));
    }
    return static_cast<int>(same ? rules::eval(rules::transpose_same_length_op, a)
                                 : rules::eval(rules::transpose_valid_length_op, a));
}
}  // namespace detail

template <int Filters, class... Options>
struct Conv2DTranspose : layer_base<Conv2DTranspose<Filters, Options...>> {
    static constexpr std::string_view kind = "Conv2DTranspose";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 1, max_inputs = 1;

    static constexpr int filters = Filters;
    static constexpr hw kernel = detail::option_or<kernel_size<1>, detail::missing_hw, Options...>::value;
    static constexpr hw stride = detail::option_or<strides<1>, strides<1>, Options...>::value;
    static constexpr hw dilation = detail::option_or<dilation_rate<1>, dilation_rate<1>, Options...>::value;
    static constexpr padding_mode padding = detail::option_or<valid, valid, Options...>::value;
    static constexpr activation_kind activation = detail::option_or<linear, linear, Options...>::value;
    static constexpr bool bias = detail::option_or<use_bias<true>, use_bias<true>, Options...>::value;
    /// A BatchNormalization after it folds into `kernel` (weight 0), when the activation is
    /// linear (graph/folding.hpp). Keras keeps the kernel as (kh, kw, Cout, Cin): each output
    /// channel is a run of Cin values, not one value of the last axis (`output_kernel_run`).
    static constexpr bool absorbs_channel_affine = activation == activation_kind::linear;
    static constexpr std::size_t output_kernel = 0;
    template <dims In>
    static constexpr std::int64_t output_kernel_run = In.channels;
    /// An activation layer after it (or after that BatchNormalization) becomes its activation,
    /// when its own is linear.
    static constexpr bool absorbs_activation = activation == activation_kind::linear;
    /// {-1, -1} when unset; see output_padding_set.
    static constexpr hw out_padding =
        detail::option_or<output_padding<0>, detail::unset_output_padding, Options...>::value;
    static constexpr bool output_padding_set = detail::count_kind<output_padding<0>, Options...> == 1;

    static constexpr bool check_hyperparameters() {
        constexpr bool options_ok =
            detail::check_options<Conv2DTranspose,
                                  void(kernel_size<1>, strides<1>, dilation_rate<1>, valid, linear, use_bias<true>,
                                       output_padding<0>),
                                  Options...>::value &&
            detail::check_name<Conv2DTranspose, Options...>() &&
            detail::require_kernel_size<Conv2DTranspose, Options...>();
        if constexpr (!options_ok) {
            return false;
        } else {
            constexpr bool window_ok = detail::check_window_hyperparameters<Conv2DTranspose>() &&
                                       detail::check_filters<Conv2DTranspose>();
            if constexpr (!window_ok || !output_padding_set) {
                return window_ok;
            } else {
                constexpr hw op = out_padding, s = stride;
                constexpr bool op_positive = op.height >= 0 && op.width >= 0;
                CTNN_REQUIRE(op_positive, "output_padding must not be negative",
                             error::output_padding_must_not_be_negative<Conv2DTranspose>);
                constexpr rules::args ah{.s = s.height, .op = op.height}, aw{.s = s.width, .op = op.width};
                constexpr bool op_below_stride = rules::eval(rules::transpose_output_padding_requires, ah) &&
                                                 rules::eval(rules::transpose_output_padding_requires, aw);
                CTNN_REQUIRE(op_below_stride, "output_padding must be less than strides along each axis (as in Keras)",
                             error::output_padding_must_be_less_than_strides<Conv2DTranspose>);
                // TensorFlow checks that a `same` Conv2D of the output would give back the input;
                // with an even effective kernel and no output padding it would give one less.
                constexpr int keh = dilation.height * (kernel.height - 1) + 1;
                constexpr int kew = dilation.width * (kernel.width - 1) + 1;
                constexpr bool tf_accepts = padding != padding_mode::same ||
                                            ((keh % 2 != 0 || op.height > 0) && (kew % 2 != 0 || op.width > 0));
                CTNN_REQUIRE(tf_accepts,
                             "with 'same' padding, an even kernel needs output_padding of at least 1 "
                             "(TensorFlow rejects this layer); leave output_padding unset or raise it",
                             error::same_padding_with_even_kernel_needs_output_padding<Conv2DTranspose>);
                return op_positive && op_below_stride && tf_accepts;
            }
        }
    }

    template <dims In>
    static constexpr bool accepts = In.height > 0 && In.width > 0;

    template <dims In>
    static constexpr verdict check_inputs() {
        return verdict::accept();
    }

    template <dims In>
    static constexpr dims output_shape{
        detail::transpose_length(In.height, kernel.height, stride.height, dilation.height, out_padding.height, padding),
        detail::transpose_length(In.width, kernel.width, stride.width, dilation.width, out_padding.width, padding),
        Filters};

    template <dims In>
    static constexpr std::int64_t params = rules::eval(rules::conv_transpose_params,
                                                       {.kh = kernel.height, .kw = kernel.width, .cin = In.channels,
                                                        .cout = Filters, .bias = bias});

    /// Keras' kernel layout: (kh, kw, Cout, Cin).
    template <dims In>
    static constexpr std::array<std::int64_t, 4> kernel_shape{kernel.height, kernel.width, Filters, In.channels};

    template <dims In>
    static constexpr auto weights = [] {
        if constexpr (bias) return weights_of(weight{"kernel", kernel_shape<In>, 4}, weight{"bias", {Filters}, 1});
        else return weights_of(weight{"kernel", kernel_shape<In>, 4});
    }();

    /// Every input pixel meets every tap once: nothing lands on padding.
    template <dims In>
    static constexpr layer_cost cost = [] {
        const std::int64_t m = std::int64_t{In.height} * In.width * In.channels * kernel.height * kernel.width * Filters;
        return layer_cost{m, m};
    }();
};

}  // namespace ctnn
