// Depthwise, grouped and separable convolutions on the CPU: a direct loop over output pixels.
//
// A depthwise convolution does kh·kw multiply-adds per output value, so it is bound by memory,
// not arithmetic: im2col would multiply the traffic by kh·kw for nothing. In NHWC each tap is a
// contiguous run of channels in the input, the kernel and the output alike, so the inner loop
// runs over channels and vectorises. DepthwiseConv2D is the grouped convolution with one input
// channel per group, and Keras lays out both kernels alike ((kh, kw, Cin, m) and
// (kh, kw, Cin/g, Cout) flatten to the same order), so one kernel serves both. Groups of 8 or
// more input channels have enough arithmetic per value for matrix products: grouped_conv2d_gemm.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include <ctnn/layers/conv2d.hpp>
#include <ctnn/layers/depthwise_conv2d.hpp>
#include <ctnn/layers/separable_conv2d.hpp>
#include <ctnn/rules/placement.hpp>
#include <ctnn/runtime/kernels/activation.hpp>
#include <ctnn/runtime/kernels/conv2d.hpp>
#include <ctnn/runtime/kernels/gemm.hpp>
#include <ctnn/runtime/kernels/tile_gemm.hpp>
#include <ctnn/runtime/kernels/winograd.hpp>
#include <ctnn/runtime/parallel.hpp>
#include <ctnn/runtime/tensor.hpp>

