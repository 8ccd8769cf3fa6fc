// Where a convolution's taps land along one axis: the one placement that the runtime kernels run
// and the documentation draws, so a picture of a layer cannot disagree with what the layer does.
// SPDX-License-Identifier: BSL-1.0
#pragma once

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
