// Activations, and the bias-plus-activation epilogue that convolutions apply to each finished
// block of output while it is still in cache.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <Eigen/Core>

#include <ctnn/options.hpp>
#include <ctnn/runtime/kernels/packets.hpp>
#include <ctnn/runtime/parallel.hpp>

namespace ctnn::detail {

/// One value through an element-wise activation (options.hpp states each definition).
inline float activate(float v, activation_kind a) {
    auto relu6 = [](float t) { return std::min(std::max(t, 0.0f), 6.0f); };
    switch (a) {
        case activation_kind::relu: return v > 0.0f ? v : 0.0f;
        case activation_kind::sigmoid: return 1.0f / (1.0f + std::exp(-v));
        case activation_kind::tanh: return std::tanh(v);
        case activation_kind::relu6: return relu6(v);
        case activation_kind::hard_sigmoid: return relu6(v + 3.0f) * (1.0f / 6.0f);
        case activation_kind::silu: return v / (1.0f + std::exp(-v));
        case activation_kind::hard_silu: return v * relu6(v + 3.0f) * (1.0f / 6.0f);
        // The exact form, as Keras' default approximate=False (not the tanh approximation).
        case activation_kind::gelu: return 0.5f * v * (1.0f + std::erf(v * 0.70710678118654752f));
        // log1p(e^-|x|) + max(x, 0): the same value, with no overflow of e^x for large x.
        case activation_kind::softplus: return std::log1p(std::exp(-std::abs(v))) + std::max(v, 0.0f);
        case activation_kind::elu: return v > 0.0f ? v : std::expm1(v);
        default: return v;
    }
}

/// Whether the kernels apply `a` to their sums in registers, before storing them: none, ReLU,
/// ReLU6, hard sigmoid and hard SiLU (a few adds, min, max and multiplies of a packet); the
/// others (exp, tanh, erf) take a pass over the stored values while in cache.
constexpr bool in_packets(activation_kind a) {
    return a == activation_kind::linear || a == activation_kind::relu || a == activation_kind::relu6 ||
           a == activation_kind::hard_sigmoid || a == activation_kind::hard_silu;
}
/// `A` (in_packets) on a packet of sums, or on one float, as activate() defines it.
template <activation_kind A, class Packet>
[[gnu::always_inline]] inline Packet activate_packet(Packet v) {
    namespace ei = Eigen::internal;
    const auto relu6 = [](Packet t) { return ei::pmin(ei::pmax(t, ei::pset1<Packet>(0.0f)), ei::pset1<Packet>(6.0f)); };
    const auto sixth_of = [](Packet t) { return ei::pmul(t, ei::pset1<Packet>(1.0f / 6.0f)); };
    if constexpr (A == activation_kind::relu) return ei::pmax(v, ei::pset1<Packet>(0.0f));
    else if constexpr (A == activation_kind::relu6) return relu6(v);
    else if constexpr (A == activation_kind::hard_sigmoid) return sixth_of(relu6(ei::padd(v, ei::pset1<Packet>(3.0f))));
    else if constexpr (A == activation_kind::hard_silu) return sixth_of(ei::pmul(v, relu6(ei::padd(v, ei::pset1<Packet>(3.0f)))));
    else return v;
}
/// Calls apply(f) with f(v) = activate_packet<a>(v) (identity where `a` is not in_packets): the
/// kind chosen once for a block of packets, not for each.
template <class Apply>
[[gnu::always_inline]] inline void with_packet_activation(activation_kind a, Apply&& apply) {
    switch (a) {
        case activation_kind::relu: apply([](auto v) { return activate_packet<activation_kind::relu>(v); }); break;
        case activation_kind::relu6: apply([](auto v) { return activate_packet<activation_kind::relu6>(v); }); break;
        case activation_kind::hard_sigmoid: apply([](auto v) { return activate_packet<activation_kind::hard_sigmoid>(v); }); break;
        case activation_kind::hard_silu: apply([](auto v) { return activate_packet<activation_kind::hard_silu>(v); }); break;
        default: apply([](auto v) { return v; });
    }
}
/// activate_packet with the kind chosen at run time, for one packet.
template <class Packet>
[[gnu::always_inline]] inline Packet activate_packet(Packet v, activation_kind a) {
    with_packet_activation(a, [&](auto f) { v = f(v); });
    return v;
}

/// Softmax across the first `channels` of `v` (each a packet, its lanes independent rows: pixels
/// whose channels were computed a packet per channel), in place: everything element-wise, where
/// softmax_block's rows need a reduction across each row's packets. Eigen's pexp, as
/// softmax_block's exp().
template <class Packet, int N>
[[gnu::always_inline]] inline void softmax_packets(Packet (&v)[N], int channels) {
    namespace ei = Eigen::internal;
    Packet top = v[0];
#pragma GCC unroll 16
    for (int c = 1; c < N; ++c)
        if (c < channels) top = ei::pmax(top, v[c]);
    Packet sum = ei::pset1<Packet>(0.0f);
#pragma GCC unroll 16
    for (int c = 0; c < N; ++c)
        if (c < channels) v[c] = ei::pexp(ei::psub(v[c], top)), sum = ei::padd(sum, v[c]);
    const Packet scale = ei::pdiv(ei::pset1<Packet>(1.0f), sum);
#pragma GCC unroll 16
    for (int c = 0; c < N; ++c) v[c] = ei::pmul(v[c], scale);
}

/// softmax_block's rows of at most a packet's channels (a segmentation head's few classes), a
/// packet of rows at a time where the target loads and stores under a mask: the rows loaded,
/// turned into a packet per channel (a transpose of the square), softmax_packets, turned back and
/// stored. Returns how many rows it took (whole packets of them; none on other targets).
#pragma GCC diagnostic push
// A packet type as a template argument drops its vector attributes (GCC warns); Eigen's own
// PacketBlock is made for exactly that use.
#pragma GCC diagnostic ignored "-Wignored-attributes"
template <class Packet = Eigen::internal::packet_traits<float>::type>
std::int64_t softmax_short_rows(float* p, std::int64_t rows, std::int64_t channels) {
    namespace ei = Eigen::internal;
    using traits = ei::unpacket_traits<Packet>;
    constexpr int lanes = traits::size;
    if constexpr (!traits::masked_load_available || !traits::masked_store_available) {
        return 0;
    } else {
        if (channels > lanes) return 0;
        const int count = static_cast<int>(channels);
        const auto mask = static_cast<typename traits::mask_t>((std::uint64_t{1} << count) - 1);
        std::int64_t r0 = 0;
        for (; r0 + lanes <= rows; r0 += lanes) {
            float* q = p + r0 * channels;
            ei::PacketBlock<Packet, lanes> square;
#pragma GCC unroll 16
            for (int r = 0; r < lanes; ++r) square.packet[r] = ei::ploadu<Packet>(q + r * channels, mask);
            ei::ptranspose(square);
            softmax_packets(square.packet, count);
            ei::ptranspose(square);
#pragma GCC unroll 16
            for (int r = 0; r < lanes; ++r) store_first(q + r * channels, square.packet[r], count);
        }
        return r0;
    }
}
#pragma GCC diagnostic pop

/// Softmax over the last axis of `rows` rows of `channels` values, in place, on this thread.
/// Subtracting each row's maximum first keeps exp() finite whatever the logits. The
/// exponentials of a block of rows are taken at once, as one array (Eigen's vectorised exp,
/// within 3e-7 of std::exp): rows are short (FCN-8's 12 classes), and std::exp one value at a
/// time took 1.5 of the 2.1 ms of its last layer. Each row's maximum, sum and scaling run in
/// packets (fold_row, map_row): one value at a time, softmax over FCN-8's 224×224×12 took
/// 0.52-0.64 ms (1 thread, in cache; its exponentials 0.12), 0.38-0.40 so. Rows of at most a
/// packet's channels go first by softmax_short_rows. Not inlined: a dozen kernels call it, for
/// their last pass or a block of their output.
[[gnu::noinline]] inline void softmax_block(float* p, std::int64_t rows, std::int64_t channels) {
    namespace ei = Eigen::internal;
    if (channels == 0) return;
    const std::int64_t squared = softmax_short_rows(p, rows, channels);
    p += squared * channels, rows -= squared;
    constexpr std::int64_t block = 256;
    const auto max = [](auto a, auto b) { return ei::pmax(a, b); };
    const auto sum = [](auto a, auto b) { return ei::padd(a, b); };
    const row_packets layout(channels);
    for (std::int64_t r0 = 0; r0 < rows; r0 += block) {
        const std::int64_t n = std::min(block, rows - r0);
        float* q = p + r0 * channels;
        for (std::int64_t r = 0; r != n; ++r) {
            float* row = q + r * channels;
            const float top = fold_row(row, layout, row[0], max, [](auto v) { return ei::predux_max(v); });
            map_row(row, row, layout, [top]<class P>(P v, std::int64_t) { return ei::psub(v, ei::pset1<P>(top)); });
        }
        Eigen::Map<Eigen::ArrayXf> values(q, n * channels);
        values = values.exp();
        for (std::int64_t r = 0; r != n; ++r) {
            float* row = q + r * channels;
            const float scale = 1.0f / fold_row(row, layout, 0.0f, sum, [](auto v) { return ei::predux(v); });
            map_row(row, row, layout, [scale]<class P>(P v, std::int64_t) { return ei::pmul(v, ei::pset1<P>(scale)); });
        }
    }
}
/// softmax_block over `rows` rows split over `threads`.
inline void softmax_rows(float* p, std::int64_t rows, std::int64_t channels, int threads = 1) {
    parallel_runs(rows, channels, threads,
                  [&](std::int64_t begin, std::int64_t end) { softmax_block(p + begin * channels, end - begin, channels); });
}

/// An element-wise activation over `n` values in place: loops that vectorise, not a call per
/// value (MobileNet's relu6, PP-OCRv4's hard_silu), and for sigmoid and silu Eigen's vectorised
/// exp (within 3e-7 of std::exp; PP-OCRv4's 640×640 sigmoid head took 0.9 ms a value at a time,
/// 0.06 so).
inline void activate_run(float* v, std::int64_t n, activation_kind a) {
    if (a == activation_kind::relu) {
        for (std::int64_t c = 0; c != n; ++c) v[c] = v[c] > 0.0f ? v[c] : 0.0f;
    } else if (a == activation_kind::relu6) {
        for (std::int64_t c = 0; c != n; ++c) v[c] = std::min(std::max(v[c], 0.0f), 6.0f);
    } else if (a == activation_kind::hard_silu) {
        for (std::int64_t c = 0; c != n; ++c) v[c] = v[c] * std::min(std::max(v[c] + 3.0f, 0.0f), 6.0f) * (1.0f / 6.0f);
    } else if (a == activation_kind::sigmoid || a == activation_kind::silu) {
        Eigen::Map<Eigen::ArrayXf> x(v, n);
        if (a == activation_kind::sigmoid) x = (1.0f + (-x).exp()).inverse();
        else x = x * (1.0f + (-x).exp()).inverse();
    } else if (a != activation_kind::linear && a != activation_kind::softmax) {
        for (std::int64_t c = 0; c != n; ++c) v[c] = activate(v[c], a);
    }
}

/// Adds `bias` (may be null) to columns [c0, c1) of rows [r0, r1), then `residual` (may be null;
/// laid out as `p`: a residual Add folded into the layer, graph/folding.hpp), and applies an
/// element-wise activation (softmax is applied separately, over whole rows).
inline void bias_activate(float* p, std::int64_t ld, std::int64_t r0, std::int64_t r1, std::int64_t c0, std::int64_t c1,
                          const float* bias, activation_kind a, const float* residual = nullptr) {
    const bool elementwise = a != activation_kind::linear && a != activation_kind::softmax;
    if (bias == nullptr && residual == nullptr && !elementwise) return;
    const auto add = [&](std::int64_t r) {
        float* row = p + r * ld;
        if (bias != nullptr)
            for (std::int64_t c = c0; c != c1; ++c) row[c] += bias[c];
        if (residual != nullptr)
            for (std::int64_t c = c0; c != c1; ++c) row[c] += residual[r * ld + c];
    };
    if (c1 - c0 == ld) {  // rows back to back (a product of few columns): the activation in one run
        for (std::int64_t r = r0; r != r1; ++r) add(r);
        activate_run(p + r0 * ld + c0, (r1 - r0) * ld, a);
        return;
    }
    for (std::int64_t r = r0; r != r1; ++r) {
        add(r);
        activate_run(p + r * ld + c0, c1 - c0, a);
    }
}

/// y = activation(y + residual), `pixels` rows of `channels` values: a residual Add folded into a
/// layer whose kernel path does not add it while the output is in registers, as one pass over
/// the maps (what the Add node itself took).
inline void add_residual(float* y, const float* residual, std::int64_t pixels, std::int64_t channels, activation_kind a, int threads) {
    const activation_kind elementwise = a == activation_kind::softmax ? activation_kind::linear : a;
    parallel_runs(pixels, 3 * channels, threads, [&](std::int64_t p0, std::int64_t p1) {
        bias_activate(y, channels, p0, p1, 0, channels, nullptr, elementwise, residual);
    });
    if (a == activation_kind::softmax) softmax_rows(y, pixels, channels, threads);
}

/// `activation` over `pixels` rows of `channels` values, in place: softmax row by row, any other
/// element-wise (a standalone activation's pass, and one folded into a BatchNormalization's).
inline void activate_pixels(float* p, std::int64_t pixels, std::int64_t channels, activation_kind a) {
    if (a == activation_kind::softmax) softmax_rows(p, pixels, channels);
    else bias_activate(p, channels, 0, pixels, 0, channels, nullptr, a);
}

/// A per-channel affine map, then an activation: what a BatchNormalization node computes, and
/// what a kernel applies to its input as it reads it where one folded into its layer
/// (graph/folding.hpp's input_affine), or to its output after its own activation where one
/// folded in after that (output_affine; activation linear); none where `scale` is null.
struct channel_map {
    const float* scale = nullptr;
    const float* shift = nullptr;
    activation_kind activation = activation_kind::linear;
};
/// dst = activation(src·scale[c] + shift[c]) over `pixels` rows of `channels` values (src and
/// dst may be the same). In packets, the activation on the way where it is in_packets (ReLU:
/// DenseNet's BatchNormalization and ReLU before each 1×1 convolution), else in a pass after.
/// As two passes (the map a loop per pixel, then the ReLU), DenseNet121's 1×1 convolutions on
/// 56×56 took 10-19% longer with their map than without (1 thread); so, 3-5% less in the model.
inline void map_pixels(const float* src, std::int64_t pixels, int channels, const channel_map& map, float* dst) {
    namespace ei = Eigen::internal;
    const row_packets layout(channels);
    with_packet_activation(map.activation, [&](auto f) {
        for (std::int64_t p = 0; p != pixels; ++p)
            map_row(src + p * channels, dst + p * channels, layout, [&]<class P>(P v, std::int64_t c) {
                return f(ei::pmadd(v, ei::ploadu<P>(map.scale + c), ei::ploadu<P>(map.shift + c)));
            });
    });
    if (!in_packets(map.activation)) activate_pixels(dst, pixels, channels, map.activation);
}

/// y's values mapped in place by `map` (its activation linear): an output map (graph/folding.hpp's
/// output_affine) applied as a pass, by a kernel that cannot apply it to its sums in registers
/// (an activation that is not in_packets, or a path without such an epilogue); over `threads`, in
/// the equal runs of pixels the element-wise layers take.
inline void map_output(float* y, std::int64_t pixels, int channels, const channel_map& map, int threads) {
    parallel_runs(pixels, channels, threads, [&](std::int64_t p0, std::int64_t p1) {
        map_pixels(y + p0 * channels, p1 - p0, channels, map, y + p0 * channels);
    });
}
/// Columns [c0, c1) of `rows` rows `ld` floats apart (`c` at column c0) mapped in place by `map`
/// (its activation linear), a value at a time: a band of a row producer's output whose products
/// could not apply it (few bands take this way: a producer's kernel is kept packed).
inline void map_columns(float* c, std::int64_t ld, std::int64_t rows, std::int64_t c0, std::int64_t c1, const channel_map& map) {
    for (std::int64_t r = 0; r != rows; ++r)
        for (std::int64_t j = c0; j != c1; ++j) c[r * ld + j - c0] = c[r * ld + j - c0] * map.scale[j] + map.shift[j];
}

}  // namespace ctnn::detail
