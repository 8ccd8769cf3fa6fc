// Shared by the sliding-window layers (Conv2D, MaxPooling2D, AveragePooling2D): their output
// lengths and the hyper-parameter checks they have in common.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/layers/layer.hpp>
#include <ctnn/rules/rules.hpp>

// The diagnostics of this header's rules (see error.hpp for how they read).
namespace ctnn::error {
template <class Layer> struct filters_must_be_positive;
template <class Layer> struct kernel_size_must_be_positive;
template <class Layer> struct strides_must_be_positive;
template <class Layer> struct dilation_rate_must_be_positive;
template <class Layer> struct strides_and_dilation_rate_both_above_one;
template <class Layer, class Shape> struct kernel_larger_than_input;
}  // namespace ctnn::error

namespace ctnn::detail {

/// Stands in for a required kernel_size that was not given, so that one diagnostic is printed.
struct missing_hw {
    static constexpr hw value{1, 1};
};

template <class Layer, class... Options>
constexpr bool require_kernel_size() {
    constexpr bool given = count_kind<kernel_size<1>, Options...> == 1;
    CTNN_REQUIRE(given, "this layer needs a kernel_size<...> option", error::option_required<Layer, kernel_size<1>>);
    return given;
}

constexpr rules::args window_args(int n, int k, int s, int d) {
    return {.n = n, .k = k, .s = s, .d = d};
}

/// Output length along one axis (Keras' conv_output_length).
constexpr int window_length(int n, int k, int s, int d, padding_mode p) {
    const auto a = window_args(n, k, s, d);
    return static_cast<int>(p == padding_mode::same ? rules::eval(rules::window_same_length, a)
                                                    : rules::eval(rules::window_valid_length, a));
}

/// Whether an input fits the window: always with `same`, with `valid` only if n ≥ k′ per axis.
constexpr bool window_fits(dims in, hw k, hw d, padding_mode p) {
    return in.height > 0 && in.width > 0 &&
           (p == padding_mode::same ||
            (rules::eval(rules::window_valid_requires, window_args(in.height, k.height, 1, d.height)) &&
             rules::eval(rules::window_valid_requires, window_args(in.width, k.width, 1, d.width))));
}

template <class Layer>
constexpr bool check_filters() {
    constexpr bool ok = Layer::filters >= 1;
    CTNN_REQUIRE(ok, "filters must be at least 1", error::filters_must_be_positive<Layer>);
    return ok;
}

/// The kernel, stride and dilation checks of Conv2D and Conv2DTranspose.
template <class Layer>
constexpr bool check_window_hyperparameters() {
    constexpr hw k = Layer::kernel, s = Layer::stride, d = Layer::dilation;
    constexpr bool kernel_ok = k.height >= 1 && k.width >= 1;
    CTNN_REQUIRE(kernel_ok, "kernel_size must be at least 1 along each axis",
                 error::kernel_size_must_be_positive<Layer>);
    constexpr bool strides_ok = s.height >= 1 && s.width >= 1;
    CTNN_REQUIRE(strides_ok, "strides must be at least 1 along each axis", error::strides_must_be_positive<Layer>);
    constexpr bool dilation_ok = d.height >= 1 && d.width >= 1;
    CTNN_REQUIRE(dilation_ok, "dilation_rate must be at least 1 along each axis",
                 error::dilation_rate_must_be_positive<Layer>);
    // Keras rejects this combination: `strides > 1` is incompatible with `dilation_rate > 1`.
    constexpr bool not_both = !((s.height > 1 || s.width > 1) && (d.height > 1 || d.width > 1));
    CTNN_REQUIRE(not_both, "a stride above 1 and a dilation_rate above 1 cannot be combined (as in Keras)",
                 error::strides_and_dilation_rate_both_above_one<Layer>);
    return kernel_ok && strides_ok && dilation_ok && not_both;
}

}  // namespace ctnn::detail
