// What a model costs to run, from its static shapes: multiply-adds per layer, counted densely
// and counting only those that read real input (not `same` padding).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include <ctnn/graph/model.hpp>
#include <ctnn/layers/conv2d.hpp>
#include <ctnn/layers/conv2d_transpose.hpp>

namespace ctnn {

namespace detail {
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
}  // namespace detail

/// Multiply-adds of one layer on one sample.
struct layer_cost {
    std::int64_t dense = 0;  // as if padding were real input
    std::int64_t real = 0;   // only those that read real input
};

namespace detail {
template <class L, dims In, dims Out>
constexpr layer_cost cost_of() {
    if constexpr (requires { L::kernel; L::filters; L::output_padding_set; }) {
        // Conv2DTranspose: every input pixel meets every tap once.
        const std::int64_t m = std::int64_t{In.height} * In.width * In.channels * L::kernel.height * L::kernel.width * Out.channels;
        return {m, m};
    } else if constexpr (requires { L::kernel; L::filters; }) {
        const std::int64_t per_tap = std::int64_t{In.channels} * Out.channels;
        const int pt = same_padding_before(L::padding, In.height, L::kernel.height, L::stride.height, L::dilation.height, Out.height);
        const int pl = same_padding_before(L::padding, In.width, L::kernel.width, L::stride.width, L::dilation.width, Out.width);
        const std::int64_t dense = std::int64_t{Out.height} * Out.width * L::kernel.height * L::kernel.width * per_tap;
        const std::int64_t real =
            real_taps(L::kernel.height, In.height, Out.height, L::stride.height, L::dilation.height, pt) *
            real_taps(L::kernel.width, In.width, Out.width, L::stride.width, L::dilation.width, pl) * per_tap;
        return {dense, real};
    } else {
        return {};  // the other layers move or compare values: no multiply-adds
    }
}

template <class N>
constexpr layer_cost node_cost() {
    if constexpr (N::input_count == 1) {
        using In = typename decltype(+N::inputs[boost::hana::size_c<0>])::type;
        return cost_of<typename N::layer_type, In::output_shape, N::output_shape>();
    } else {
        return {};
    }
}
}  // namespace detail

/// Per-layer multiply-adds of model `M` on one sample, in the order of `M::layers`.
template <class M>
inline constexpr std::array<layer_cost, M::layer_count> layer_costs = boost::hana::unpack(M::nodes, [](auto... n) {
    return std::array<layer_cost, M::layer_count>{detail::node_cost<typename decltype(n)::type>()...};
});

/// The whole model's multiply-adds on one sample.
template <class M>
inline constexpr layer_cost total_cost = [] {
    layer_cost sum{};
    for (const auto& c : layer_costs<M>) sum.dense += c.dense, sum.real += c.real;
    return sum;
}();

}  // namespace ctnn
