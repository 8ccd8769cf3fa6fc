// ctnn's own matrix-product micro-kernel: C (pixels × output channels, row-major) = A · B + bias,
// activated, with B (a kernel: input × output channels) packed once into panels of two packets
// of columns. A is read where it lies (a 1×1 convolution's input, im2col rows), its values
// broadcast one at a time; only products of many panels copy it first, interleaved (pack_rows).
// The epilogue (bias, a residual sum, the activations of activation.hpp's in_packets) runs on
// the accumulators before they are stored, not in a second pass over C.
// Written once with Eigen's packet primitives, so it is the same code on AVX-512, AVX2 and SSE:
// only the packet width and the number of rows held in registers change.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include <Eigen/Core>

#include <ctnn/options.hpp>
#include <ctnn/runtime/kernels/activation.hpp>
#include <ctnn/runtime/kernels/gemm.hpp>
#include <ctnn/runtime/kernels/packets.hpp>
#include <ctnn/runtime/parallel.hpp>
#include <ctnn/runtime/tensor.hpp>

namespace ctnn::detail::tile_gemm {

using packet = Eigen::internal::packet_traits<float>::type;
/// Floats in a packet: 16 with AVX-512, 8 with AVX, 4 with SSE (packets.hpp's widest).
inline constexpr int lanes = packet_lanes;
/// Columns of a panel of packed B: two packets, so each broadcast value of A feeds two FMAs.
inline constexpr int width = 2 * lanes;
/// Rows of C a micro-kernel call holds in registers: two accumulators per row, plus the two
/// packets of B and the broadcast value (14 rows with AVX-512's 32 registers, 6 with AVX2's 16).
inline constexpr int rows = std::max(1, (static_cast<int>(EIGEN_ARCH_DEFAULT_NUMBER_OF_REGISTERS) - 3) / 2);
/// Depth of B packed as one unit: a panel over it (32 KiB with AVX-512) stays in L1 while rows of
/// A go by, and a unit is what packing in place needs beside it.
inline constexpr std::int64_t depth_block = 256;
/// Floats in a 64-byte cache line: what one prefetch fetches.
inline constexpr std::int64_t line_floats = 64 / sizeof(float);
/// Rows of A taken together over one depth block: their values (up to 240 × 256 floats) stay in
/// L2 while every panel of B goes by.
inline constexpr std::int64_t row_block = 17 * rows;

/// Columns rounded up to whole panels (the last one is zero-padded).
constexpr std::int64_t padded(std::int64_t n) { return (n + width - 1) / width * width; }
/// Floats a packed k×n B takes.
constexpr std::int64_t size(std::int64_t k, std::int64_t n) { return k * padded(n); }
/// Columns [c0, c1) of part `i` of `parts` of n columns, in whole panels: where work split by
/// columns starts, so that each part reads its own panels of a packed B.
inline std::pair<std::int64_t, std::int64_t> column_part(std::int64_t n, std::size_t parts, std::size_t i) {
    const auto [p0, p1] = split(static_cast<std::size_t>(padded(n) / width), parts, i);
    return {static_cast<std::int64_t>(p0) * width, std::min(n, static_cast<std::int64_t>(p1) * width)};
}

/// Part `i` of `parts` of an m × n C split by panels of columns, as up to three rectangles
/// visit(r0, r1, c0, c1), none empty: whole panels where `parts` divides their number (column_part);
/// else each panel cut into `parts` runs of rows, and the (panel, run) pairs, panel by panel,
/// cut into equal shares. So every part does the same work and reads its own share of B: 5
/// panels on 2 threads were 3 and 2, and MobileNetV2's block_14_project and block_15_project
/// (49 rows, 960 → 160) took 74-79 µs on 2 threads (104 on 1); now 68-70.
template <class Visit>
inline void grid_part(std::int64_t m, std::int64_t n, std::size_t parts, std::size_t i, Visit&& visit) {
    const auto panels = static_cast<std::size_t>(padded(n) / width);
    const std::size_t runs = panels % parts == 0 ? 1 : parts;
    // Runs of rows cut at the nearest whole micro-kernel tile, as the split by rows this replaces
    // in conv2d's few-rows path did (DenseNet121's 7×7 3×3 layers: 49 rows of one panel, 28 + 21).
    const auto rows_at = [&](std::size_t run) {
        const std::int64_t even = m * static_cast<std::int64_t>(run) / static_cast<std::int64_t>(runs);
        return run == runs ? m : std::min(m, (even + rows / 2) / rows * rows);
    };
    const auto column = [&](std::size_t panel) { return std::min(n, static_cast<std::int64_t>(panel) * width); };
    const auto rectangle = [&](std::int64_t r0, std::int64_t r1, std::size_t p0, std::size_t p1) {
        if (r1 > r0 && column(p1) > column(p0)) visit(r0, r1, column(p0), column(p1));
    };
    auto [u, end] = split(panels * runs, parts, i);
    if (u % runs != 0) {  // the end of a panel another part began
        const std::size_t panel = u / runs, last = std::min(runs, u % runs + (end - u));
        rectangle(rows_at(u % runs), rows_at(last), panel, panel + 1);
        u = panel * runs + last;
    }
    if (end / runs > u / runs) {  // whole panels
        rectangle(0, m, u / runs, end / runs);
        u = end / runs * runs;
    }
    if (u < end) rectangle(0, rows_at(end - u), u / runs, u / runs + 1);  // the start of one
}

/// The packed layout: depth block by depth block (block k0 at k0 · padded(n)), and within one,
/// panel by panel (panel j at j · depth · width), each panel `depth` rows of `width` columns.
/// Calls visit(panel, k0, depth, j) for each panel of a packed k×n B at `packed`, in that order.
template <class Float, class Visit>
inline void for_each_panel(std::int64_t k, std::int64_t n, Float* packed, Visit&& visit) {
    const std::int64_t np = padded(n);
    for (std::int64_t k0 = 0; k0 < k; k0 += depth_block) {
        const std::int64_t depth = std::min(depth_block, k - k0);
        for (std::int64_t j = 0; j < np; j += width) visit(packed + k0 * np + j * depth, k0, depth, j);
    }
}
inline void pack(const float* b, std::int64_t k, std::int64_t n, std::int64_t ld, float* out) {
    for_each_panel(k, n, out, [&](float* panel, std::int64_t k0, std::int64_t depth, std::int64_t j) {
        const std::int64_t cols = std::min<std::int64_t>(width, n - j);
        for (std::int64_t p = 0; p != depth; ++p) {
            std::copy_n(b + (k0 + p) * ld + j, cols, panel + p * width);
            std::fill(panel + p * width + cols, panel + (p + 1) * width, 0.0f);
        }
    });
}
/// pack for a B given as its transpose: `bt` row-major n×k (leading dimension `ld`), as a
/// Conv2DTranspose kernel holds the matrix its products multiply by.
inline void pack_transposed(const float* bt, std::int64_t k, std::int64_t n, std::int64_t ld, float* out) {
    for_each_panel(k, n, out, [&](float* panel, std::int64_t k0, std::int64_t depth, std::int64_t j) {
        for (std::int64_t c = 0; c != width; ++c)
            for (std::int64_t p = 0; p != depth; ++p) panel[p * width + c] = j + c < n ? bt[(j + c) * ld + k0 + p] : 0.0f;
    });
}
/// B's value (p, j) in its packed form (k×n): for a caller that lays a few of B's columns out its
/// own way (Conv2DTranspose's tap_products), from the kernel as a network keeps it.
inline float packed_at(const float* packed, std::int64_t k, std::int64_t n, std::int64_t p, std::int64_t j) {
    const std::int64_t k0 = p / depth_block * depth_block, depth = std::min(depth_block, k - k0), j0 = j / width * width;
    return packed[k0 * padded(n) + j0 * depth + (p - k0) * width + (j - j0)];
}
/// B back from its packed form (row-major k×n, leading dimension n).
inline void unpack(const float* packed, std::int64_t k, std::int64_t n, float* out) {
    for_each_panel(k, n, packed, [&](const float* panel, std::int64_t k0, std::int64_t depth, std::int64_t j) {
        for (std::int64_t p = 0; p != depth; ++p)
            std::copy_n(panel + p * width, std::min<std::int64_t>(width, n - j), out + (k0 + p) * n + j);
    });
}
/// B's transpose back from B's packed form (row-major n×k, leading dimension k): undoes
/// pack_transposed.
inline void unpack_transposed(const float* packed, std::int64_t k, std::int64_t n, float* out) {
    for_each_panel(k, n, packed, [&](const float* panel, std::int64_t k0, std::int64_t depth, std::int64_t j) {
        for (std::int64_t c = 0; c != std::min<std::int64_t>(width, n - j); ++c)
            for (std::int64_t p = 0; p != depth; ++p) out[(j + c) * k + k0 + p] = panel[p * width + c];
    });
}
/// Packs B where it lies (n a multiple of `width`, so the packed form is B's size): a depth block
/// at a time through a buffer of one block.
inline void pack_in_place(float* b, std::int64_t k, std::int64_t n) {
    const aligned_floats buffer(static_cast<std::size_t>(std::min(depth_block, k) * n));
    for (std::int64_t k0 = 0; k0 < k; k0 += depth_block) {
        const std::int64_t depth = std::min(depth_block, k - k0);
        pack(b + k0 * n, depth, n, n, buffer.data.get());
        std::copy_n(buffer.data.get(), depth * n, b + k0 * n);
    }
}

/// What is applied to C's values after the last depth block, in registers: the bias (`width`
/// readable floats per panel), then a residual tensor laid out as C (`width` readable floats per
/// row, rows `ld` apart: a residual Add folded into the layer, graph/folding.hpp), then an
/// activation that is in_packets (activation.hpp), then a per-column affine map (`scale` and
/// `shift`, `width` readable floats each per panel: a BatchNormalization or Rescaling after the
/// activation, folding.hpp's output_affine). Other activations are left to the caller: as
/// a pass over each finished block, hard SiLU (PP-OCRv4's) made products of 16 to 256 input
/// channels 5-80% slower than with ReLU (the fewer, the more); in registers, 1-16%.
struct epilogue {
    const float* bias = nullptr;
    activation_kind activation = activation_kind::linear;
    const float* residual = nullptr;
    std::int64_t ld = 0;
    const float* scale = nullptr;
    const float* shift = nullptr;
};

/// R rows × one panel of C over `depth`: starting from C (`load`) or from zero, finishing with
/// the epilogue (`last`). Every row and both packets are named at compile time (the index
/// sequences), so the accumulators live in registers. With `Prefetch`, the `lines` cache lines
/// from `next` are fetched into L2 on the way, spread evenly over the depth steps. A's value
/// (r, p) is at a[r·lda + p], or, if `Interleaved` (pack_rows), at a[p·lanes + r].
template <int R, bool Prefetch = false, bool Interleaved = false>
[[gnu::always_inline]] inline void tile(const float* a, std::int64_t lda, const float* b, std::int64_t depth, float* c, std::int64_t ldc,
                                        bool load, bool last, const epilogue& e, const float* next = nullptr, std::int64_t lines = 0) {
    using namespace Eigen::internal;
    packet acc0[R], acc1[R];
    if (load) {
#pragma GCC unroll 32
        for (int r = 0; r < R; ++r) acc0[r] = ploadu<packet>(c + r * ldc), acc1[r] = ploadu<packet>(c + r * ldc + lanes);
    } else {
#pragma GCC unroll 32
        for (int r = 0; r < R; ++r) acc0[r] = pset1<packet>(0.0f), acc1[r] = pset1<packet>(0.0f);
    }
    std::int64_t owed = 0;  // lines due, in 1/depth of a line: `lines` more each step
    for (std::int64_t p = 0; p != depth; ++p) {
        const packet b0 = pload<packet>(b + p * width), b1 = pload<packet>(b + p * width + lanes);
        if constexpr (Prefetch) {
            // Locality 2 (prefetcht1): into L2, not L1, where it would evict the panel and rows
            // being read (as fast on 49 rows, up to 7% faster on 3,136).
            for (owed += lines; owed >= depth; owed -= depth, next += line_floats) __builtin_prefetch(next, 0, 2);
        }
#pragma GCC unroll 32
        for (int r = 0; r < R; ++r) {
            const packet v = pset1<packet>(Interleaved ? a[p * lanes + r] : a[r * lda + p]);
            acc0[r] = pmadd(v, b0, acc0[r]);
            acc1[r] = pmadd(v, b1, acc1[r]);
        }
    }
    if (last) {
        if (e.bias != nullptr) {
            const packet b0 = ploadu<packet>(e.bias), b1 = ploadu<packet>(e.bias + lanes);
#pragma GCC unroll 32
            for (int r = 0; r < R; ++r) acc0[r] = padd(acc0[r], b0), acc1[r] = padd(acc1[r], b1);
        }
        // After the bias, as the Add node it replaces summed the finished output and the shortcut.
        if (e.residual != nullptr) {
#pragma GCC unroll 32
            for (int r = 0; r < R; ++r)
                acc0[r] = padd(acc0[r], ploadu<packet>(e.residual + r * e.ld)),
                acc1[r] = padd(acc1[r], ploadu<packet>(e.residual + r * e.ld + lanes));
        }
        if (e.activation != activation_kind::linear)
            with_packet_activation(e.activation, [&](auto f) {
#pragma GCC unroll 32
                for (int r = 0; r < R; ++r) acc0[r] = f(acc0[r]), acc1[r] = f(acc1[r]);
            });
        if (e.scale != nullptr) {
            const packet s0 = ploadu<packet>(e.scale), s1 = ploadu<packet>(e.scale + lanes);
            const packet h0 = ploadu<packet>(e.shift), h1 = ploadu<packet>(e.shift + lanes);
#pragma GCC unroll 32
            for (int r = 0; r < R; ++r) acc0[r] = pmadd(acc0[r], s0, h0), acc1[r] = pmadd(acc1[r], s1, h1);
        }
    }
#pragma GCC unroll 32
    for (int r = 0; r < R; ++r) pstoreu(c + r * ldc, acc0[r]), pstoreu(c + r * ldc + lanes, acc1[r]);
}

/// tile<R> for R = `count` (1 … rows).
template <bool Interleaved, int... R>
inline void tile_of(int count, std::integer_sequence<int, R...>, const float* a, std::int64_t lda, const float* b, std::int64_t depth,
                    float* c, std::int64_t ldc, bool load, bool last, const epilogue& e, const float* next, std::int64_t lines) {
    if (lines != 0) ((count == R + 1 ? tile<R + 1, true, Interleaved>(a, lda, b, depth, c, ldc, load, last, e, next, lines) : void()), ...);
    else ((count == R + 1 ? tile<R + 1, false, Interleaved>(a, lda, b, depth, c, ldc, load, last, e) : void()), ...);
}

/// Whether multiply interleaves A's rows (pack_rows) on this target: a tile's rows must fit a
/// packet (14 ≤ 16 with AVX-512, 6 ≤ 8 with AVX2; not with SSE's 4).
inline constexpr bool interleaves = rows <= lanes;
/// Panels of columns a product needs for interleaving to pay: the copy costs about what a
/// panel's products over the same rows do. On a 2-core Xeon (1 thread, products alone, medians of
/// 5): 196 × 4608 × 512 (VGG16's block5 as one product) 151 → 157 GFLOP/s, 98 × 256 × 1024 150 →
/// 159, 392 × 256 × 512 155 → 160, 49 × 2048 × 512 149 → 152; at 8 panels no faster (784 × 64 ×
/// 256, 98 × 1024 × 256), at 2 and 4 slower (3136 × 256 × 64 144 → 131, 49 × 1024 × 128 159 → 149).
inline constexpr std::int64_t interleave_min_panels = 16;

/// Rows [0, m) × depth [0, depth) of A, tile by tile (`group` ≤ lanes rows each, the last fewer:
/// `rows` for the micro-kernel, a whole packet for narrow products stored by transposing), into
/// `out`: tile t at out + t·depth·lanes, its value (r, p) at p·lanes + r, so that a tile's
/// broadcasts read one stream at fixed offsets. Read from 14 rows far apart (im2col rows are
/// kh·kw·Cin long), A's values cost the micro-kernel a row pointer each, more than the
/// registers hold: GCC kept half of them on the stack and reloaded them at every depth step.
/// Transposed a packet square at a time; lanes past a tile's rows hold zeros.
#pragma GCC diagnostic push
// A packet type as a template argument drops its vector attributes (GCC warns); Eigen's own
// PacketBlock is made for exactly that use.
#pragma GCC diagnostic ignored "-Wignored-attributes"
inline void pack_rows(const float* a, std::int64_t lda, std::int64_t m, std::int64_t depth, float* out, int group = rows) {
    using namespace Eigen::internal;
    for (std::int64_t i = 0; i < m; i += group, out += depth * lanes) {
        const int count = static_cast<int>(std::min<std::int64_t>(group, m - i));
        std::int64_t p = 0;
        for (; p + lanes <= depth; p += lanes) {
            PacketBlock<packet, lanes> square;
#pragma GCC unroll 16
            for (int r = 0; r < lanes; ++r) square.packet[r] = r < count ? ploadu<packet>(a + (i + r) * lda + p) : pset1<packet>(0.0f);
            ptranspose(square);
#pragma GCC unroll 16
            for (int q = 0; q < lanes; ++q) pstore(out + (p + q) * lanes, square.packet[q]);
        }
        for (; p != depth; ++p)
            for (int r = 0; r != lanes; ++r) out[p * lanes + r] = r < count ? a[(i + r) * lda + p] : 0.0f;
    }
}
#pragma GCC diagnostic pop
/// Thread-local room for pack_rows' copy of a row block over a depth block (272 KiB with
/// AVX-512), made on a thread's first product.
inline float* interleaved_rows() {
    static thread_local aligned_floats buffer((row_block + rows - 1) / rows * lanes * depth_block);
    return buffer.data.get();
}

/// Columns up to which a product is worth taking by narrow_tile rather than by panels: each
/// column needs a register.
inline constexpr int most_narrow = 8;

/// narrow_tile's products from a tile already interleaved by pack_rows (`tile`), for callers
/// that multiply one tile by several narrow slices of B (Conv2DTranspose's taps, one at a time).
template <int N>
[[gnu::always_inline]] inline void narrow_products(const float* tile, std::int64_t depth, const float* b, std::int64_t ldp,
                                                   std::int64_t ldt, const float* bias, packet (&acc)[N]) {
    using namespace Eigen::internal;
#pragma GCC unroll 16
    for (int t = 0; t < N; ++t) acc[t] = pset1<packet>(bias != nullptr ? bias[t] : 0.0f);
    for (std::int64_t p = 0; p != depth; ++p) {
        const packet v = pload<packet>(tile + p * lanes);
#pragma GCC unroll 16
        for (int t = 0; t < N; ++t) acc[t] = pmadd(v, pset1<packet>(b[p * ldp + t * ldt]), acc[t]);
    }
}
/// N < `width` columns of C for a tile of m ≤ `rows` rows of A, each column a packet over the
/// tile's rows: acc[t] lane r = bias[t] + Σ_p A(r, p)·B(p, t), B's value (p, t) at b[p·ldp + t·ldt]
/// (bias may be null). For products that panels of 2·lanes columns would pad many times over: a
/// Conv2DTranspose with one filter (PP-OCRv4's head: 4 products a pixel), a 1×1 Conv2D to a few
/// classes (the U-Net's last layer: 2). A's rows are turned into packets of one column each
/// (pack_rows, into `buffer`: depth·lanes floats, aligned), and the N sums stay in registers.
template <int N>
[[gnu::always_inline]] inline void narrow_tile(const float* a, std::int64_t lda, int m, std::int64_t depth, const float* b,
                                               std::int64_t ldp, std::int64_t ldt, const float* bias, float* buffer, packet (&acc)[N]) {
    pack_rows(a, lda, m, depth, buffer);
    narrow_products<N>(buffer, depth, b, ldp, ldt, bias, acc);
}

/// C (m rows of columns [c0, c1), row-major, leading dimension ldc; `c` points at column c0) =
/// A (m×k, leading dimension lda) · B[:, c0, c1) + bias[c0, c1) + residual, activated; or, if
/// `accumulate`, C plus that (a product summed over slices of depth made one at a time: the
/// streamed Winograd kernel's). B is k × n_total packed by `pack`, c0 a multiple of `width`; the
/// bias (may be null) has n_total values; the residual (may be null) is laid out as C and points
/// at its column c0 too. `then` (may be null): the packed B of the product the caller makes next,
/// `then_k` deep, whose first panel the tiles over the last panel fetch as they would a next
/// panel of this one. `map` (scale null if none; n_total values each): applied to each value
/// after the activation, which must then be in_packets (the caller maps after other activations).
inline void multiply(const float* a, std::int64_t lda, const float* packed_b, std::int64_t n_total, std::int64_t c0, std::int64_t c1,
                     float* c, std::int64_t ldc, std::int64_t m, std::int64_t k, const float* bias, activation_kind activation,
                     bool accumulate = false, const float* residual = nullptr, const float* then = nullptr, std::int64_t then_k = 0,
                     const channel_map& map = {}) {
    if (m == 0 || c1 <= c0) return;
    if (k == 0) {
        for (std::int64_t r = 0; r != m && !accumulate; ++r) std::fill(c + r * ldc, c + r * ldc + (c1 - c0), 0.0f);
        for (std::int64_t r = 0; r != m && residual != nullptr; ++r)
            for (std::int64_t j = 0; j != c1 - c0; ++j) c[r * ldc + j] += residual[r * ldc + j];
        bias_activate(c - c0, ldc, 0, m, c0, c1, bias, activation == activation_kind::softmax ? activation_kind::linear : activation);
        if (map.scale != nullptr) map_columns(c, ldc, m, c0, c1, map);
        return;
    }
    const std::int64_t np = padded(n_total);
    // A copied interleaved or read where it lies: the same for every block of the call.
    const bool interleaved = interleaves && padded(c1 - c0) / width >= interleave_min_panels;
    float* const copy = interleaved ? interleaved_rows() : nullptr;
    const activation_kind fused = in_packets(activation) ? activation : activation_kind::linear;
    alignas(64) float edge[rows * width];  // a partial panel's C, computed whole
    alignas(64) float edge_bias[width];
    alignas(64) float edge_residual[rows * width];
    alignas(64) float edge_scale[width];
    alignas(64) float edge_shift[width];
    for (std::int64_t k0 = 0; k0 < k; k0 += depth_block) {
        const std::int64_t depth = std::min(depth_block, k - k0);
        const bool load = accumulate || k0 != 0, last = k0 + depth >= k;
        for (std::int64_t r0 = 0; r0 < m; r0 += row_block) {
            const std::int64_t r1 = std::min(m, r0 + row_block);
            if (interleaved) pack_rows(a + r0 * lda + k0, lda, r1 - r0, depth, copy);
            for (std::int64_t j = c0; j < c1; j += width) {
                const float* panel = packed_b + k0 * np + j * depth;
                const std::int64_t cols = std::min<std::int64_t>(width, c1 - j);
                epilogue e{nullptr, last ? fused : activation_kind::linear};
                // A per-column array at this panel: in place, or for a partial panel copied into
                // `edge_values`, zeros after (the epilogue reads `width` values).
                const auto at_panel = [&](const float* values, float* edge_values) -> const float* {
                    if (cols == width) return values + j;
                    std::fill(std::copy_n(values + j, cols, edge_values), edge_values + width, 0.0f);
                    return edge_values;
                };
                if (last && bias != nullptr) e.bias = at_panel(bias, edge_bias);
                if (last && map.scale != nullptr) e.scale = at_panel(map.scale, edge_scale), e.shift = at_panel(map.shift, edge_shift);
                // The tiles over a panel fetch the panel read after it, each its share of the
                // lines: a kernel read from memory once per call (ResNet's last blocks and FCN-8's
                // conv6/conv7: 49 rows, 4 tiles a panel) arrives while they compute. Fetched all
                // by the first tile into L1 (as before), the requests queued behind each other and
                // the tile waited on them: memory and arithmetic took turns instead of
                // overlapping (on a 2-core Xeon, 2 threads, 49×4608 times a cold 4608×512:
                // 1.28-1.35 → 1.04 ms; FCN-8's conv6 37.5-39.7 → 31.3-32.1 ms). After the last
                // panel of a depth block comes the next block's first, unless the row block is not
                // the last: then the next panel is this block's first, read a moment ago.
                const float* next = nullptr;
                std::int64_t next_lines = 0;
                if (j + width < c1) {
                    next = panel + width * depth;
                    next_lines = depth * width / line_floats;
                } else if (r1 == m && k0 + depth < k) {
                    const std::int64_t next_depth = std::min(depth_block, k - k0 - depth);
                    next = packed_b + (k0 + depth) * np + c0 * next_depth;
                    next_lines = next_depth * width / line_floats;
                } else if (r1 == m && then != nullptr) {
                    next = then;
                    next_lines = std::min(depth_block, then_k) * width / line_floats;
                }
                const std::int64_t tiles = (r1 - r0 + rows - 1) / rows;
                for (std::int64_t i = r0; i < r1; i += rows) {
                    const int count = static_cast<int>(std::min<std::int64_t>(rows, r1 - i));
                    // This tile's share of the next panel's lines.
                    const std::int64_t t = (i - r0) / rows, first_line = t * next_lines / tiles;
                    const float* fetch = next == nullptr ? nullptr : next + first_line * line_floats;
                    const std::int64_t fetch_lines = (t + 1) * next_lines / tiles - first_line;
                    const float* ai = interleaved ? copy + t * depth * lanes : a + i * lda + k0;
                    // The next tile's rows of A, up to their first 4 cache lines: rows far apart
                    // (a slice of a wide matrix: the streamed Winograd's V) are 14 short streams
                    // the hardware does not fetch ahead, and each tile stalled on them (the
                    // U-Net's streamed layers: 95-107 → 68-74 ms). The interleaved copy is one.
                    for (std::int64_t r = i + rows; !interleaved && r < std::min(r1, i + 2 * rows); ++r)
                        for (std::int64_t f = 0; f < std::min<std::int64_t>(depth, 4 * line_floats); f += line_floats)
                            __builtin_prefetch(a + r * lda + k0 + f);
                    float* ci = c + i * ldc + (j - c0);
                    // This tile's rows of the residual, added after the last depth block.
                    const float* ri = last && residual != nullptr ? residual + i * ldc + (j - c0) : nullptr;
                    e.residual = ri, e.ld = ldc;
                    if (ri != nullptr) {
                        // And the next tile's residual rows: read only in the epilogue, each row a
                        // line or two 1 KB or more apart, they stalled the stores (ResNet50's
                        // 28×28×512 block ends took 0.3 ms more with the sum than without).
                        for (std::int64_t r = i + rows; r < std::min(r1, i + 2 * rows); ++r)
                            for (std::int64_t f = 0; f < cols; f += line_floats) __builtin_prefetch(residual + r * ldc + (j - c0) + f);
                    }
                    // Both forms of A, each with C in place or in `edge`.
                    const auto run = [&](float* to, std::int64_t ld, const epilogue& with) {
                        if (interleaved)
                            tile_of<true>(count, std::make_integer_sequence<int, rows>{}, ai, 0, panel, depth, to, ld, load, last, with,
                                          fetch, fetch_lines);
                        else
                            tile_of<false>(count, std::make_integer_sequence<int, rows>{}, ai, lda, panel, depth, to, ld, load, last, with,
                                           fetch, fetch_lines);
                    };
                    if (cols == width) {
                        run(ci, ldc, e);
                        continue;
                    }
                    if (load)
                        for (int r = 0; r != count; ++r) std::copy_n(ci + r * ldc, cols, edge + r * width);
                    if (ri != nullptr) {
                        for (int r = 0; r != count; ++r)
                            std::fill(std::copy_n(ri + r * ldc, cols, edge_residual + r * width), edge_residual + (r + 1) * width, 0.0f);
                        e.residual = edge_residual, e.ld = width;
                    }
                    run(edge, width, e);
                    for (int r = 0; r != count; ++r) std::copy_n(edge + r * width, cols, ci + r * ldc);
                }
            }
        }
    }
    if (!in_packets(activation) && activation != activation_kind::softmax) bias_activate(c - c0, ldc, 0, m, c0, c1, nullptr, activation);
}

/// multiply over all n columns on up to `threads` threads: by rows (whole tiles) when there are
/// enough, else by panels of columns (grid_part), so that each thread reads only its share of B
/// (FCN-8's conv7, ResNet's last blocks: 49 rows).
inline void parallel_multiply(const float* a, std::int64_t lda, const float* packed_b, std::int64_t n, float* c, std::int64_t ldc,
                              std::int64_t m, std::int64_t k, const float* bias, activation_kind activation, int threads,
                              const float* residual = nullptr, const channel_map& map = {}) {
    threads = threads_for(m * n * k, threads);
    const auto t = static_cast<std::size_t>(threads);
    const std::int64_t panels = padded(n) / width;
    if (threads > 1 && m < 4 * rows * std::int64_t{threads} && panels >= threads) {
        parallel_for(t, threads, [&](std::size_t i, int) {
            grid_part(m, n, t, i, [&](std::int64_t r0, std::int64_t r1, std::int64_t c0, std::int64_t c1) {
                multiply(a + r0 * lda, lda, packed_b, n, c0, c1, c + r0 * ldc + c0, ldc, r1 - r0, k, bias, activation, false,
                         residual == nullptr ? nullptr : residual + r0 * ldc + c0, nullptr, 0, map);
            });
        });
        return;
    }
    const auto tiles = static_cast<std::size_t>((m + rows - 1) / rows);
    const std::size_t parts = std::min(t, tiles);
    parallel_for(parts, static_cast<int>(parts), [&](std::size_t i, int) {
        const auto [t0, t1] = split(tiles, parts, i);
        const std::int64_t r0 = static_cast<std::int64_t>(t0) * rows, r1 = std::min(m, static_cast<std::int64_t>(t1) * rows);
        multiply(a + r0 * lda, lda, packed_b, n, 0, n, c + r0 * ldc, ldc, r1 - r0, k, bias, activation, false,
                 residual == nullptr ? nullptr : residual + r0 * ldc, nullptr, 0, map);
    });
}

}  // namespace ctnn::detail::tile_gemm
