// Where a convolution's taps land along one axis: the one placement that the runtime kernels run,
// the layers' cost declarations count and the documentation draws, so a picture of a layer cannot
// disagree with what the layer does, and the kernels include no graph header.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <utility>

#include <ctnn/options.hpp>
#include <ctnn/rules/rules.hpp>

namespace ctnn::rules {

/// A transposed convolution along one axis: every input cell scatters its kernel into a full
/// result, from which the output window is kept.
struct transpose_placement {
    length full = 0;        // length of the full scatter result
    length out = 0;         // length of the output window
    length cut_before = 0;  // cells of the full result before the window
    /// Cells of the full result after the window. Negative when output_padding (or a kernel
    /// shorter than the stride) makes the window reach past the full result: those cells hold
    /// only the bias.
    constexpr length cut_after() const { return full - out - cut_before; }
};

/// The placement for input length `a.n`, kernel `a.k`, stride `a.s`, dilation `a.d` and output
/// length `a.out` (the layer's rule gives it). `valid` keeps the window at the start; `same`
/// centres it as TF does, an odd cell going after.
constexpr transpose_placement place_transpose(const args& a, bool same) {
    return {eval(transpose_full_length, a), a.out, same ? eval(transpose_same_cut_before, a) : 0};
}

/// Where input cell `i`'s tap `j` lands in the output window; outside [0, out) it is cut.
constexpr length transpose_tap_position(length i, length j, length s, length d, length cut_before) {
    return i * s + j * d - cut_before;
}

/// Which input cell output cell `o`'s tap `j` reads in a Conv2D or pooling window; outside
/// [0, n) it reads padding.
constexpr length window_tap_position(length o, length j, length s, length d, length pad_before) {
    return o * s + j * d - pad_before;
}

}  // namespace ctnn::rules

namespace ctnn::detail {

/// Output positions [first, last) along one axis at which kernel tap `tap` reads inside the
/// input: input = o·s + tap·d − pad must lie in [0, n_in).
constexpr std::pair<int, int> valid_outputs(int tap, int n_in, int n_out, int stride, int dilation, int pad) {
    // Where output 0 reads: each further output moves `stride` cells on.
    const auto offset = static_cast<int>(rules::window_tap_position(0, tap, stride, dilation, pad));
    int first = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
    int last = offset >= n_in ? 0 : (n_in - 1 - offset) / stride + 1;
    first = std::min(first, n_out);
    last = std::clamp(last, first, n_out);
    return {first, last};
}

/// Σ over output positions of the taps that read real input, along one axis.
constexpr std::int64_t real_taps(int kernel, int n_in, int n_out, int stride, int dilation, int pad) {
    std::int64_t real = 0;
    for (int t = 0; t != kernel; ++t) {
        const auto [first, last] = valid_outputs(t, n_in, n_out, stride, dilation, pad);
        real += last - first;
    }
    return real;
}

/// Padding before the first row (or column) under TF's `same` placement; 0 under `valid`.
constexpr int same_padding_before(padding_mode p, int n, int k, int s, int d, int out) {
    if (p != padding_mode::same) return 0;
    return static_cast<int>(rules::eval(rules::window_same_padding_before, {.n = n, .k = k, .s = s, .d = d, .out = out}));
}

}  // namespace ctnn::detail
