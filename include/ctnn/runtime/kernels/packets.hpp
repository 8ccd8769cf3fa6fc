// Eigen's packets chosen by width, for kernels written once for every SIMD target: the widest
// packet the target has, its half and a packet of 4 (a quarter with AVX-512), and loops over a
// row of floats in the widest that fit, down to single floats.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstdint>

#include <Eigen/Core>

namespace ctnn::detail {

/// Floats in Eigen's widest packet: 16 with AVX-512, 8 with AVX, 4 with SSE.
inline constexpr int packet_lanes = Eigen::internal::packet_traits<float>::size;
/// Floats in its half: 8 with AVX-512, 4 with AVX, and 4 with SSE, which has no narrower one.
inline constexpr int half_packet_lanes = sizeof(Eigen::internal::packet_traits<float>::half) / sizeof(float);
/// Floats in the narrowest packet a row loop uses: 4 where the target has packets of 4.
inline constexpr int quarter_packet_lanes = std::min(4, half_packet_lanes);

/// A value of the type that holds `Lanes` floats (packet_lanes, half_packet_lanes,
/// quarter_packet_lanes or 1: a float). Chosen by a function: a packet type named as a template
/// argument loses its alignment attribute, which GCC warns of.
template <int Lanes>
auto packet_of_lanes() {
    using traits = Eigen::internal::packet_traits<float>;
    if constexpr (Lanes == 1) return 0.0f;
    else if constexpr (Lanes == traits::size) return traits::type{};
    else if constexpr (Lanes == half_packet_lanes) return traits::half{};
    else return Eigen::internal::predux_half_dowto4(decltype(packet_of_lanes<2 * Lanes>()){});
}

/// Where a row of `n` floats changes packets: packets of packet_lanes up to `wide_end`, then of
/// quarter_packet_lanes up to `quarter_end` (a segmentation head's 12 classes are three of 4),
/// then single floats. Computed once for rows of one length (found row by row, softmax over 12
/// classes took 1.18× as long).
struct row_packets {
    std::int64_t wide_end, quarter_end, n;
    explicit constexpr row_packets(std::int64_t length)
        : wide_end(length / packet_lanes * packet_lanes),
          quarter_end(wide_end + (length - wide_end) / quarter_packet_lanes * quarter_packet_lanes),
          n(length) {}
};

/// combine() over `row`, from `init`: each width's packets combined, then reduced once by
/// `reduce` (not each packet as read: 7% of softmax over 12 classes). `combine` takes two
/// packets or two floats.
template <class Combine, class Reduce>
[[gnu::always_inline]] inline float fold_row(const float* row, const row_packets& layout, float init, Combine combine, Reduce reduce) {
    namespace ei = Eigen::internal;
    using wide = decltype(packet_of_lanes<packet_lanes>());
    using quarter = decltype(packet_of_lanes<quarter_packet_lanes>());
    float acc = init;
    if (layout.wide_end != 0) {
        wide a = ei::ploadu<wide>(row);
        for (std::int64_t c = packet_lanes; c != layout.wide_end; c += packet_lanes) a = combine(a, ei::ploadu<wide>(row + c));
        acc = combine(acc, reduce(a));
    }
    if (layout.quarter_end != layout.wide_end) {
        quarter a = ei::ploadu<quarter>(row + layout.wide_end);
        for (std::int64_t c = layout.wide_end + quarter_packet_lanes; c != layout.quarter_end; c += quarter_packet_lanes)
            a = combine(a, ei::ploadu<quarter>(row + c));
        acc = combine(acc, reduce(a));
    }
    for (std::int64_t c = layout.quarter_end; c != layout.n; ++c) acc = combine(acc, row[c]);
    return acc;
}

/// to[c] = f(from[c], c) over a row laid out as `layout` says (`from` and `to` may be the same),
/// in its packets: `f` takes a packet or a float, and the index of its first value.
template <class F>
[[gnu::always_inline]] inline void map_row(const float* from, float* to, const row_packets& layout, F f) {
    namespace ei = Eigen::internal;
    using wide = decltype(packet_of_lanes<packet_lanes>());
    using quarter = decltype(packet_of_lanes<quarter_packet_lanes>());
    for (std::int64_t c = 0; c != layout.wide_end; c += packet_lanes) ei::pstoreu(to + c, f(ei::ploadu<wide>(from + c), c));
    for (std::int64_t c = layout.wide_end; c != layout.quarter_end; c += quarter_packet_lanes)
        ei::pstoreu(to + c, f(ei::ploadu<quarter>(from + c), c));
    for (std::int64_t c = layout.quarter_end; c != layout.n; ++c) to[c] = f(from[c], c);
}

/// The first `count` ≤ lanes floats of packet `v` to `to`: a masked store where the target has one
/// (AVX, AVX-512), else through the stack. For a packet per pixel of its few channels, as
/// products computed a packet of pixels per channel give after a transpose.
template <class Packet>
[[gnu::always_inline]] inline void store_first(float* to, const Packet& v, int count) {
    namespace ei = Eigen::internal;
    using traits = ei::unpacket_traits<Packet>;
    if (count == traits::size) {
        ei::pstoreu(to, v);
    } else if constexpr (traits::masked_store_available) {
        ei::pstoreu(to, v, static_cast<typename traits::mask_t>((std::uint64_t{1} << count) - 1));
    } else {
        alignas(64) float values[traits::size];
        ei::pstore(values, v);
        std::copy_n(values, count, to);
    }
}

}  // namespace ctnn::detail