namespace ctnn::detail {

/// y = grouped conv(x) + bias, activated: output channel o of group j = o / (Cout/g) reads input
/// channels [j·Cin/g, (j+1)·Cin/g). `kernel` is (kh, kw, Cin/g, Cout).
[[gnu::noinline]] inline void grouped_conv2d(const conv2d_op& op, int groups, tensor_view x, tensor_view y, const float* kernel,
                                             const float* bias, int threads) {
    const int cin = op.in.channels, cout = op.out.channels;
    const int per_group_in = cin / groups, per_group_out = cout / groups;
    const std::int64_t tap_size = std::int64_t{per_group_in} * cout;
    const std::int64_t rows = std::int64_t{y.batch} * op.out.height;
    threads = threads_for(rows * op.out.width * cout * per_group_in * op.kernel.height * op.kernel.width, threads);
    parallel_for(static_cast<std::size_t>(rows), threads, [&](std::size_t r, int) {
        const int n = static_cast<int>(static_cast<std::int64_t>(r) / op.out.height);
        const int oh = static_cast<int>(static_cast<std::int64_t>(r) % op.out.height);
        float* row = y.sample(n) + std::int64_t{oh} * op.out.width * cout;
        for (int ow = 0; ow != op.out.width; ++ow) {
            float* dst = row + std::int64_t{ow} * cout;
            if (bias != nullptr) std::memcpy(dst, bias, sizeof(float) * static_cast<std::size_t>(cout));
            else std::memset(dst, 0, sizeof(float) * static_cast<std::size_t>(cout));
            for (int kh = 0; kh != op.kernel.height; ++kh) {
                const auto ih = rules::window_tap_position(oh, kh, op.stride.height, op.dilation.height, op.pad_top);
                if (ih < 0 || ih >= op.in.height) continue;
                for (int kw = 0; kw != op.kernel.width; ++kw) {
                    const auto iw = rules::window_tap_position(ow, kw, op.stride.width, op.dilation.width, op.pad_left);
                    if (iw < 0 || iw >= op.in.width) continue;
                    const float* src = x.sample(n) + (ih * op.in.width + iw) * cin;
                    const float* k = kernel + (std::int64_t{kh} * op.kernel.width + kw) * tap_size;
                    if (per_group_in == 1 && per_group_out == 1) {
                        for (int c = 0; c != cout; ++c) dst[c] += src[c] * k[c];  // depthwise, multiplier 1
                    } else if (per_group_in == 1) {
                        for (int c = 0; c != cin; ++c) {  // depthwise, multiplier m: outputs c·m + j
                            const float v = src[c];
                            float* d = dst + std::int64_t{c} * per_group_out;
                            const float* kc = k + std::int64_t{c} * per_group_out;
                            for (int j = 0; j != per_group_out; ++j) d[j] += v * kc[j];
                        }
                    } else {
                        for (int g = 0; g != groups; ++g) {
                            float* d = dst + std::int64_t{g} * per_group_out;
                            for (int ci = 0; ci != per_group_in; ++ci) {
                                const float v = src[g * per_group_in + ci];
                                const float* kc = k + std::int64_t{ci} * cout + std::int64_t{g} * per_group_out;
                                for (int j = 0; j != per_group_out; ++j) d[j] += v * kc[j];
                            }
                        }
                    }
                }
            }
        }
        bias_activate(row, cout, 0, op.out.width, 0, cout, nullptr, op.activation);
    });
    if (op.activation == activation_kind::softmax) softmax_rows(y.data, std::int64_t{op.out.height} * op.out.width * y.batch, cout, threads);
}

/// Where depthwise_window_row's values lie: `channels` of them, input pixels `in_step` floats
/// apart, output pixels `out_step`, one tap's weights and the next `kernel_step`.
struct depthwise_row_layout {
    std::int64_t channels, in_step, out_step, kernel_step;
};
/// One output row of a depthwise convolution with a K×K window, multiplier 1 and no dilation
/// (MobileNet's and PP-OCR's 3×3 and 5×5, at any stride). `rows[kh]` is input row oh·sh − pt + kh
/// (where its first pixel's first channel lies), or null where that row lies outside the input:
/// rows are handed in, not found, so that they may come from the input map or from a band of
/// rows a row producer just computed (depthwise_conv2d_window_produced). Per block of channels
/// (a packet, 16 with AVX-512, then half of one, then 1 at a time), the K·K weight vectors are
/// loaded once; the accumulators stay in registers for all K·K taps, four output pixels at a
/// time where the windows' columns lie inside the input (no bounds checks; a window row outside
/// the input skipped whole), one at a time with checks at the left and right borders. The bias
/// starts the sums; the activation is applied to each finished row, while it is in cache.
/// `map` (scale null if none), indexed as the bias: applied to each sum after the activation,
/// before it is stored, where the activation is in_packets (folding.hpp's output_affine:
/// PP-OCRv4's Rescaling after each hard SiLU); else left to the caller, after its last pass.
template <int K>
[[gnu::noinline]] inline void depthwise_window_row(const conv2d_op& op, const inside_columns& inside, const float* const* rows, float* yrow,
                                                   const float* kernel, const float* bias, const depthwise_row_layout& at,
                                                   const channel_map& map = {}) {
    // Eigen's packets (kernels/packets.hpp's packet_of_lanes): GCC's vector extension, used
    // here before, is split by Clang 14 into halves on Intel CPUs it tunes for 256-bit vectors.
    namespace ei = Eigen::internal;
    const int in_w = op.in.width, out_w = op.out.width;
    const int sw = op.stride.width, pl = op.pad_left;
    const std::int64_t is = at.in_step, os = at.out_step, ks = at.kernel_step;
    const int first_inside = inside.first, inside_end = inside.end;
    const activation_kind act = op.activation;

    auto block = [&]<int lanes>(std::integral_constant<int, lanes>, std::int64_t c0) {
        using V = decltype(packet_of_lanes<lanes>());
        V w[K * K];
        for (int t = 0; t != K * K; ++t) w[t] = ei::ploadu<V>(kernel + t * ks + c0);
        const V b = bias != nullptr ? ei::ploadu<V>(bias + c0) : ei::pset1<V>(0.0f);
        // Activations that are in_packets on the sums, before they are stored (the others after
        // the row), then the output map.
        const bool mapped = map.scale != nullptr && in_packets(act);
        const V ms = mapped ? ei::ploadu<V>(map.scale + c0) : ei::pset1<V>(1.0f);
        const V mh = mapped ? ei::ploadu<V>(map.shift + c0) : ei::pset1<V>(0.0f);
        auto store = [&](float* to, V v) {
            v = activate_packet(v, act);
            ei::pstoreu(to, mapped ? ei::pmadd(v, ms, mh) : v);
        };
        // One output pixel, taps outside the input skipped; a sum per kernel column, so that its
        // K·K multiply-adds are K chains rather than one that waits on each one's latency
        // (PP-OCRv4's 20×20 maps with 5×5 windows have a third of their pixels on a border, and
        // its top and bottom two rows went this way too: 20×20×384 alone took 0.108-0.110 ms on 1
        // thread and 0.054-0.055 on 2; with these sums, those rows by fours, and each column
        // loaded once, 0.085-0.088 and 0.045).
        auto one = [&](int ow) {
            V part[K];
            part[0] = b;
            for (int kw = 1; kw != K; ++kw) part[kw] = ei::pset1<V>(0.0f);
            for (int kh = 0; kh != K; ++kh) {
                if (rows[kh] == nullptr) continue;
                for (int kw = 0; kw != K; ++kw) {
                    const int iw = ow * sw - pl + kw;
                    if (iw < 0 || iw >= in_w) continue;
                    part[kw] = ei::pmadd(ei::ploadu<V>(rows[kh] + iw * is + c0), w[kh * K + kw], part[kw]);
                }
            }
            for (int kw = 1; kw != K; ++kw) part[0] = ei::padd(part[0], part[kw]);
            store(yrow + ow * os + c0, part[0]);
        };
        // Four output pixels whose windows lie inside the input's columns, no bounds checks; a
        // window row outside the input (the top and bottom rows' padding) is skipped whole. At
        // stride S = 1 or 2 the four windows overlap, and each input column of a window row is
        // loaded once for every pixel that reads it (a 5×5 row: 8 loads for 20 multiply-adds,
        // where loading per tap took 20); S = 0: another stride, loaded per tap.
        int ow = 0;
        for (; ow != first_inside; ++ow) one(ow);
        auto four = [&]<int S>(std::integral_constant<int, S>) {
            for (; ow + 4 <= inside_end; ow += 4) {
                V a[4] = {b, b, b, b};
#pragma GCC unroll 8
                for (int kh = 0; kh != K; ++kh) {
                    if (rows[kh] == nullptr) continue;
                    const float* s = rows[kh] + c0 + (ow * sw - pl) * is;
                    if constexpr (S != 0) {
                        V col[3 * S + K];
#pragma GCC unroll 16
                        for (int i = 0; i != 3 * S + K; ++i) col[i] = ei::ploadu<V>(s + i * is);
#pragma GCC unroll 8
                        for (int kw = 0; kw != K; ++kw)
#pragma GCC unroll 4
                            for (int q = 0; q != 4; ++q) a[q] = ei::pmadd(col[q * S + kw], w[kh * K + kw], a[q]);
                    } else {
#pragma GCC unroll 8
                        for (int kw = 0; kw != K; ++kw)
#pragma GCC unroll 4
                            for (int q = 0; q != 4; ++q) a[q] = ei::pmadd(ei::ploadu<V>(s + (q * sw + kw) * is), w[kh * K + kw], a[q]);
                    }
                }
                float* d = yrow + ow * os + c0;
#pragma GCC unroll 4
                for (int q = 0; q != 4; ++q) store(d + q * os, a[q]);
            }
        };
        if (sw == 1) four(std::integral_constant<int, 1>{});
        else if (sw == 2) four(std::integral_constant<int, 2>{});
        else four(std::integral_constant<int, 0>{});
        for (; ow != out_w; ++ow) one(ow);
    };
    // Blocks of the widest packet, then of its half (16 and 8 channels with AVX-512), then one.
    const std::int64_t channels = at.channels;
    std::int64_t c = 0;
    for (; c + packet_lanes <= channels; c += packet_lanes) block(std::integral_constant<int, packet_lanes>{}, c);
    if constexpr (half_packet_lanes < packet_lanes)
        for (; c + half_packet_lanes <= channels; c += half_packet_lanes) block(std::integral_constant<int, half_packet_lanes>{}, c);
    for (; c != channels; ++c) block(std::integral_constant<int, 1>{}, c);
    // Other activations once per row, while the row is in cache: per block it cost a call
    // per 16 values (0.7 ms of MobileNetV2's 6).
    if (!in_packets(act)) bias_activate(yrow, os, 0, out_w, 0, channels, nullptr, act);
}

/// The work a depthwise layer is weighed at when it decides its threads, in products: each of its
/// multiply-adds counts as 8, since one runs at a quarter of a product's speed or less (~60
/// GFLOP/s) and reads its input from the cache of the core that wrote it; weighed like a
/// product's, MobileNetV2's depthwise layers all stayed on one thread.
constexpr std::int64_t depthwise_work(std::int64_t pixels, std::int64_t channels, int k) { return 8 * pixels * channels * k * k; }

/// y = depthwise conv(x) + bias, activated, by depthwise_window_row, the rows read from x; then
/// mapped by `map` (scale null if none), with the sums where the activation is in_packets.
template <int K>
[[gnu::noinline]] inline void depthwise_conv2d_window(const conv2d_op& op, tensor_view x, tensor_view y, const float* kernel,
                                                      const float* bias, int threads, const channel_map& map = {}) {
    const inside_columns inside = inside_columns_of(op, K);
    const std::int64_t row_floats = std::int64_t{op.in.width} * op.in.channels, cs = op.in.channels;
    const std::int64_t pixels = std::int64_t{y.batch} * op.out.height * op.out.width;
    for_each_output_row(y, depthwise_work(pixels, cs, K), threads, [&](int n, int oh) {
        const float* rows[K];
        for (int kh = 0, ih = oh * op.stride.height - op.pad_top; kh != K; ++kh, ++ih)
            rows[kh] = ih >= 0 && ih < op.in.height ? x.sample(n) + ih * row_floats : nullptr;
        depthwise_window_row<K>(op, inside, rows, y.sample(n) + std::int64_t{oh} * op.out.width * cs, kernel, bias, {cs, cs, cs, cs}, map);
    });
    if (op.activation == activation_kind::softmax) softmax_rows(y.data, pixels, op.in.channels, threads);
    if (map.scale != nullptr && !in_packets(op.activation)) map_output(y.data, pixels, op.in.channels, map, threads);
}

/// A depthwise convolution (multiplier `multiplier`): by depthwise_conv2d_window where it applies, else
/// grouped_conv2d; its output then mapped by `map` (scale null if none).
inline void depthwise_conv2d(const conv2d_op& op, int multiplier, tensor_view x, tensor_view y, const float* kernel,
                             const float* bias, int threads, const channel_map& map = {}) {
    const bool window = multiplier == 1 && op.kernel.height == op.kernel.width && op.dilation.height == 1 && op.dilation.width == 1;
    if (window && op.kernel.height == 3) {
        depthwise_conv2d_window<3>(op, x, y, kernel, bias, threads, map);
    } else if (window && op.kernel.height == 5) {
        depthwise_conv2d_window<5>(op, x, y, kernel, bias, threads, map);
    } else {
        grouped_conv2d(op, op.in.channels, x, y, kernel, bias, threads);
        if (map.scale != nullptr) map_output(y.data, y.sample_size() * y.batch / op.out.channels, op.out.channels, map, threads);
    }
}

/// Writes im2col rows [row0, row0 + rows) of sample `x` for the input channels
/// [c0, c0 + count): each row is kh·kw·count values, zeros where the window reads padding.
inline void im2col_channels(const conv2d_op& op, const float* x, int c0, int count, std::int64_t row0, std::int64_t rows,
                            float* out) {
    const int cin = op.in.channels;
    for (std::int64_t r = 0; r != rows; ++r) {
        const auto pixel = row0 + r;
        const int oh = static_cast<int>(pixel / op.out.width), ow = static_cast<int>(pixel % op.out.width);
        for (int kh = 0; kh != op.kernel.height; ++kh) {
            const auto ih = rules::window_tap_position(oh, kh, op.stride.height, op.dilation.height, op.pad_top);
            for (int kw = 0; kw != op.kernel.width; ++kw, out += count) {
                const auto iw = rules::window_tap_position(ow, kw, op.stride.width, op.dilation.width, op.pad_left);
                if (ih < 0 || ih >= op.in.height || iw < 0 || iw >= op.in.width)
                    std::memset(out, 0, sizeof(float) * static_cast<std::size_t>(count));
                else
                    std::memcpy(out, x + (ih * op.in.width + iw) * cin + c0, sizeof(float) * static_cast<std::size_t>(count));
            }
        }
    }
}

/// A grouped convolution whose groups are wide enough for matrix products: per group, im2col of
/// its input channels times its columns of the kernel ((kh·kw·Cin/g) × Cout with leading
/// dimension Cout, so a group's columns need no copy), written into its columns of the output.
inline void grouped_conv2d_gemm(const conv2d_op& op, int groups, tensor_view x, tensor_view y, const float* kernel,
                                const float* bias, workspace& ws) {
    const int cout = op.out.channels, per_group_in = op.in.channels / groups, per_group_out = cout / groups;
    const std::int64_t pixels = std::int64_t{op.out.height} * op.out.width;
    const std::int64_t row_len = std::int64_t{op.kernel.height} * op.kernel.width * per_group_in;
    const std::int64_t tile = std::clamp<std::int64_t>(static_cast<std::int64_t>(workspace::budget) / row_len, 1, pixels);
    const std::int64_t tiles = (pixels + tile - 1) / tile;
    parallel_for(static_cast<std::size_t>(tiles * y.batch), ws.threads(), [&](std::size_t t, int worker) {
        const int n = static_cast<int>(static_cast<std::int64_t>(t) / tiles);
        const std::int64_t row0 = (static_cast<std::int64_t>(t) % tiles) * tile, rows = std::min(tile, pixels - row0);
        float* cols = ws.scratch(worker, static_cast<std::size_t>(rows * row_len));
        float* out = y.sample(n) + row0 * cout;
        for (int g = 0; g != groups; ++g) {
            im2col_channels(op, x.sample(n), g * per_group_in, per_group_in, row0, rows, cols);
            gemm({cols, row_len}, {kernel + std::int64_t{g} * per_group_out, cout}, {out + std::int64_t{g} * per_group_out, cout},
                 rows, per_group_out, row_len, false);
        }
        bias_activate(out, cout, 0, rows, 0, cout, bias, op.activation);
    });
    if (op.activation == activation_kind::softmax) softmax_rows(y.data, pixels * y.batch, cout, ws.threads());
}

/// A window layer's operation (Conv2D, DepthwiseConv2D, SeparableConv2D's depthwise step), from
/// its layer type and shapes; constexpr, since the network chooses each Conv2D's kernel form from it.
template <class L>
constexpr conv2d_op window_op_of(dims in, dims out, activation_kind activation) {
    return {in,
            out,
            L::kernel,
            L::stride,
            L::dilation,
            same_padding_before(L::padding, in.height, L::kernel.height, L::stride.height, L::dilation.height, out.height),
            same_padding_before(L::padding, in.width, L::kernel.width, L::stride.width, L::dilation.width, out.width),
            activation};
}

}  // namespace ctnn::detail

