// Where a sliding window reads: the output positions at which a kernel tap lands on real input,
// and where TF's `same` padding goes. Shared by the layers' cost declarations and the runtime's
// kernels, which therefore include no graph header.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>

#include <ctnn/options.hpp>
#include <ctnn/rules/rules.hpp>

namespace ctnn::detail {

/// Output positions [first, last) along one axis at which kernel tap `tap` reads inside the
/// input: input = o·s + tap·d − pad must lie in [0, n_in).
constexpr std::pair<int, int> valid_outputs(int tap, int n_in, int n_out, int stride, int dilation, int pad) {
    const int offset = tap * dilation - pad;
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
