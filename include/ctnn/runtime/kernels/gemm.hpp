// Matrix products through Eigen, split across threads by rows or, for short matrices, by
// columns; and products by a constant matrix packed once in Eigen's layout (packed_gemm), calling
// Eigen's micro-kernel directly: the Winograd layers' (Conv2D's direct products, and 1×1
// convolutions, run on ctnn's own micro-kernel, tile_gemm.hpp).
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include <Eigen/Core>

#include <ctnn/runtime/parallel.hpp>
#include <ctnn/runtime/tensor.hpp>
#include <ctnn/runtime/workspace.hpp>

namespace ctnn::detail {

using row_major = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using const_matrix = Eigen::Map<const row_major, Eigen::Unaligned, Eigen::OuterStride<>>;
using matrix = Eigen::Map<row_major, Eigen::Unaligned, Eigen::OuterStride<>>;

/// A row-major m×n block at `p` with leading dimension `ld`.
struct block {
    const float* p;
    std::int64_t ld;
};
struct mutable_block {
    float* p;
    std::int64_t ld;
};

/// C = A·B (or C += A·B), single-threaded: A is m×k, B k×n, C m×n.
inline void gemm(block a, block b, mutable_block c, std::int64_t m, std::int64_t n, std::int64_t k, bool accumulate) {
    if (m == 0 || n == 0) return;
    const_matrix A(a.p, m, k, Eigen::OuterStride<>(a.ld));
    const_matrix B(b.p, k, n, Eigen::OuterStride<>(b.ld));
    matrix C(c.p, m, n, Eigen::OuterStride<>(c.ld));
    if (accumulate) C.noalias() += A * B;
    else C.noalias() = A * B;
}

/// A constant right operand B (k×n) packed once, in the layout Eigen's GEMM micro-kernel reads:
/// Eigen packs both operands of every product it is asked for, which for products of few rows
/// by a large constant matrix (a Winograd kernel's, a convolution's) costs as much as the
/// multiply-adds. Packing is Eigen's own (its `lhs` of Cᵀ = Bᵀ·Aᵀ), so it matches the kernel of
/// this build's instruction set; the packed floats are a permutation of B's, no more.
namespace packed_gemm {
using index = Eigen::Index;
using traits = Eigen::internal::gebp_traits<float, float>;
using const_mapper = Eigen::internal::const_blas_data_mapper<float, index, Eigen::ColMajor>;
using result_mapper = Eigen::internal::blas_data_mapper<float, index, Eigen::ColMajor, Eigen::Unaligned, 1>;

/// Floats a packed k×n operand takes (as many as it has, rounded up to keep the next one aligned).
constexpr std::int64_t size(std::int64_t k, std::int64_t n) {
    return (k * n + 15) / 16 * 16;
}
/// Packs B (k×n, row-major, leading dimension `ld`) into `out` (aligned to 64 bytes).
inline void pack(const float* b, std::int64_t k, std::int64_t n, std::int64_t ld, float* out) {
    Eigen::internal::gemm_pack_lhs<float, index, const_mapper, traits::mr, traits::LhsProgress, typename traits::LhsPacket4Packing,
                                   Eigen::ColMajor>
        pack_lhs;
    pack_lhs(out, const_mapper(b, ld), k, n);
}
/// Columns of a packed B are kept in panels of this many: a range of columns that starts at a
/// multiple of it (and ends at one, or at n) is packed exactly as that range alone would be, at
/// `packed_b + first_column · k`. Splitting work by columns goes by these granules.
inline constexpr std::int64_t column_granule = traits::mr;

/// Packs A (m×k, row-major) into `out` (aligned, size(k, m) floats) for `product`.
inline void pack_a(block a, std::int64_t m, std::int64_t k, float* out) {
    Eigen::internal::gemm_pack_rhs<float, index, const_mapper, traits::nr, Eigen::ColMajor> pack_rhs;
    pack_rhs(out, const_mapper(a.p, a.ld), k, m);
}
/// Depth the micro-kernel runs at once: a panel of each operand over this depth stays in cache
/// while the other's panels go by (the blocking Eigen's own GEMM does).
inline constexpr std::int64_t depth_block = 256;

/// Packed A of at most this many floats stays in L2 over its whole depth.
inline constexpr std::int64_t cached_a_floats = std::int64_t{1} << 15;  // 128 KiB

/// C (m×n, row-major) = A · B, both packed. Packed over their whole depth, panels are read a
/// depth block at a time (the micro-kernel's stride and offset). A short A (few rows: conv6's
/// per-tap products, FCN-8's late layers) stays in cache whole, so B is taken one panel of
/// columns at a time over the whole depth instead: each panel of B, streamed from memory, is
/// then read once, in one run (8-10% faster on conv6's products than depth blocks over all
/// columns).
inline void product(const float* packed_a, const float* packed_b, mutable_block c, std::int64_t m, std::int64_t n, std::int64_t k) {
    if (m == 0 || n == 0) return;
    for (std::int64_t r = 0; r != m; ++r) std::fill_n(c.p + r * c.ld, n, 0.0f);
    Eigen::internal::gebp_kernel<float, float, index, result_mapper, traits::mr, traits::nr, false, false> gebp;
    if (m * k <= cached_a_floats) {
        for (std::int64_t c0 = 0; c0 < n; c0 += traits::mr)
            gebp(result_mapper(c.p + c0, c.ld), packed_b + c0 * k, packed_a, std::min<std::int64_t>(traits::mr, n - c0), k, m, 1.0f, k, k, 0,
                 0);
        return;
    }
    for (std::int64_t k0 = 0; k0 < k; k0 += depth_block)
        gebp(result_mapper(c.p, c.ld), packed_b, packed_a, n, std::min(depth_block, k - k0), m, 1.0f, k, k, k0, k0);
}
/// C += A[:, k0, k0 + k) · B: A packed over `a_depth` (pack_a), B (k×n) packed by `pack`. Sums
/// over depth slices of B made one at a time (a Winograd kernel transformed as it is used).
inline void accumulate(const float* packed_a, std::int64_t a_depth, std::int64_t k0, const float* packed_b, mutable_block c, std::int64_t m,
                       std::int64_t n, std::int64_t k) {
    if (m == 0 || n == 0 || k == 0) return;
    Eigen::internal::gebp_kernel<float, float, index, result_mapper, traits::mr, traits::nr, false, false> gebp;
    gebp(result_mapper(c.p, c.ld), packed_b, packed_a, n, k, m, 1.0f, k, a_depth, 0, k0);
}
/// C (m×n, row-major) = A (m×k, row-major) · B, B packed by `pack`. `scratch` (aligned, k·m
/// floats) receives A packed.
inline void multiply(block a, const float* packed_b, mutable_block c, std::int64_t m, std::int64_t n, std::int64_t k, float* scratch) {
    if (m == 0 || n == 0) return;
    if (k != 0) pack_a(a, m, k, scratch);
    product(scratch, packed_b, c, m, n, k);
}
/// B back from its packed form (`out` row-major k×n, leading dimension n): packing a matrix of
/// its own indices (exact in float below 2²⁴) says where each value went.
inline void unpack(const float* packed, std::int64_t k, std::int64_t n, float* out) {
    const auto count = static_cast<std::size_t>(k * n);
    aligned_floats where(count), packed_where(static_cast<std::size_t>(size(k, n)));
    for (std::size_t i = 0; i != count; ++i) where.data[i] = static_cast<float>(i);
    pack(where.data.get(), k, n, n, packed_where.data.get());
    for (std::size_t p = 0; p != count; ++p) out[static_cast<std::size_t>(packed_where.data[p])] = packed[p];
}
}  // namespace packed_gemm

/// Multiply-adds below which a product is not worth another thread: starting one costs tens
/// of microseconds, what ~2 million multiply-adds take (FCN-8's 1×1 class-score convolutions and
/// upsamplers were slower on 2 threads than on 1).
inline constexpr std::int64_t min_work_per_thread = std::int64_t{1} << 21;

/// Threads worth using for `work` multiply-adds, at most `threads`.
inline int threads_for(std::int64_t work, int threads) {
    return static_cast<int>(std::clamp<std::int64_t>(work / min_work_per_thread, 1, std::max(1, threads)));
}

/// The same on `threads` threads; `epilogue(row_begin, row_end, col_begin, col_end)` runs on
/// each finished part while it is still in cache (bias, activation).
template <class Epilogue>
void parallel_gemm(block a, block b, mutable_block c, std::int64_t m, std::int64_t n, std::int64_t k, int threads,
                   Epilogue&& epilogue) {
    constexpr std::int64_t min_rows = 32, col_granule = 16;
    threads = threads_for(m * n * k, threads);
    const auto t = static_cast<std::int64_t>(std::max(1, threads));
    if (t > 1 && m < min_rows * t && n >= col_granule * t) {
        const std::int64_t granules = (n + col_granule - 1) / col_granule;
        parallel_for(static_cast<std::size_t>(t), threads, [&](std::size_t i, int) {
            auto [g0, g1] = split(static_cast<std::size_t>(granules), static_cast<std::size_t>(t), i);
            const std::int64_t c0 = static_cast<std::int64_t>(g0) * col_granule;
            const std::int64_t c1 = std::min(n, static_cast<std::int64_t>(g1) * col_granule);
            gemm(a, {b.p + c0, b.ld}, {c.p + c0, c.ld}, m, c1 - c0, k, false);
            epilogue(std::int64_t{0}, m, c0, c1);
        });
    } else {
        const std::size_t parts = static_cast<std::size_t>(std::min(t, std::max<std::int64_t>(1, m / min_rows)));
        parallel_for(parts, threads, [&](std::size_t i, int) {
            auto [r0, r1] = split(static_cast<std::size_t>(m), parts, i);
            const auto row0 = static_cast<std::int64_t>(r0), row1 = static_cast<std::int64_t>(r1);
            gemm({a.p + row0 * a.ld, a.ld}, b, {c.p + row0 * c.ld, c.ld}, row1 - row0, n, k, false);
            epilogue(row0, row1, std::int64_t{0}, n);
        });
    }
}

}  // namespace ctnn::detail
