// Every shape and parameter rule of ctnn, each written once (Keras semantics, per spatial axis).
//
// Layers evaluate these at compile time, the runtime evaluates the padding placements, and the
// reference documentation prints them. Sources: Keras' conv_utils (conv_output_length,
// deconv_output_length) and TensorFlow's padding computation; see docs/reference/layers.md.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/rules/expr.hpp>

namespace ctnn::rules {

// The variables a rule may name.
inline constexpr var<&args::n, "n"> n{};
inline constexpr var<&args::k, "k"> k{};
inline constexpr var<&args::s, "s"> s{};
inline constexpr var<&args::d, "d"> d{};
inline constexpr var<&args::op, "op"> op{};
inline constexpr var<&args::before, "t"> before{};
inline constexpr var<&args::after, "b"> after{};
inline constexpr var<&args::f, "f"> f{};
inline constexpr var<&args::out, "L"> out{};
inline constexpr var<&args::kh, "kh"> kh{};
inline constexpr var<&args::kw, "kw"> kw{};
inline constexpr var<&args::cin, "Cin"> cin{};
inline constexpr var<&args::cout, "Cout"> cout{};
inline constexpr var<&args::bias, "bias"> bias{};

/// The effective (dilated) kernel length.
inline constexpr defined<"k′", decltype(d * (k - c<1>) + c<1>)> k_eff{};

// --- Sliding windows: Conv2D, MaxPooling2D, AveragePooling2D ------------------------------
inline constexpr auto window_valid_length = floor_div(n - k_eff, s) + c<1>;
inline constexpr auto window_valid_requires = n >= k_eff;
inline constexpr auto window_same_length = ceil_div(n, s);
/// TF's `same` padding: the total, of which ⌊P/2⌋ goes before and the rest after.
inline constexpr auto window_same_total_padding = max((out - c<1>) * s + k_eff - n, c<0>);
inline constexpr auto window_same_padding_before = floor_div(window_same_total_padding, c<2>);

// --- Conv2DTranspose -------------------------------------------------------------------------
inline constexpr auto transpose_valid_length = n * s + max(k_eff - s, c<0>);
inline constexpr auto transpose_same_length = n * s;
inline constexpr auto transpose_valid_length_op = (n - c<1>) * s + k_eff + op;
inline constexpr auto transpose_same_length_op = (n - c<1>) * s + mod(k_eff, c<2>) + op;
inline constexpr auto transpose_output_padding_requires = op < s;
/// The full scatter result, before the output window is cut from it.
inline constexpr auto transpose_full_length = (n - c<1>) * s + k_eff;
/// Rows cut before the output window under `same` (an odd extra row is cut after).
inline constexpr auto transpose_same_cut_before = floor_div(max(transpose_full_length - out, c<0>), c<2>);

// --- Cropping2D, ZeroPadding2D, UpSampling2D -------------------------------------------------
inline constexpr auto crop_length = n - before - after;
inline constexpr auto crop_requires = before + after < n;
inline constexpr auto pad_length = n + before + after;
inline constexpr auto upsample_length = n * f;

// --- Parameter counts -------------------------------------------------------------------------
inline constexpr auto conv_params = kh * kw * cin * cout + bias * cout;
inline constexpr auto conv_transpose_params = kh * kw * cout * cin + bias * cout;
/// Dense: Cin the input's last axis, Cout the units.
inline constexpr auto dense_params = cin * cout + bias * cout;

// --- DepthwiseConv2D (and SeparableConv2D's depthwise step) ----------------------------------
/// Cout = Cin·depth_multiplier: one kh×kw filter per output channel, plus its bias.
inline constexpr auto depthwise_params = kh * kw * cout + bias * cout;

/// Evaluates a rule: `rules::eval(window_valid_length, {.n = 7, .k = 3, .s = 2})`.
template <expression E>
constexpr auto eval(E, const args& a) {
    return E::eval(a);
}

}  // namespace ctnn::rules
