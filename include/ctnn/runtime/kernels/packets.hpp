// Eigen's packets chosen by width, for kernels written once for every SIMD target: the widest
// packet the target has, its half and a packet of 4 (a quarter with AVX-512).
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstdint>

#include <Eigen/Core>

namespace ctnn::detail {

/// Floats in Eigen's widest packet: 16 with AVX-512, 8 with AVX, 4 with SSE (tile_gemm::lanes).
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

}  // namespace ctnn::detail
