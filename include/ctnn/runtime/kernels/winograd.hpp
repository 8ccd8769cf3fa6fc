// Winograd convolution for 3×3, stride-1, undilated Conv2D: F(2×2, 3×3) and F(4×4, 3×3).
//
// A tile of m×m outputs reads an (m+2)×(m+2) input patch. Transformed, the patch (V = Bᵀ d B)
// and the kernel (U = G g Gᵀ) multiply element by element, and for all channels at once that is
// one matrix product per position ξ of the (m+2)² transformed positions:
//     M_ξ (tiles × Cout) = V_ξ (tiles × Cin) · U_ξ (Cin × Cout),
// then Y = Aᵀ M A gives the tile's outputs. F(2×2) does 16 multiply-adds per 4 outputs where
// direct convolution does 36 (2.25× fewer); F(4×4) 36 per 16 (4× fewer) at the price of larger
// transforms, a 4× larger transformed kernel and more rounding.
//
// Where the transformed kernel lives is a memory decision. A transform cannot be inverted
// exactly in floating point, and saving must give back the weights that were set, so a kept
// transform sits beside the Keras-layout kernel. Small kernels (FCN-8's blocks 1-2, ResNet50's
// stage 4) are transformed once, when the weights are set (runtime/network.hpp), and kept. Large
// ones (VGG's blocks 3-5: 9.4 MB each, 17-38 MB transformed) are transformed again by every call,
// one block of output channels at a time into a few hundred KB that stay in cache: reading the Keras-layout
// kernel costs what reading a kept transform would, and memory holds the kernel once.
// The GEMMs are ordinary dense products on ctnn's micro-kernel (tile_gemm.hpp), reading the
// transformed input where it lies.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include <ctnn/options.hpp>
#include <ctnn/runtime/kernels/activation.hpp>
#include <ctnn/runtime/kernels/gemm.hpp>
#include <ctnn/runtime/kernels/tile_gemm.hpp>
#include <ctnn/runtime/parallel.hpp>
#include <ctnn/runtime/tensor.hpp>
#include <ctnn/runtime/workspace.hpp>