// ---- How the layers run ------------------------------------------------------------------------
#include <ctnn/runtime/node_io.hpp>

namespace ctnn::detail {
/// window_op_of for a node that may read its input through a folded ZeroPadding2D
/// (node_io::input_padding): the operation on the padded map, whose shape the rules checked,
/// then on the map itself, the margins moved into the operation's own padding.
template <class L>
conv2d_op window_op_of(const node_io& io, activation_kind activation) {
    const dims x = io.inputs[0].shape;
    const margins m = io.input_padding;
    conv2d_op op = window_op_of<L>({x.height + m.top + m.bottom, x.width + m.left + m.right, x.channels}, io.output.shape, activation);
    op.in = x;
    op.pad_top += m.top;
    op.pad_left += m.left;
    return op;
}

/// y = depthwise conv(m) + bias, activated, where m is the output of a row producer folded into
/// the layer (graph/folding.hpp): `produce` computes m's rows from `producer.inputs[0]`. Each
/// thread takes a share of the output, and goes through it in bands of output rows: it has the
/// producer compute the input rows a band's windows read, as one product into a buffer of at
/// most `band_floats` (in L2), and convolves them from there; the rows the next band reads too
/// move to the buffer's front. So m never leaves the cache, and the producer's products are as
/// tall as the buffer allows (by single rows, a 7×7 map's kernel was read 7 times: MobileNetV2's
/// last blocks took 20% longer than the two layers apart). The threads share the output by runs
/// of rows, the K − s rows where two runs meet computed by both, as the layers after split their
/// work; where the runs would be under 8 rows, by panels of channels if these go evenly over the
/// threads (each then reads its share of the producer's kernel, and computes no row twice).
inline constexpr std::int64_t band_floats = std::int64_t{1} << 16;  // 256 KiB
template <int K>
[[gnu::noinline]] inline void depthwise_conv2d_window_produced(const conv2d_op& op, const node_io& producer, row_kernel produce,
                                                               tensor_view y, const float* kernel, const float* bias, workspace& ws,
                                                               const channel_map& map = {}) {
    const inside_columns inside = inside_columns_of(op, K);
    const int in_h = op.in.height, in_w = op.in.width, out_h = op.out.height, out_w = op.out.width, sh = op.stride.height;
    const std::int64_t channels = op.in.channels;
    const std::int64_t pixels = std::int64_t{y.batch} * out_h * out_w, rows_total = std::int64_t{y.batch} * out_h;
    const std::int64_t products = std::int64_t{y.batch} * in_h * in_w * channels * producer.inputs[0].shape.channels;
    const std::int64_t work = depthwise_work(pixels, channels, K) + products;
    const int threads = static_cast<int>(std::min<std::int64_t>(threads_for(work, ws.threads()), rows_total));
    const std::int64_t panels = (channels + tile_gemm::width - 1) / tile_gemm::width;
    const bool by_channels = threads > 1 && rows_total < 8 * threads && panels % threads == 0;
    parallel_for(static_cast<std::size_t>(threads), threads, [&](std::size_t part, int worker) {
        std::int64_t c0 = 0, c1 = channels, r = 0, r1 = rows_total;
        if (by_channels) {
            c0 = panels * static_cast<std::int64_t>(part) / threads * tile_gemm::width;
            c1 = std::min(channels, panels * static_cast<std::int64_t>(part + 1) / threads * tile_gemm::width);
        } else {
            const auto run = split(static_cast<std::size_t>(rows_total), static_cast<std::size_t>(threads), part);
            r = static_cast<std::int64_t>(run.first), r1 = static_cast<std::int64_t>(run.second);
        }
        const std::int64_t width = c1 - c0, row_floats = in_w * width;
        // Output rows a band: as many as their input rows fit the buffer, at least one.
        const std::int64_t band = std::max<std::int64_t>(1, (band_floats / row_floats - K) / sh + 1);
        float* buffer = ws.scratch(worker, static_cast<std::size_t>(((band - 1) * sh + K) * row_floats));
        const depthwise_row_layout at{width, width, channels, channels};
        const channel_map part_map = map.scale == nullptr ? channel_map{} : channel_map{map.scale + c0, map.shift + c0};
        int held = -1, h0 = 0, h1 = 0;  // the buffer holds rows [h0, h1) of sample `held`
        while (r < r1) {
            const int n = static_cast<int>(r / out_h), oh0 = static_cast<int>(r % out_h);
            const int oh1 = static_cast<int>(std::min<std::int64_t>({out_h, oh0 + band, oh0 + r1 - r}));
            const int i0 = std::max(0, oh0 * sh - op.pad_top), i1 = std::min(in_h, (oh1 - 1) * sh - op.pad_top + K);
            if (held == n && h0 <= i0 && i0 < h1) {
                std::memmove(buffer, buffer + (i0 - h0) * row_floats, sizeof(float) * static_cast<std::size_t>((h1 - i0) * row_floats));
                h0 = i0;
            } else {
                held = n, h0 = h1 = i0;
            }
            if (h1 < i1) {
                produce(producer, n, h1, i1 - h1, static_cast<int>(c0), static_cast<int>(c1), buffer + (h1 - h0) * row_floats, width);
                h1 = i1;
            }
            for (int oh = oh0; oh != oh1; ++oh) {
                const float* rows[K];
                for (int kh = 0, ih = oh * sh - op.pad_top; kh != K; ++kh, ++ih)
                    rows[kh] = ih >= 0 && ih < in_h ? buffer + (ih - h0) * row_floats : nullptr;
                depthwise_window_row<K>(op, inside, rows, y.sample(n) + std::int64_t{oh} * out_w * channels + c0, kernel + c0,
                                        bias == nullptr ? nullptr : bias + c0, at, part_map);
            }
            r += oh1 - oh0;
        }
    });
    if (op.activation == activation_kind::softmax) softmax_rows(y.data, pixels, op.in.channels, ws.threads());
    if (map.scale != nullptr && !in_packets(op.activation)) map_output(y.data, pixels, op.in.channels, map, ws.threads());
}

template <class... O>
void forward(std::type_identity<DepthwiseConv2D<O...>>, const node_io& io) {
    using L = DepthwiseConv2D<O...>;
    if constexpr (L::absorbs_row_producer) {
        if (io.producer != nullptr) {
            // The input is the producer's input; the map this layer convolves is the producer's output.
            node_io as_read = io;
            const tensor_view m{nullptr, io.inputs[0].batch, io.producer->output.shape};
            as_read.inputs = std::span<const tensor_view>(&m, 1);
            const conv2d_op op = window_op_of<L>(as_read, io.activation(L::activation));
            const float* bias = io.bias(L::bias, 1);
            constexpr int k = L::kernel.height;
            depthwise_conv2d_window_produced<k>(op, *io.producer, io.produce_rows, io.output, io.weights[0], bias, io.ws, io.output_map);
            return;
        }
    }
    const conv2d_op op = window_op_of<L>(io, io.activation(L::activation));
    depthwise_conv2d(op, L::multiplier, io.inputs[0], io.output, io.weights[0], io.bias(L::bias, 1), io.ws.threads(), io.output_map);
}

/// The depthwise step into scratch memory, then the pointwise step as one matrix product.
template <int F, class... O>
void forward(std::type_identity<SeparableConv2D<F, O...>>, const node_io& io) {
    using L = SeparableConv2D<F, O...>;
    const tensor_view x = io.inputs[0], y = io.output;
    const dims middle{y.shape.height, y.shape.width, x.shape.channels * L::multiplier};
    const conv2d_op op = window_op_of<L>(x.shape, middle, activation_kind::linear);
    const tensor_view t{io.ws.scratch(0, static_cast<std::size_t>(middle.size() * x.batch)), x.batch, middle};
    depthwise_conv2d(op, L::multiplier, x, t, io.weights[0], nullptr, io.ws.threads());
    const float* bias = io.bias(L::bias, 2);
    const activation_kind activation = io.activation(L::activation);
    const std::int64_t pixels = std::int64_t{y.shape.height} * y.shape.width * y.batch;
    parallel_gemm({t.data, middle.channels}, {io.weights[1], F}, {y.data, F}, pixels, F, middle.channels, io.ws.threads(),
                  [&](std::int64_t r0, std::int64_t r1, std::int64_t c0, std::int64_t c1) {
                      bias_activate(y.data, F, r0, r1, c0, c1, bias, activation);
                  });
    if (activation == activation_kind::softmax) softmax_rows(y.data, pixels, F, io.ws.threads());
}
/// The Winograd tile a Conv2D of these shapes runs with (kernels/winograd.hpp), or 0.
template <class L>
constexpr int winograd_tile_of(dims in, dims out) {
    return winograd_tile(L::kernel.height, L::kernel.width, L::stride.height, L::stride.width, L::dilation.height, L::dilation.width,
                         L::group_count, out.height, out.width, in.channels, out.channels);
}
/// Conv2D's glue is here rather than in conv2d.hpp: with `groups` it is a grouped convolution,
/// and these kernels build on conv2d.hpp's.
template <int F, class... O>
void forward(std::type_identity<Conv2D<F, O...>>, const node_io& io) {
    using L = Conv2D<F, O...>;
    const dims in = io.inputs[0].shape, out = io.output.shape;
    const tensor_view x = io.inputs[0], y = io.output;
    const float* bias = io.bias(L::bias, 1);
    conv2d_op op = window_op_of<L>(in, out, io.activation(L::activation));
    if constexpr (L::group_count == 1) {
        // The direct products (packed, or in Keras' layout where a kernel is shared or too large to
        // copy), which add a folded residual in their epilogues; and which alone map their input
        // (a 1×1 convolution with a BatchNormalization folded in from before it).
        const int tile = winograd_tile_of<L>(in, out);
        if (io.kernel_form == 1 || (io.kernel_form == 0 && tile == 0 && !conv2d_few_inputs_path(op)) || io.input_map.scale != nullptr) {
            conv2d(op, x, y, io.weights[0], bias, io.ws, io.kernel_form == 1, io.residual.data, io.input_map, io.output_map);
            return;
        }
    }
    // The other paths run without the activation when a residual Add folded in (graph/folding.hpp),
    // and one pass then adds the residual and activates.
    const activation_kind activation = op.activation;
    if (io.residual.data != nullptr) op.activation = activation_kind::linear;
    if (io.kernel_form > 1)
        winograd_conv2d(io.kernel_form, in, out, op.pad_top, op.pad_left, op.activation, x, y, io.weights[0], bias, io.ws);
    else if (L::group_count == 1 && conv2d_few_inputs_path(op))
        conv2d_few_inputs(op, x, y, io.weights[0], bias, io.ws.threads());
    else if (L::group_count == 1)  // a Winograd layer whose kernel is kept as set (too large to keep transformed, or shared)
        winograd_conv2d_streamed(winograd_tile_of<L>(in, out), in, out, op.pad_top, op.pad_left, op.activation, x, y, io.weights[0], bias,
                                 io.spare, io.ws);
    else if (L::group_count == in.channels && out.channels == in.channels)  // depthwise, as ONNX writes it
        depthwise_conv2d(op, 1, x, y, io.weights[0], bias, io.ws.threads());
    else if (in.channels / L::group_count >= 8)
        grouped_conv2d_gemm(op, L::group_count, x, y, io.weights[0], bias, io.ws);
    else grouped_conv2d(op, L::group_count, x, y, io.weights[0], bias, io.ws.threads());
    if (io.residual.data != nullptr)
        add_residual(y.data, io.residual.data, y.sample_size() * y.batch / out.channels, out.channels, activation, io.ws.threads());
    if (io.output_map.scale != nullptr)
        map_output(y.data, y.sample_size() * y.batch / out.channels, out.channels, io.output_map, io.ws.threads());
}

/// Rows [row, row + rows) of sample `sample` of a 1×1 Conv2D's output (its layer's
/// produces_rows), channels [c0, c1), for the layer it folded into (graph/folding.hpp's
/// producer): the rows' pixels times those columns of the kernel, bias and activation in the
/// products' epilogue, as the pointwise path computes every row.
template <int F, class... O>
    requires Conv2D<F, O...>::produces_rows
void forward_rows(std::type_identity<Conv2D<F, O...>>, const node_io& io, int sample, int row, int rows, int c0, int c1, float* out,
                  std::int64_t ld) {
    using L = Conv2D<F, O...>;
    const tensor_view x = io.inputs[0];
    const std::int64_t width = x.shape.width, cin = x.shape.channels, cout = io.output.shape.channels, m = rows * width;
    const float* a = x.sample(sample) + row * width * cin;
    const float* bias = io.bias(L::bias, 1);
    const activation_kind activation = io.activation(L::activation);
    // The output map (an affine folded in after the activation) in the products' epilogue where
    // it can be, else after.
    const bool in_epilogue = io.kernel_form == 1 && in_packets(activation);
    if (io.kernel_form == 1) {
        tile_gemm::multiply(a, cin, io.weights[0], cout, c0, c1, out, ld, m, cin, bias, activation, false, nullptr, nullptr, 0,
                            in_epilogue ? io.output_map : channel_map{});
    } else {
        gemm({a, cin}, {io.weights[0] + c0, cout}, {out, ld}, m, c1 - c0, cin, false);
        bias_activate(out - c0, ld, 0, m, c0, c1, bias, activation);
    }
    if (io.output_map.scale != nullptr && !in_epilogue) map_columns(out, ld, m, c0, c1, io.output_map);
}

/// The Winograd transform of a Conv2D's kernel for tiles of m × m outputs, as a network keeps it:
/// beside the kernel, which it cannot give back exactly (runtime/network.hpp).
constexpr prepared_kernel winograd_form(int m, const conv2d_op& op) {
    prepared_kernel p{m, op, winograd_kernel_floats(m, op.in.channels, op.out.channels)};
    p.prepare = [](const prepared_kernel& f, const float* kernel, float* transformed, int threads) {
        winograd_transform_kernel(f.form, kernel, f.op.in.channels, f.op.out.channels, transformed, threads);
    };
    return p;
}

/// The form a network keeps a Conv2D's kernel in, for a node of these shapes: Winograd-transformed
/// where the cost model chooses Winograd and the transform is small enough to keep, Keras'
/// layout where it is not (each call transforms it), else packed for the direct products;
/// grouped convolutions and those of few input channels (conv2d_few_inputs) keep Keras' layout.
template <int F, class... O>
constexpr prepared_kernel prepared_kernel_of(std::type_identity<Conv2D<F, O...>>, dims in, dims out) {
    using L = Conv2D<F, O...>;
    if (L::group_count != 1) return {};
    const int tile = winograd_tile_of<L>(in, out);
    const conv2d_op op = window_op_of<L>(in, out, L::activation);
    if (tile != 0) return winograd_kept(tile, in.channels, out.channels) ? winograd_form(tile, op) : prepared_kernel{};
    if (conv2d_few_inputs_path(op)) return {};  // read in Keras' layout
    const bool packable = conv2d_packs_in_place(op) || conv2d_packed_floats(op) <= conv2d_max_copied_floats;
    return packable ? conv2d_packed_form(op) : prepared_kernel{};
}

}  // namespace ctnn::detail
