// Eigen's packets chosen by width, for kernels written once for every SIMD target: the widest
// packet the target has, its half and a packet of 4 (a quarter with AVX-512), and loops over a
// row of floats in the widest that fit, down to single floats.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstdint>

#include <Eigen/Core>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

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

/// Outputs of at least this many floats (8 MiB: twice the two cores' L2 of the Xeon measured, so
/// that none of it is still there when the next layer reads it) are written around the caches
/// where a kernel can (stream_store). A store to a line not in cache first reads the line
/// (a read for ownership), doubling the traffic of a layer that writes much: the U-Net's first
/// layer (570×570×64, 83 MB) took 9.96 / 5.13 ms on 1 / 2 threads so, 4.24 / 2.19 streamed, and
/// the layer after it, which reads that map from memory either way, no longer.
inline constexpr std::int64_t stream_min_floats = std::int64_t{1} << 21;
/// Whether this target has stream_store for its widest packet (SSE, AVX, AVX-512).
#if defined(__AVX512F__) || defined(__AVX__) || defined(__SSE2__)
inline constexpr bool streams = true;
#else
inline constexpr bool streams = false;
#endif
/// A packet of the widest kind to `to` (aligned to it) around the caches: a non-temporal store.
/// Weakly ordered: the thread that made such stores calls stream_fence before others may read
/// them (a parallel section's end).
template <class Packet>
[[gnu::always_inline]] inline void stream_store(float* to, const Packet& v) {
#if defined(__AVX512F__)
    if constexpr (sizeof(Packet) == 64) _mm512_stream_ps(to, v);
    else Eigen::internal::pstore(to, v);
#elif defined(__AVX__)
    if constexpr (sizeof(Packet) == 32) _mm256_stream_ps(to, v);
    else Eigen::internal::pstore(to, v);
#elif defined(__SSE2__)
    if constexpr (sizeof(Packet) == 16) _mm_stream_ps(to, v);
    else Eigen::internal::pstore(to, v);
#else
    Eigen::internal::pstore(to, v);
#endif
}
/// Whether a kernel writes an output of `floats` at `data`, in runs of `run` floats, by
/// stream_store: large enough (stream_min_floats), and whole packets aligned to their size.
inline bool streams_output(std::int64_t floats, const float* data, std::int64_t run) {
    return streams && floats >= stream_min_floats && run % packet_lanes == 0 &&
           reinterpret_cast<std::uintptr_t>(data) % (packet_lanes * sizeof(float)) == 0;
}
/// Copies `n` floats (a multiple of packet_lanes; `to` aligned to a packet) by stream_store.
inline void stream_copy(float* to, const float* from, std::int64_t n) {
    using wide = decltype(packet_of_lanes<packet_lanes>());
    for (std::int64_t i = 0; i < n; i += packet_lanes) stream_store(to + i, Eigen::internal::ploadu<wide>(from + i));
}
/// Orders this thread's stream_store calls before its later stores (the release that ends its
/// share of a parallel section).
inline void stream_fence() {
#if defined(__SSE2__)
    _mm_sfence();
#endif
}

}  // namespace ctnn::detail