namespace ctnn::detail {

/// The most floats of a transform kept beside the kernel (4× its size for F(4×4), 1.8× for
/// F(2×2)): 4 MiB, F(2×2) of 256×256 channels. Larger kernels are transformed by each call
/// instead (see the top of this file). A bound on Cin·Cout of 128×128 for both tiles, as before,
/// sent ResNet50's six 14×14×256 layers to direct convolution (a transform by each call does not
/// pay on 49 tiles); kept, they made the whole model 6% faster at batch 1 and 8% at batch 8 (1
/// thread, Intel Xeon), for 25 MB of transforms (its peak RSS 212 → 222 MiB at batch 1).
inline constexpr std::int64_t winograd_kept_max_floats = std::int64_t{16} * 256 * 256;
constexpr bool winograd_kept(int m, int cin, int cout) { return std::int64_t{m + 2} * (m + 2) * cin * cout <= winograd_kept_max_floats; }

/// Output tile size (2 or 4) for a convolution's static shapes, or 0 for direct convolution.
/// The cost model: Winograd pays off once the channel products dominate the transforms, which
/// grow with Cin + Cout while the products grow with Cin·Cout; so it needs both channel counts
/// large enough (few input channels, as in a first layer, gain nothing). F(4×4) does 4× fewer
/// multiply-adds than direct convolution and F(2×2) 2.25× fewer; F(4×4) needs maps of a few
/// tiles per side (on a 14×14 map most 4×4 tiles are cut by the border and it is no faster).
/// A kernel transformed by each call must also save at least two thirds of the direct products,
/// so that the transform (as many operations as a few tiles' products) is paid for: on a 7×7
/// map F(2×2)'s 16 tiles do 256 products per channel pair where direct convolution does 441,
/// and ResNet50's 7×7×512 layers took 2.5 ms that way against 1.7 direct (products of 16
/// rows); on 14×14, 784 against 1764, and its six 14×14×256 layers took 6.5 ms against 6.3
/// direct, VGG16's block5 13.7 against 13.0 (1 thread; the same on 2).
/// A kept kernel must save at least half of them: where tiles are few, the time goes to reading
/// the transformed kernel (F(2×2)'s is 16/9 the size of the kernel, read in 16 products of few
/// rows, each over its own part of it), not to the arithmetic. In DenseNet121
/// (suite_densenet121 --layers, batch 1), its sixteen 7×7 layers of 128 → 32
/// channels (256 against 441, 1.7× fewer) took 0.8 ms by F(2×2) and 0.56 direct on 1 thread,
/// 0.62-0.67 and 0.39-0.40 on 2 (1.3 and 0.93 by F(2×2) before its products fetched the next
/// position's kernel). Its twenty-four 14×14 ones (2.25× fewer) keep F(2×2): 2.2 ms against 3.1
/// direct on 1 thread, 1.4 against 1.6 on 2; ResNet50's six 14×14×256 ones 6.8-7.1 against 10.2
/// on 1 thread, 3.4 against 5.1 on 2.
constexpr int winograd_tile(int kernel_h, int kernel_w, int stride_h, int stride_w, int dilation_h, int dilation_w, int groups,
                            int out_h, int out_w, int cin, int cout) {
    if (kernel_h != 3 || kernel_w != 3 || stride_h != 1 || stride_w != 1 || dilation_h != 1 || dilation_w != 1 || groups != 1)
        return 0;
    if (cin < 16 || cout < 16 || out_h < 4 || out_w < 4) return 0;
    const int m = out_h >= 16 && out_w >= 16 ? 4 : 2;
    const std::int64_t direct = std::int64_t{9} * out_h * out_w;
    const std::int64_t transformed = std::int64_t{m + 2} * (m + 2) * ((out_h + m - 1) / m) * ((out_w + m - 1) / m);
    if (winograd_kept(m, cin, cout) ? 2 * transformed > direct : 3 * transformed > direct) return 0;
    return m;
}
/// Floats of a transformed kernel: (m+2)² positions of Cin × Cout, each packed for the
/// micro-kernel (tile_gemm.hpp).
constexpr std::int64_t winograd_kernel_floats(int m, int cin, int cout) {
    return std::int64_t{m + 2} * (m + 2) * tile_gemm::size(cin, cout);
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
    // An activation neither in_packets nor softmax (softmax is a pass over whole rows, after the
    // transform): one value at a time, as each pixel is written.
    const bool one_by_one = !in_packets(activation) && activation != activation_kind::softmax;
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
            // The bias and an activation that is in_packets, in packets (others after, one value
            // at a time). One value at a time, a call each (ReLU's loop apart), DenseNet121's 3×3
            // layers (no activation) took 12.5-13.1 ms of a prediction on 1 thread; so, 11.8-12.1.
            const row_packets layout(nc);
            with_packet_activation(activation, [&](auto f) {
                for (int p = 0; p != rows_in; ++p)
                    for (int q = 0; q != cols_in; ++q) {
                        const float* src = result + (p * M + q) * channel_block;
                        float* dst = ys + (std::int64_t{oh0 + p} * out_w + ow0 + q) * cout + c0;
                        if (bias == nullptr) map_row(src, dst, layout, [&](auto v, std::int64_t) { return f(v); });
                        else
                            map_row(src, dst, layout, [&]<class P>(P v, std::int64_t c) {
                                return f(Eigen::internal::padd(v, Eigen::internal::ploadu<P>(bias + c0 + c)));
                            });
                        if (one_by_one)
                            for (int c = 0; c != nc; ++c) dst[c] = activate(dst[c], activation);
                    }
            });
        }
    }
}

/// How a layer's output is cut into m×m tiles, numbered over the batch, row by row.
struct tiling {
    int tiles_w, tiles_per_sample;
    std::int64_t total;
};
template <int M>
tiling tiling_of(dims out, int batch) {
    const int tiles_w = (out.width + M - 1) / M, per_sample = ((out.height + M - 1) / M) * tiles_w;
    return {tiles_w, per_sample, std::int64_t{per_sample} * batch};
}

