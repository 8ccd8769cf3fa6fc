// Winograd convolution for 3×3, stride-1, undilated Conv2D: F(2×2, 3×3) and F(4×4, 3×3).
//
// A tile of m×m outputs reads an (m+2)×(m+2) input patch. Transformed, the patch (V = Bᵀ d B)
// and the kernel (U = G g Gᵀ) multiply element by element, and for all channels at once that is
// one matrix product per position ξ of the (m+2)² transformed positions:
//     M_ξ (tiles × Cout) = V_ξ (tiles × Cin) · U_ξ (Cin × Cout),
// then Y = Aᵀ M A gives the tile's outputs. F(2×2) does 16 multiply-adds per 4 outputs where
// direct convolution does 36 (2.25× fewer); F(4×4) 36 per 16 (4× fewer) at the price of larger
// transforms, a 4× larger transformed kernel and more rounding. The kernel is transformed once,
// when the weights are set (runtime/network.hpp keeps the transform beside the Keras-layout
// kernel, which saving needs exactly: winograd_restore_kernel recovers it only up to rounding).
// The GEMMs are ordinary dense products: Eigen's micro-kernel on U_ξ packed once (gemm.hpp's
// packed_gemm).
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <ctnn/options.hpp>
#include <ctnn/runtime/kernels/activation.hpp>
#include <ctnn/runtime/kernels/gemm.hpp>
#include <ctnn/runtime/parallel.hpp>
#include <ctnn/runtime/tensor.hpp>
#include <ctnn/runtime/workspace.hpp>

