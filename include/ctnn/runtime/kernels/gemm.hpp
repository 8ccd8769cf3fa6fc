// Matrix products through Eigen, split across threads by rows or, for short matrices, by
// columns: for kernels kept in Keras' layout (grouped convolutions, Dense, and kernels too
// large to pack). Products by a kernel packed once run on ctnn's own micro-kernel
// (tile_gemm.hpp).
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

/// Multiply-adds below which a product is not worth another thread. The pool's workers spin
/// between sections (parallel.hpp), so a section costs 0.2-0.5 µs, what ~50 thousand
/// multiply-adds take; a thread's share is kept 5× larger, as the cache lines two cores share
/// cost too. (When threads were started per section it was 8× higher, and DenseNet121's 14×14
/// and 7×7 layers then ran on one thread: 14.3 → 13.5 ms on 2 threads without that.)
inline constexpr std::int64_t min_work_per_thread = std::int64_t{1} << 18;

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