/// transform_input for tiles [t0, t0 + count), split over threads by tiles, into v laid out as
/// [ξ][tile - t0][Cin].
template <int M>
void transform_inputs(tensor_view x, int pad_top, int pad_left, const tiling& t, std::int64_t t0, std::int64_t count, float* v, int threads) {
    const int cin = x.shape.channels;
    const auto parts = static_cast<std::size_t>(std::min<std::int64_t>(threads, count));
    parallel_for(parts, threads, [&](std::size_t part, int) {
        auto [a, b] = split(static_cast<std::size_t>(count), parts, part);
        const auto k0 = static_cast<std::int64_t>(a);
        transform_input<M>(x.data, x.shape.height, x.shape.width, cin, pad_top, pad_left, t.tiles_w, t.tiles_per_sample, t0 + k0,
                           static_cast<std::int64_t>(b - a), count, v + k0 * cin);
    });
}
/// transform_output for tiles [t0, t0 + count) from M laid out as [ξ][tile - t0][Cout], split
/// over threads by tiles.
template <int M>
void transform_outputs(const float* mm, const tiling& t, std::int64_t t0, std::int64_t count, const float* bias, activation_kind activation,
                       tensor_view y, int threads) {
    const int cout = y.shape.channels;
    const auto parts = static_cast<std::size_t>(std::min<std::int64_t>(threads, count));
    parallel_for(parts, threads, [&](std::size_t part, int) {
        auto [a, b] = split(static_cast<std::size_t>(count), parts, part);
        const auto k0 = static_cast<std::int64_t>(a);
        transform_output<M>(mm + k0 * cout, count, t0 + k0, static_cast<std::int64_t>(b - a), y.shape.height, y.shape.width, cout,
                            t.tiles_w, t.tiles_per_sample, bias, activation, y.data);
    });
}

}  // namespace winograd

