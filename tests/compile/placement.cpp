// The placement the runtime kernels run and the docs draw (rules/placement.hpp), against the
// facts of TF's placement that layer-rules lists: the cells a `same` transposed convolution cuts
// before and after its window, and where Conv2D's `same` padding goes.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/rules/placement.hpp>

namespace {
using namespace ctnn::rules;

/// `same`, output_padding unset: the window is n·s long.
constexpr bool same_cuts(length k, length s, length before, length after) {
    const length n = 5;
    const auto p = place_transpose({.n = n, .k = k, .s = s, .out = n * s}, true);
    return p.full == (n - 1) * s + k && p.cut_before == before && p.cut_after() == after;
}
static_assert(same_cuts(3, 2, 0, 1));
static_assert(same_cuts(5, 2, 1, 2));
static_assert(same_cuts(4, 2, 1, 1));
static_assert(same_cuts(4, 1, 1, 2));
static_assert(same_cuts(1, 2, 0, -1));  // one bias-only cell appended

// `valid` keeps the window at the start; with k < s Keras' length n·s reaches one cell past the
// full result (n = 3, k = 2, s = 3: full 8, output 9).
static_assert(place_transpose({.n = 3, .k = 2, .s = 3, .out = 9}, false).cut_before == 0);
static_assert(place_transpose({.n = 3, .k = 2, .s = 3, .out = 9}, false).cut_after() == -1);

// FCN-8's k4 s2 on 7 as `same` (output 14): the first cell's first tap is cut, the last cell's
// last tap lands one past the window.
static_assert(transpose_tap_position(0, 0, 2, 1, 1) == -1);
static_assert(transpose_tap_position(6, 3, 2, 1, 1) == 14);
// Dilation spreads the taps: tap 2 of cell 1 at stride 2, dilation 3.
static_assert(transpose_tap_position(1, 2, 2, 3, 0) == 8);

// Conv2D `same` on 8 with k3 s2: output 4, one cell of padding, all of it after (⌊1/2⌋ = 0
// before), so the last window's last tap reads the padding cell at 8.
static_assert(window_tap_position(0, 0, 2, 1, 0) == 0);
static_assert(window_tap_position(3, 2, 2, 1, 0) == 8);
// k3 s1 on 7 (FCN-8's encoder): one cell before, so the first tap reads padding at −1.
static_assert(window_tap_position(0, 0, 1, 1, 1) == -1);
}  // namespace

int main() {}