namespace ctnn::detail {

/// The largest Cin·Cout given F(4×4) and F(2×2) tiles. The transformed kernel is kept beside
/// the Keras-layout one (runtime/network.hpp) and is 4× (F(4×4)) or 1.8× (F(2×2)) its size, so
/// the choice weighs time saved against memory: see docs/performance.md for the figures behind
/// these bounds.
inline constexpr std::int64_t winograd_f4_max_taps = std::int64_t{128} * 128;
inline constexpr std::int64_t winograd_f2_max_taps = std::int64_t{128} * 128;

/// Output tile size (2 or 4) for a convolution's static shapes, or 0 for direct convolution.
/// The cost model: Winograd pays off once the channel products dominate the transforms, which
/// grow with Cin + Cout while the products grow with Cin·Cout; so it needs both channel counts
/// large enough (few input channels, as in a first layer, gain nothing). F(4×4) does 4× fewer
/// multiply-adds than direct convolution and F(2×2) 2.25× fewer; F(4×4) needs maps of a few
/// tiles per side (on a 14×14 map most 4×4 tiles are cut by the border and it is no faster).
constexpr int winograd_tile(int kernel_h, int kernel_w, int stride_h, int stride_w, int dilation_h, int dilation_w, int groups,
                            int out_h, int out_w, int cin, int cout) {
    if (kernel_h != 3 || kernel_w != 3 || stride_h != 1 || stride_w != 1 || dilation_h != 1 || dilation_w != 1 || groups != 1)
        return 0;
    if (cin < 16 || cout < 16 || out_h < 4 || out_w < 4) return 0;
    const std::int64_t taps = std::int64_t{cin} * cout;
    if (out_h >= 16 && out_w >= 16 && taps <= winograd_f4_max_taps) return 4;
    if (taps <= winograd_f2_max_taps) return 2;
    return 0;
}
/// Floats of a transformed kernel: (m+2)² positions of Cin × Cout, each packed for the GEMM
/// micro-kernel (gemm.hpp's packed_gemm).
constexpr std::int64_t winograd_kernel_floats(int m, int cin, int cout) {
    return std::int64_t{m + 2} * (m + 2) * packed_gemm::size(cin, cout);
}

namespace winograd {

// ---- 1-D transforms, applied along one axis of a tile to n channels at once ---------------------
// Points 0, ±1 (F(2, 3)) and 0, ±1, ±2 (F(4, 3)), as in Lavin & Gray (2016).

/// r = Bᵀ d, on `a` = m+2 vectors of n channels with strides (elements between vectors).
template <int M>
inline void input_1d(const float* d, std::int64_t ds, float* r, std::int64_t rs, int n) {
    if constexpr (M == 2) {
        for (int c = 0; c != n; ++c) {
            const float d0 = d[c], d1 = d[ds + c], d2 = d[2 * ds + c], d3 = d[3 * ds + c];
            r[c] = d0 - d2;
            r[rs + c] = d1 + d2;
            r[2 * rs + c] = d2 - d1;
            r[3 * rs + c] = d1 - d3;
        }
    } else {
        for (int c = 0; c != n; ++c) {
            const float d0 = d[c], d1 = d[ds + c], d2 = d[2 * ds + c], d3 = d[3 * ds + c], d4 = d[4 * ds + c], d5 = d[5 * ds + c];
            r[c] = 4.0f * d0 - 5.0f * d2 + d4;
            r[rs + c] = -4.0f * (d1 + d2) + d3 + d4;
            r[2 * rs + c] = 4.0f * (d1 - d2) - d3 + d4;
            r[3 * rs + c] = 2.0f * (d3 - d1) - d2 + d4;
            r[4 * rs + c] = 2.0f * (d1 - d3) - d2 + d4;
            r[5 * rs + c] = 4.0f * d1 - 5.0f * d3 + d5;
        }
    }
}

/// o = Aᵀ m: m+2 vectors to m.
template <int M>
inline void output_1d(const float* v, std::int64_t vs, float* o, std::int64_t os, int n) {
    if constexpr (M == 2) {
        for (int c = 0; c != n; ++c) {
            const float m0 = v[c], m1 = v[vs + c], m2 = v[2 * vs + c], m3 = v[3 * vs + c];
            o[c] = m0 + m1 + m2;
            o[os + c] = m1 - m2 - m3;
        }
    } else {
        for (int c = 0; c != n; ++c) {
            const float m0 = v[c], m1 = v[vs + c], m2 = v[2 * vs + c], m3 = v[3 * vs + c], m4 = v[4 * vs + c], m5 = v[5 * vs + c];
            const float s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4;
            o[c] = m0 + s12 + s34;
            o[os + c] = d12 + 2.0f * d34;
            o[2 * os + c] = s12 + 4.0f * s34;
            o[3 * os + c] = d12 + 8.0f * d34 + m5;
        }
    }
}

/// u = G g (3 values to m+2), in double so that the transformed kernel is rounded once.
template <int M>
inline void kernel_1d(const double* g, std::ptrdiff_t gs, double* u, std::ptrdiff_t us) {
    const double g0 = g[0], g1 = g[gs], g2 = g[2 * gs];
    if constexpr (M == 2) {
        u[0] = g0, u[us] = 0.5 * (g0 + g1 + g2), u[2 * us] = 0.5 * (g0 - g1 + g2), u[3 * us] = g2;
    } else {
        u[0] = g0 / 4.0;
        u[us] = -(g0 + g1 + g2) / 6.0;
        u[2 * us] = -(g0 - g1 + g2) / 6.0;
        u[3 * us] = g0 / 24.0 + g1 / 12.0 + g2 / 6.0;
        u[4 * us] = g0 / 24.0 - g1 / 12.0 + g2 / 6.0;
        u[5 * us] = g2;
    }
}

/// g = L u, L a left inverse of G (L G = I): the kernel back from its transform.
template <int M>
inline void restore_1d(const double* u, std::ptrdiff_t us, double* g, std::ptrdiff_t gs) {
    if constexpr (M == 2) {
        g[0] = u[0], g[gs] = u[us] - u[2 * us], g[2 * gs] = u[3 * us];
    } else {
        g[0] = 4.0 * u[0], g[gs] = 3.0 * (u[2 * us] - u[us]), g[2 * gs] = u[5 * us];
    }
}

/// Channels a transform handles at once: the temporaries of a tile stay in L1.
inline constexpr int channel_block = 64;

/// The transformed patches of tiles [t0, t0 + count) (numbered over the batch, row by row),
/// into V laid out as [ξ][tile - t0][Cin] (ld = `tiles` rows per ξ).
template <int M>
void transform_input(const float* x, int height, int width, int cin, int pad_top, int pad_left, int tiles_w, int tiles_per_sample,
                     std::int64_t t0, std::int64_t count, std::int64_t tiles, float* v) {
    constexpr int A = M + 2;
    alignas(64) float patch[A * A * channel_block];
    alignas(64) float rows[A * A * channel_block];
    const std::int64_t sample_size = std::int64_t{height} * width * cin;
    for (std::int64_t k = 0; k != count; ++k) {
        const std::int64_t t = t0 + k;
        const auto n = t / tiles_per_sample;
        const int within = static_cast<int>(t % tiles_per_sample);
        const int ih0 = (within / tiles_w) * M - pad_top, iw0 = (within % tiles_w) * M - pad_left;
        const float* xs = x + n * sample_size;
        const bool inside = ih0 >= 0 && iw0 >= 0 && ih0 + A <= height && iw0 + A <= width;
        for (int c0 = 0; c0 < cin; c0 += channel_block) {
            const int nc = std::min(channel_block, cin - c0);
            // patch[i][j][c]: the input, zero outside (a tile on the border reads padding).
            const float* base;
            std::int64_t row_stride, col_stride;
            if (inside) {
                base = xs + (std::int64_t{ih0} * width + iw0) * cin + c0;
                row_stride = std::int64_t{width} * cin, col_stride = cin;
            } else {
                for (int i = 0; i != A; ++i)
                    for (int j = 0; j != A; ++j) {
                        float* dst = patch + (i * A + j) * channel_block;
                        const int ih = ih0 + i, iw = iw0 + j;
                        if (ih < 0 || ih >= height || iw < 0 || iw >= width)
                            std::memset(dst, 0, sizeof(float) * static_cast<std::size_t>(nc));
                        else std::memcpy(dst, xs + (std::int64_t{ih} * width + iw) * cin + c0, sizeof(float) * static_cast<std::size_t>(nc));
                    }
                base = patch, row_stride = A * channel_block, col_stride = channel_block;
            }
            // Along the rows of the patch (over i), for each column j; then along each row.
            for (int j = 0; j != A; ++j) input_1d<M>(base + j * col_stride, row_stride, rows + j * channel_block, A * channel_block, nc);
            for (int i = 0; i != A; ++i) {
                float* out = v + (std::int64_t{i} * A * tiles + k) * cin + c0;
                input_1d<M>(rows + i * A * channel_block, channel_block, out, tiles * cin, nc);
            }
        }
    }
}

/// Outputs of tiles [t0, t0 + count) from M laid out as [ξ][tile - t0][Cout]: Aᵀ M A, plus bias,
/// activated, written where the tile lies inside the output (the last tiles may overhang).
template <int M>
void transform_output(const float* mm, std::int64_t tiles, std::int64_t t0, std::int64_t count, int out_h, int out_w, int cout,
                      int tiles_w, int tiles_per_sample, const float* bias, activation_kind activation, float* y) {
    constexpr int A = M + 2;
    alignas(64) float cols[A * M * channel_block];
    alignas(64) float result[M * M * channel_block];
    const std::int64_t sample_size = std::int64_t{out_h} * out_w * cout;
    const bool elementwise = activation != activation_kind::linear && activation != activation_kind::softmax;
    for (std::int64_t k = 0; k != count; ++k) {
        const std::int64_t t = t0 + k;
        const auto n = t / tiles_per_sample;
        const int within = static_cast<int>(t % tiles_per_sample);
        const int oh0 = (within / tiles_w) * M, ow0 = (within % tiles_w) * M;
        const int rows_in = std::min(M, out_h - oh0), cols_in = std::min(M, out_w - ow0);
        float* ys = y + n * sample_size;
        for (int c0 = 0; c0 < cout; c0 += channel_block) {
            const int nc = std::min(channel_block, cout - c0);
            // cols[i][q] = Σ_j M[i][j] A[j][q]; then result[p][q] = Σ_i A[i][p] cols[i][q].
            for (int i = 0; i != A; ++i)
                output_1d<M>(mm + (std::int64_t{i} * A * tiles + k) * cout + c0, tiles * cout, cols + i * M * channel_block,
                             channel_block, nc);
            for (int q = 0; q != M; ++q)
                output_1d<M>(cols + q * channel_block, M * channel_block, result + q * channel_block, M * channel_block, nc);
            for (int p = 0; p != rows_in; ++p)
                for (int q = 0; q != cols_in; ++q) {
                    const float* src = result + (p * M + q) * channel_block;
                    float* dst = ys + (std::int64_t{oh0 + p} * out_w + ow0 + q) * cout + c0;
                    if (activation == activation_kind::relu) {
                        if (bias != nullptr)
                            for (int c = 0; c != nc; ++c) dst[c] = std::max(src[c] + bias[c0 + c], 0.0f);
                        else
                            for (int c = 0; c != nc; ++c) dst[c] = std::max(src[c], 0.0f);
                    } else {
                        for (int c = 0; c != nc; ++c) {
                            const float value = src[c] + (bias != nullptr ? bias[c0 + c] : 0.0f);
                            dst[c] = elementwise ? activate(value, activation) : value;
                        }
                    }
                }
        }
    }
}

}  // namespace winograd

/// U = G g Gᵀ for every (Cin, Cout) pair: `kernel` in Keras' layout (3, 3, Cin, Cout) to
/// `out` as [ξ] of the Cin × Cout matrix U_ξ, packed (packed_gemm::pack). The pairs are split
/// over `threads`.
template <int M>
void winograd_transform_kernel_m(const float* kernel, int cin, int cout, float* packed, int threads) {
    constexpr int A = M + 2;
    const auto pairs = static_cast<std::size_t>(std::int64_t{cin} * cout);
    const auto stride = static_cast<std::size_t>(packed_gemm::size(cin, cout));
    // Each U_ξ is written unpacked where it belongs, then packed through a buffer of one U_ξ: the
    // transform needs no more memory than it keeps.
    float* out = packed;
    const std::size_t parts = std::min<std::size_t>(pairs, 64);
    parallel_for(parts, threads, [&](std::size_t part, int) {
        auto [p0, p1] = split(pairs, parts, part);
        for (std::size_t p = p0; p != p1; ++p) {
            double g[9], rows[A * 3], u[A * A];
            for (int t = 0; t != 9; ++t) g[t] = kernel[static_cast<std::size_t>(t) * pairs + p];
            for (int j = 0; j != 3; ++j) winograd::kernel_1d<M>(g + j, 3, rows + j, 3);  // rows[i][j], over kh
            for (int i = 0; i != A; ++i) winograd::kernel_1d<M>(rows + i * 3, 1, u + i * A, 1);  // over kw
            for (int x = 0; x != A * A; ++x) out[static_cast<std::size_t>(x) * stride + p] = static_cast<float>(u[x]);
        }
    });
    aligned_floats buffer(pairs);
    for (int x = 0; x != A * A; ++x) {
        packed_gemm::pack(packed + static_cast<std::size_t>(x) * stride, cin, cout, cout, buffer.data.get());
        std::copy_n(buffer.data.get(), pairs, packed + static_cast<std::size_t>(x) * stride);
    }
}
inline void winograd_transform_kernel(int m, const float* kernel, int cin, int cout, float* out, int threads) {
    if (m == 2) winograd_transform_kernel_m<2>(kernel, cin, cout, out, threads);
    else winograd_transform_kernel_m<4>(kernel, cin, cout, out, threads);
}

/// The Keras-layout kernel back from its transform (a left inverse of G on each side). Exact in
/// real arithmetic; in float it differs from the kernel that was transformed by rounding
/// (a few units in the last place of the kernel's largest values).
template <int M>
void winograd_restore_kernel_m(const float* packed, int cin, int cout, float* kernel) {
    constexpr int A = M + 2;
    const auto pairs = static_cast<std::size_t>(std::int64_t{cin} * cout);
    aligned_floats unpacked(A * A * pairs);
    float* transformed = unpacked.data.get();
    const auto stride = packed_gemm::size(cin, cout);
    for (int x = 0; x != A * A; ++x)
        packed_gemm::unpack(packed + x * stride, cin, cout, transformed + x * static_cast<std::ptrdiff_t>(pairs));
    for (std::size_t p = 0; p != pairs; ++p) {
        double u[A * A], rows[3 * A], g[9];
        for (int x = 0; x != A * A; ++x) u[x] = transformed[static_cast<std::size_t>(x) * pairs + p];
        for (int j = 0; j != A; ++j) winograd::restore_1d<M>(u + j, A, rows + j, A);   // rows[i][j], i over kh
        for (int i = 0; i != 3; ++i) winograd::restore_1d<M>(rows + i * A, 1, g + i * 3, 1);
        for (int t = 0; t != 9; ++t) kernel[static_cast<std::size_t>(t) * pairs + p] = static_cast<float>(g[t]);
    }
}
inline void winograd_restore_kernel(int m, const float* transformed, int cin, int cout, float* kernel) {
    if (m == 2) winograd_restore_kernel_m<2>(transformed, cin, cout, kernel);
    else winograd_restore_kernel_m<4>(transformed, cin, cout, kernel);
}

/// y = conv(x) + bias, activated, for a 3×3 stride-1 kernel transformed by
/// winograd_transform_kernel (into memory aligned to 64 bytes, as aligned_floats is: the
/// micro-kernel loads it with aligned loads). `pad_top`, `pad_left`: padding before (TF's
/// placement); the output's size says how much after.
template <int M>
void winograd_conv2d_m(dims in, dims out, int pad_top, int pad_left, activation_kind activation, tensor_view x, tensor_view y,
                       const float* transformed, const float* bias, workspace& ws) {
    constexpr int A = M + 2;
    constexpr int positions = A * A;
    const int cin = in.channels, cout = out.channels;
    const int tiles_h = (out.height + M - 1) / M, tiles_w = (out.width + M - 1) / M;
    const int tiles_per_sample = tiles_h * tiles_w;
    const std::int64_t total = std::int64_t{tiles_per_sample} * x.batch;
    const std::int64_t per_tile = std::int64_t{positions} * (cin + cout);
    const int threads = ws.threads();
    const auto kernel_at = [&](int xi) { return transformed + xi * packed_gemm::size(cin, cout); };
    // Per thread: A of each product packed (packed_gemm::multiply), then the chunk's V and M.
    const auto pack_floats = [&](std::int64_t count) { return packed_gemm::size(cin, count); };

    // Enough tiles for every thread to run whole chunks: each thread transforms its chunk's
    // input, multiplies and transforms the output while all of it is its own (no barrier).
    // A chunk's V and M fit the workspace's budget: the kernel is packed already, so fewer rows
    // per product cost little.
    const std::int64_t chunk_budget = static_cast<std::int64_t>(workspace::budget);
    const std::int64_t max_chunk = std::max<std::int64_t>(1, (chunk_budget - 16 * threads) / (per_tile + threads * cin));
    const std::int64_t chunk = std::min<std::int64_t>(max_chunk, (total + threads - 1) / threads);
    const std::int64_t chunks = (total + chunk - 1) / chunk;
    if (threads == 1 || chunks >= 2 * threads || chunk >= 64) {
        parallel_for(static_cast<std::size_t>(chunks), threads, [&](std::size_t c, int worker) {
            const std::int64_t t0 = static_cast<std::int64_t>(c) * chunk, count = std::min(chunk, total - t0);
            float* packed = ws.scratch(worker, static_cast<std::size_t>(pack_floats(count) + count * per_tile));
            float* v = packed + pack_floats(count);
            float* mm = v + count * positions * cin;
            winograd::transform_input<M>(x.data, in.height, in.width, cin, pad_top, pad_left, tiles_w, tiles_per_sample, t0, count,
                                         count, v);
            for (int xi = 0; xi != positions; ++xi)
                packed_gemm::multiply({v + xi * count * cin, cin}, kernel_at(xi), {mm + xi * count * cout, cout}, count, cout, cin,
                                      packed);
            winograd::transform_output<M>(mm, count, t0, count, out.height, out.width, cout, tiles_w, tiles_per_sample, bias,
                                          activation, y.data);
        });
        return;
    }
    // Few tiles (small maps): one chunk at a time, each step split over the threads: the input
    // transform and the output transform by tiles, the products by positions ξ (each thread reads
    // its share of the transformed kernel, which is what these layers are bound by).
    const std::int64_t step = max_chunk;
    for (std::int64_t t0 = 0; t0 < total; t0 += step) {
        const std::int64_t count = std::min(step, total - t0);
        float* packed = ws.scratch(0, static_cast<std::size_t>(threads * pack_floats(count) + count * per_tile));
        float* v = packed + threads * pack_floats(count);
        float* mm = v + count * positions * cin;
        const auto parts = static_cast<std::size_t>(std::min<std::int64_t>(threads, count));
        parallel_for(parts, threads, [&](std::size_t part, int) {
            auto [a, b] = split(static_cast<std::size_t>(count), parts, part);
            const auto k0 = static_cast<std::int64_t>(a);
            winograd::transform_input<M>(x.data, in.height, in.width, cin, pad_top, pad_left, tiles_w, tiles_per_sample, t0 + k0,
                                         static_cast<std::int64_t>(b - a), count, v + k0 * cin);
        });
        parallel_for(static_cast<std::size_t>(positions), threads, [&](std::size_t xi, int worker) {
            packed_gemm::multiply({v + static_cast<std::int64_t>(xi) * count * cin, cin}, kernel_at(static_cast<int>(xi)),
                                  {mm + static_cast<std::int64_t>(xi) * count * cout, cout}, count, cout, cin,
                                  packed + worker * pack_floats(count));
        });
        parallel_for(parts, threads, [&](std::size_t part, int) {
            auto [a, b] = split(static_cast<std::size_t>(count), parts, part);
            const auto k0 = static_cast<std::int64_t>(a);
            winograd::transform_output<M>(mm + k0 * cout, count, t0 + k0, static_cast<std::int64_t>(b - a), out.height, out.width, cout,
                                          tiles_w, tiles_per_sample, bias, activation, y.data);
        });
    }
}

inline void winograd_conv2d(int m, dims in, dims out, int pad_top, int pad_left, activation_kind activation, tensor_view x,
                            tensor_view y, const float* transformed, const float* bias, workspace& ws) {
    if (m == 2) winograd_conv2d_m<2>(in, out, pad_top, pad_left, activation, x, y, transformed, bias, ws);
    else winograd_conv2d_m<4>(in, out, pad_top, pad_left, activation, x, y, transformed, bias, ws);
    if (activation == activation_kind::softmax) softmax_rows(y.data, std::int64_t{out.height} * out.width * y.batch, out.channels);
}

}  // namespace ctnn::detail