/// U = G g Gᵀ for every (Cin, Cout) pair: `kernel` in Keras' layout (3, 3, Cin, Cout) to
/// `out` as [ξ] of the Cin × Cout matrix U_ξ, packed (tile_gemm::pack). The pairs are split
/// over `threads`.
template <int M>
void winograd_transform_kernel_m(const float* kernel, int cin, int cout, float* packed, int threads) {
    constexpr int A = M + 2;
    const auto pairs = static_cast<std::size_t>(std::int64_t{cin} * cout);
    const auto stride = static_cast<std::size_t>(tile_gemm::size(cin, cout));
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
    aligned_floats buffer(stride);
    for (int x = 0; x != A * A; ++x) {
        tile_gemm::pack(packed + static_cast<std::size_t>(x) * stride, cin, cout, cout, buffer.data.get());
        std::copy_n(buffer.data.get(), stride, packed + static_cast<std::size_t>(x) * stride);
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
    const auto stride = tile_gemm::size(cin, cout);
    for (int x = 0; x != A * A; ++x)
        tile_gemm::unpack(packed + x * stride, cin, cout, transformed + x * static_cast<std::ptrdiff_t>(pairs));
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
    const winograd::tiling tiling = winograd::tiling_of<M>(out, x.batch);
    const int tiles_w = tiling.tiles_w, tiles_per_sample = tiling.tiles_per_sample;
    const std::int64_t total = tiling.total;
    const std::int64_t per_tile = std::int64_t{positions} * (cin + cout);
    const int threads = threads_for(total * positions * cin * cout, ws.threads());
    const auto kernel_at = [&](int xi) { return transformed + xi * tile_gemm::size(cin, cout); };

    // Each thread takes whole chunks of tiles: it transforms a chunk's input, multiplies
    // (M_ξ = V_ξ · U_ξ, count tiles × Cin times Cin × Cout, V_ξ read where it lies) and
    // transforms the output while all of it is its own, with no barrier between the steps. A
    // chunk's V and M fit the workspace's budget: the kernel is packed already, so fewer rows per
    // product cost little. Small maps get one chunk per thread: DenseNet121's 24 layers of 14×14
    // (49 tiles, 128 → 32 channels) took 0.84 ms that way on 2 threads, 0.91 with each step split
    // over the threads in turn (three barriers; the products by positions ξ), 1.42 on 1 thread.
    const std::int64_t max_chunk = std::max<std::int64_t>(1, static_cast<std::int64_t>(workspace::budget) / per_tile);
    const std::int64_t chunk = std::min<std::int64_t>(max_chunk, (total + threads - 1) / threads);
    const std::int64_t chunks = (total + chunk - 1) / chunk;
    parallel_for(static_cast<std::size_t>(chunks), threads, [&](std::size_t c, int worker) {
        const std::int64_t t0 = static_cast<std::int64_t>(c) * chunk, count = std::min(chunk, total - t0);
        float* v = ws.scratch(worker, static_cast<std::size_t>(count * per_tile));
        float* mm = v + count * positions * cin;
        winograd::transform_input<M>(x.data, in.height, in.width, cin, pad_top, pad_left, tiles_w, tiles_per_sample, t0, count, count, v);
        // Each product fetches the first panel of the next position's kernel as it goes, as it
        // fetches its own next panels: with few tiles, reading the kernel from memory, not the
        // arithmetic, sets a product's time.
        for (int xi = 0; xi != positions; ++xi)
            tile_gemm::multiply(v + xi * count * cin, cin, kernel_at(xi), cout, 0, cout, mm + xi * count * cout, cout, count, cin, nullptr,
                                activation_kind::linear, false, nullptr, xi + 1 != positions ? kernel_at(xi + 1) : nullptr, cin);
        winograd::transform_output<M>(mm, count, t0, count, out.height, out.width, cout, tiles_w, tiles_per_sample, bias, activation,
                                      y.data);
    });
}

inline void winograd_conv2d(int m, dims in, dims out, int pad_top, int pad_left, activation_kind activation, tensor_view x,
                            tensor_view y, const float* transformed, const float* bias, workspace& ws) {
    if (m == 2) winograd_conv2d_m<2>(in, out, pad_top, pad_left, activation, x, y, transformed, bias, ws);
    else winograd_conv2d_m<4>(in, out, pad_top, pad_left, activation, x, y, transformed, bias, ws);
    if (activation == activation_kind::softmax) softmax_rows(y.data, std::int64_t{out.height} * out.width * y.batch, out.channels, ws.threads());
}

// ---- Kernels transformed by each call ----------------------------------------------------------

namespace winograd {

/// u = G g over `n` lanes (output channels) at once, in float: 3 rows of lanes to m+2.
template <int M>
inline void kernel_lanes(const float* g0, const float* g1, const float* g2, float* u, std::int64_t us, int n) {
    for (int c = 0; c != n; ++c) {
        const float a = g0[c], b = g1[c], d = g2[c];
        if constexpr (M == 2) {
            u[c] = a, u[us + c] = 0.5f * (a + b + d), u[2 * us + c] = 0.5f * (a - b + d), u[3 * us + c] = d;
        } else {
            const float even = a + d, quarter = a * (1.0f / 24.0f) + d * (1.0f / 6.0f);
            u[c] = 0.25f * a;
            u[us + c] = -(even + b) * (1.0f / 6.0f);
            u[2 * us + c] = -(even - b) * (1.0f / 6.0f);
            u[3 * us + c] = quarter + b * (1.0f / 12.0f);
            u[4 * us + c] = quarter - b * (1.0f / 12.0f);
            u[5 * us + c] = d;
        }
    }
}

/// Lanes the block transform handles (at least gemm.hpp's micro-kernel panel width).
inline constexpr int block_lanes = 64;

/// U_ξ for input channels [i0, i0 + d) and output channels [c0, c0 + w) of a Keras-layout
/// kernel (3, 3, Cin, Cout), into `u` as [ξ] of d rows of `pitch` floats (w values, then zeros),
/// `stride` floats apart (w ≤ pitch ≤ block_lanes).
template <int M>
void transform_kernel_block(const float* kernel, int cin, int cout, int i0, int d, std::int64_t c0, int w, int pitch, float* u,
                            std::int64_t stride) {
    constexpr int A = M + 2;
    const std::int64_t pairs = std::int64_t{cin} * cout;
    alignas(64) float rows[A * 3 * block_lanes];  // rows[a][j]: G applied over kh
    alignas(64) float out[A * A * block_lanes];
    for (int r = 0; r != d; ++r) {
        const float* g = kernel + std::int64_t{i0 + r} * cout + c0;
        for (int j = 0; j != 3; ++j) kernel_lanes<M>(g + j * pairs, g + (3 + j) * pairs, g + (6 + j) * pairs, rows + j * block_lanes, 3 * block_lanes, w);
        for (int a = 0; a != A; ++a)
            kernel_lanes<M>(rows + (a * 3) * block_lanes, rows + (a * 3 + 1) * block_lanes, rows + (a * 3 + 2) * block_lanes,
                            out + a * A * block_lanes, block_lanes, w);
        for (int x = 0; x != A * A; ++x) {
            float* row = u + x * stride + std::int64_t{r} * pitch;
            std::memcpy(row, out + x * block_lanes, sizeof(float) * static_cast<std::size_t>(w));
            std::fill(row + w, row + pitch, 0.0f);
        }
    }
}

/// Output channels per block of a streamed kernel transform: one panel of tile_gemm.hpp, whose
/// packed form (up to its depth block) is its row-major matrix, zero-padded to the panel's
/// width: so U_ξ is written packed.
inline constexpr std::int64_t panel = tile_gemm::width;
static_assert(panel <= block_lanes);
/// Input channels per slice of a block: a slice's U_ξ at every position (what one transform
/// step writes and the products then read) stays within ~192 KiB, in L2. Whole blocks (1.5-3.5
/// MB for 512 input channels) went out to L3 and back.
constexpr int depth_slice(int m, int cin) {
    const auto fit = static_cast<int>(std::int64_t{192 * 1024 / 4} / (std::int64_t{m + 2} * (m + 2) * panel));
    // At most one depth block of tile_gemm, so that the slice's packed form is its row-major matrix
    // (narrow panels, as SSE's 8 columns, would otherwise allow deeper slices).
    return std::min(std::clamp(fit / 8 * 8, 8, std::max(cin, 8)), static_cast<int>(tile_gemm::depth_block));
}
/// Floats of one thread's U_ξ for a slice of a block (all positions).
constexpr std::int64_t streamed_u_floats(int m, int cin) {
    return std::int64_t{m + 2} * (m + 2) * depth_slice(m, cin) * panel;
}
/// Floats of a pass over `tiles` tiles: their V_ξ and M_ξ, each rounded up to 64 bytes (the
/// transformed blocks follow, read by aligned loads).
constexpr std::int64_t streamed_pass_floats(int m, int cin, int cout, std::int64_t tiles) {
    const std::int64_t positions = std::int64_t{m + 2} * (m + 2);
    return (positions * tiles * cin + 15) / 16 * 16 + (positions * tiles * cout + 15) / 16 * 16;
}
}  // namespace winograd

/// Floats winograd_conv2d_streamed can use in its `spare` memory: all its tiles in one pass, and
/// each thread's transformed block. With less, the blocks go to the threads' scratch, then the
/// tiles are taken in several passes (each transforming the kernel again).
constexpr std::int64_t winograd_streamed_floats(int m, int cin, int cout, std::int64_t tiles, int threads) {
    return winograd::streamed_pass_floats(m, cin, cout, tiles) + threads * winograd::streamed_u_floats(m, cin);
}

/// winograd_conv2d for a kernel kept in Keras' layout (3, 3, Cin, Cout), transformed as it goes.
/// A pass over a run of tiles: their patches transformed and packed for the micro-kernel; then,
/// per thread, for each block of output channels of its share and each slice of input channels,
/// the slice's U_ξ (all positions) and its products summed into M_ξ = V_ξ · U_ξ; then the outputs. Works in `spare` (memory the caller does
/// not need meanwhile: the network lends the part of the activation arena no live tensor holds
/// while this layer runs) as far as it goes, then in the threads' scratch.
template <int M>
void winograd_conv2d_streamed_m(dims in, dims out, int pad_top, int pad_left, activation_kind activation, tensor_view x, tensor_view y,
                                const float* kernel, const float* bias, std::span<float> spare, workspace& ws) {
    using winograd::panel;
    constexpr int A = M + 2;
    constexpr int positions = A * A;
    const int cin = in.channels, cout = out.channels;
    const winograd::tiling tiling = winograd::tiling_of<M>(out, x.batch);
    const std::int64_t total = tiling.total;
    const int threads = ws.threads();
    const int column_threads = static_cast<int>(std::min<std::int64_t>(threads, (cout + panel - 1) / panel));
    const std::int64_t u_floats = winograd::streamed_u_floats(M, cin);
    const auto pass_floats = [&](std::int64_t tiles) { return winograd::streamed_pass_floats(M, cin, cout, tiles); };
    const auto most_tiles = [&](std::int64_t floats) {  // the most tiles a pass can take in `floats`
        std::int64_t lo = 0, hi = total;
        while (lo < hi) {
            const std::int64_t mid = (lo + hi + 1) / 2;
            if (pass_floats(mid) <= floats) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    };
    // Where the pass and the transformed blocks go, in order of preference: all in `spare`; the
    // pass in `spare` and the blocks in the threads' scratch; passes of fewer tiles in `spare`;
    // passes in thread 0's scratch, which then holds its block too.
    const auto spare_floats = static_cast<std::int64_t>(spare.size());
    const std::int64_t least = std::min<std::int64_t>(total, 64);
    std::int64_t per_pass = total;
    float* region = spare.data();
    bool blocks_in_region = true;
    if (pass_floats(total) + column_threads * u_floats > spare_floats) {
        blocks_in_region = false;
        if (pass_floats(total) > spare_floats) {
            per_pass = most_tiles(spare_floats);
            if (per_pass < least) {
                per_pass = std::max(least, most_tiles(static_cast<std::int64_t>(4 * workspace::budget)));
                region = ws.scratch(0, static_cast<std::size_t>(pass_floats(per_pass) + u_floats));
            }
        }
    }
    const auto block_buffer = [&](int worker, float* u_all) -> float* {
        if (blocks_in_region) return u_all + worker * u_floats;
        if (region != spare.data() && worker == 0) return u_all;  // thread 0's scratch holds the pass and its block
        return ws.scratch(worker, static_cast<std::size_t>(u_floats));
    };
    const int slice = winograd::depth_slice(M, cin);
    const std::int64_t u_stride = std::int64_t{slice} * panel;

    for (std::int64_t t0 = 0; t0 < total; t0 += per_pass) {
        const std::int64_t count = std::min(per_pass, total - t0);
        float* v = region;                                                 // V_ξ: [ξ][tile][input channel]
        float* mm = v + (std::int64_t{positions} * count * cin + 15) / 16 * 16;  // M_ξ: [ξ][tile][output channel]
        float* u_all = region + pass_floats(count);
        winograd::transform_inputs<M>(x, pad_top, pad_left, tiling, t0, count, v, threads);
        parallel_for(static_cast<std::size_t>(column_threads), column_threads, [&](std::size_t part, int worker) {
            const auto [c_begin, c_end] = tile_gemm::column_part(cout, static_cast<std::size_t>(column_threads), part);
            float* u = block_buffer(worker, u_all);
            for (std::int64_t c0 = c_begin; c0 < c_end; c0 += panel) {
                const int w = static_cast<int>(std::min(panel, c_end - c0));
                // The block a slice of input channels at a time: each slice's transform is summed
                // into M_ξ while it is in cache.
                for (int i0 = 0; i0 < cin; i0 += slice) {
                    const int d = std::min(slice, cin - i0);
                    winograd::transform_kernel_block<M>(kernel, cin, cout, i0, d, c0, w, static_cast<int>(panel), u, u_stride);
                    for (int xi = 0; xi != positions; ++xi)
                        tile_gemm::multiply(v + xi * count * cin + i0, cin, u + xi * u_stride, w, 0, w, mm + xi * count * cout + c0, cout, count,
                                            d, nullptr, activation_kind::linear, i0 != 0);
                }
            }
        });
        winograd::transform_outputs<M>(mm, tiling, t0, count, bias, activation, y, threads);
    }
    if (activation == activation_kind::softmax) softmax_rows(y.data, std::int64_t{out.height} * out.width * y.batch, out.channels, ws.threads());
}

inline void winograd_conv2d_streamed(int m, dims in, dims out, int pad_top, int pad_left, activation_kind activation, tensor_view x,
                                     tensor_view y, const float* kernel, const float* bias, std::span<float> spare, workspace& ws) {
    if (m == 2) winograd_conv2d_streamed_m<2>(in, out, pad_top, pad_left, activation, x, y, kernel, bias, spare, ws);
    else winograd_conv2d_streamed_m<4>(in, out, pad_top, pad_left, activation, x, y, kernel, bias, spare, ws);
}

}  // namespace ctnn::detail
