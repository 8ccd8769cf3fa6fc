// Conv2DTranspose on the CPU: a GEMM that gives every input pixel's contribution to each
// kernel tap, then a scatter-add (col2im) into the output window, as TF places it; where the
// windows do not overlap (strides equal to the kernel), a copy of each product to its block, or,
// for a few products a pixel or a softmax over a packet's worth of channels, each product
// computed for a packet of pixels and stored in place.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include <ctnn/layers/conv2d_transpose.hpp>
#include <ctnn/options.hpp>
#include <ctnn/rules/placement.hpp>
#include <ctnn/runtime/kernels/activation.hpp>
#include <ctnn/runtime/kernels/conv2d.hpp>
#include <ctnn/runtime/kernels/gemm.hpp>
#include <ctnn/runtime/kernels/tile_gemm.hpp>
#include <ctnn/runtime/node_io.hpp>
#include <ctnn/runtime/tensor.hpp>
#include <ctnn/runtime/workspace.hpp>

namespace ctnn::detail {

struct conv2d_transpose_op {
    dims in, out;
    hw kernel, stride, dilation;
    /// Rows and columns of the full scatter result cut before the output window.
    int cut_top, cut_left;
    activation_kind activation;
};

/// Whether each input pixel's window is a block of the output no other window touches, and the
/// blocks cover the output: strides equal to the kernel, undilated, and no output_padding
/// beyond the last block (U-Net's and PP-OCRv4's 2×2 upsamplers, FCN-8's last, 8×8).
constexpr bool disjoint_windows(const conv2d_transpose_op& op) {
    const auto covers = [](int in, int stride, int cut, int out) { return cut >= 0 && std::int64_t{in} * stride - cut >= out; };
    return op.stride.height == op.kernel.height && op.stride.width == op.kernel.width && op.dilation.height == 1 &&
           op.dilation.width == 1 && covers(op.in.height, op.stride.height, op.cut_top, op.out.height) &&
           covers(op.in.width, op.stride.width, op.cut_left, op.out.width);
}

/// Columns of the products a Conv2DTranspose's kernel gives each input pixel: every tap's
/// output channels (the packed form pads them to whole panels).
constexpr std::int64_t conv2d_transpose_columns(const conv2d_op& op) {
    return std::int64_t{op.kernel.height} * op.kernel.width * op.out.channels;
}

/// The kernel as a network keeps it for a node of these shapes: packed for tile_gemm as the
/// Cin × (kh·kw·Cout) matrix its products multiply by, which gives the kernel back exactly, so
/// that it replaces the kernel in memory. Kept in Keras' layout where the products are narrower
/// than a panel (PP-OCRv4's one-filter head: few_products), or the kernel is too large to
/// hold twice for a moment (kernels/conv2d.hpp's conv2d_max_copied_floats).
constexpr prepared_kernel conv2d_transpose_form(dims in, dims out, hw kernel) {
    const conv2d_op op{in, out, kernel, {1, 1}, {1, 1}, 0, 0, activation_kind::linear};
    const std::int64_t n = conv2d_transpose_columns(op);
    if (n < tile_gemm::width || tile_gemm::size(in.channels, n) > conv2d_max_copied_floats) return {};
    prepared_kernel p{1, op, tile_gemm::size(in.channels, n)};
    p.prepare = [](const prepared_kernel& f, const float* k, float* packed, int) {
        tile_gemm::pack_transposed(k, f.op.in.channels, conv2d_transpose_columns(f.op), f.op.in.channels, packed);
    };
    p.restore = [](const prepared_kernel& f, const float* packed, float* k) {
        tile_gemm::unpack_transposed(packed, f.op.in.channels, conv2d_transpose_columns(f.op), k);
    };
    return p;
}
template <int F, class... O>
constexpr prepared_kernel prepared_kernel_of(std::type_identity<Conv2DTranspose<F, O...>>, dims in, dims out) {
    return conv2d_transpose_form(in, out, Conv2DTranspose<F, O...>::kernel);
}

/// Whether conv2d_transpose_disjoint takes tap_products: a softmax over channels (FCN-8's last
/// upsampler: 12 classes, 8×8 taps) that fill more than half a packet and at most one, and a
/// kernel that, laid out a packet per tap and input channel, is small (a workspace's budget). By
/// panels, the products were stored, then their softmax taken row by row (a reduction across
/// each row's few packets) and the rows copied to their blocks: 0.59 ms of FCN-8's layer alone
/// on 1 thread, 0.34 so. Without a softmax, the panels were as fast or faster, within 30% either
/// way over 9-16 channels and 12-256 input channels.
constexpr bool by_tap_packets(const conv2d_transpose_op& op) {
    const std::int64_t taps = std::int64_t{op.kernel.height} * op.kernel.width;
    return op.activation == activation_kind::softmax && disjoint_windows(op) && tile_gemm::interleaves &&
           2 * op.out.channels > tile_gemm::lanes && op.out.channels <= tile_gemm::lanes &&
           taps * op.in.channels * tile_gemm::lanes <= static_cast<std::int64_t>(workspace::budget);
}

/// Input pixel `p`'s sample, row and column (p counts pixels over the batch), then the next
/// pixel's: counted along, not divided out of each index (three divisions a pixel: PP-OCRv4's
/// one-filter head, 320×320 pixels of 4 products each, took 2.45 ms on 1 thread so, 2.2 counted).
struct pixel_position {
    int b, ih, iw;
    pixel_position(std::int64_t p, dims in)
        : b(static_cast<int>(p / (std::int64_t{in.height} * in.width))),
          ih(static_cast<int>(p % (std::int64_t{in.height} * in.width) / in.width)),
          iw(static_cast<int>(p % in.width)) {}
    void next(dims in) {
        if (++iw == in.width) {
            iw = 0;
            if (++ih == in.height) ih = 0, ++b;
        }
    }
};

/// Where an input pixel's window lies in the output, windows disjoint (dilation 1): its first
/// output row and column before the cut (tap (kh, kw) at (oh0 + kh, ow0 + kw); either may be
/// negative), and whether its columns, and the whole window, lie inside the output (all but the
/// edge pixels: written in whole runs, unchecked).
struct window_corner {
    int oh0, ow0;
    bool columns_inside, inside;
    window_corner(const conv2d_transpose_op& op, const pixel_position& at)
        : oh0(static_cast<int>(rules::transpose_tap_position(at.ih, 0, op.stride.height, 1, op.cut_top))),
          ow0(static_cast<int>(rules::transpose_tap_position(at.iw, 0, op.stride.width, 1, op.cut_left))),
          columns_inside(ow0 >= 0 && ow0 + op.kernel.width <= op.out.width),
          inside(columns_inside && oh0 >= 0 && oh0 + op.kernel.height <= op.out.height) {}
};

/// conv2d_transpose_disjoint's products for `count` input pixels from pixel `p0` (over the
/// batch), where each pixel has N ≤ tile_gemm::most_narrow of them (PP-OCRv4's one-filter head:
/// 2×2 taps of one channel), each written straight to its output cell. The micro-kernel would pad
/// them to a panel's 2·lanes columns, and Eigen's product copied the whole input into its packed
/// form first; here each product is a packet of a tile's pixels (tile_gemm::narrow_tile, its
/// `buffer` Cin·lanes floats). On a 2-core Xeon, the head (320×320×24 → 640×640×1, sigmoid) took
/// 2.40 ms on 1 thread and 1.15-1.2 on 2 by Eigen's product and a copy a pixel; 1.54 and
/// 0.73-0.77 so. What is left is mostly the scattered stores and pack_rows' scalar tail (24
/// channels: a square of 16 and 8 one at a time).
template <int N>
void few_products(const conv2d_transpose_op& op, const float* x, std::int64_t p0, std::int64_t count, const float* kernel,
                  const float* tap_bias, tensor_view y, float* buffer) {
    namespace ei = Eigen::internal;
    using tile_gemm::lanes, tile_gemm::packet;
    const int cin = op.in.channels, cout = op.out.channels, kh_n = op.kernel.height, kw_n = op.kernel.width;
    pixel_position at(p0, op.in);
    alignas(64) float values[N][lanes];
    for (std::int64_t i = 0; i < count; i += tile_gemm::rows) {
        const int m = static_cast<int>(std::min<std::int64_t>(tile_gemm::rows, count - i));
        packet acc[N];
        tile_gemm::narrow_tile<N>(x + (p0 + i) * cin, cin, m, cin, kernel, 1, cin, tap_bias, buffer, acc);
        with_packet_activation(op.activation, [&](auto f) {
#pragma GCC unroll 8
            for (int t = 0; t < N; ++t) ei::pstore(values[t], f(acc[t]));
        });
        if (!in_packets(op.activation)) activate_run(values[0], N * lanes, op.activation);
        for (int r = 0; r != m; ++r, at.next(op.in)) {
            float* out = y.sample(at.b);
            const window_corner w(op, at);
            if (w.inside) {
                // Each kernel row's products are one run of an output row.
                float* o = out + (std::int64_t{w.oh0} * op.out.width + w.ow0) * cout;
                for (int kh = 0, t = 0; kh != kh_n; ++kh, o += std::int64_t{op.out.width} * cout)
                    for (int j = 0; j != kw_n * cout; ++j, ++t) o[j] = values[t][r];
                continue;
            }
            for (int kh = 0; kh != kh_n; ++kh) {
                const int oh = w.oh0 + kh;
                if (oh < 0 || oh >= op.out.height) continue;
                for (int kw = 0; kw != kw_n; ++kw) {
                    const int ow = w.ow0 + kw;
                    if (ow < 0 || ow >= op.out.width) continue;
                    const int t = (kh * kw_n + kw) * cout;
                    for (int co = 0; co != cout; ++co) out[(std::int64_t{oh} * op.out.width + ow) * cout + co] = values[t + co][r];
                }
            }
        }
    }
}

/// Whether conv2d_transpose_disjoint writes its products straight into the output: the windows
/// tile it exactly (no cut, no cell past the last window), no softmax, products at least a panel
/// wide, and each window row's products start a panel. Input row ih's pixel iw has its kernel
/// row kh's products (kw·Cout of them, from column kh·kw·Cout) at output row ih·kh + kh from
/// column iw·kw on, so one input row's products for one kernel row are one product whose rows
/// lie kw·Cout apart. No copy afterwards and no room for them: the U-Net's upsamplers (4-39 MB
/// out) wrote their products twice. The U-Net's up1 alone (196×196×128 → 392×392×64, output
/// cold): 19.3 / 9.3 ms on 1 / 2 threads → 18.4 / 8.6.
constexpr bool into_output_rows(const conv2d_transpose_op& op) {
    const std::int64_t row_run = std::int64_t{op.kernel.width} * op.out.channels;
    return disjoint_windows(op) && op.activation != activation_kind::softmax && row_run * op.kernel.height >= tile_gemm::width &&
           op.cut_top == 0 && op.cut_left == 0 && std::int64_t{op.in.height} * op.kernel.height == op.out.height &&
           std::int64_t{op.in.width} * op.kernel.width == op.out.width && (op.kernel.height == 1 || row_run % tile_gemm::width == 0);
}

/// conv2d_transpose_disjoint's products for `count` input pixels from pixel `p0` (over the
/// batch) where by_tap_packets: for each tile of a packet of pixels, tap by tap, a packet of the
/// tile's pixels per output channel (tile_gemm::narrow_products, in N registers; `kernel` is laid
/// out per tap and input channel, a packet of output channels each, zeros past Cout, and `bias`
/// padded alike), their softmax across those packets element by element (softmax_packets), then
/// a packet per pixel (one transpose of a square of packets), stored in place. `buffer`: the tile
/// interleaved, Cin·lanes floats, aligned. On a 2-core Xeon, FCN-8's last upsampler alone (28×28×12
/// → 224×224×12, 1 / 2 threads): by panels 0.58-0.60 / 0.29-0.30 ms; so 0.34 / 0.18.
#pragma GCC diagnostic push
// A packet type as a template argument drops its vector attributes (GCC warns); Eigen's own
// PacketBlock is made for exactly that use (as in tile_gemm::pack_rows).
#pragma GCC diagnostic ignored "-Wignored-attributes"
template <int N>
void tap_products(const conv2d_transpose_op& op, const float* x, std::int64_t p0, std::int64_t count, const float* kernel,
                  const float* bias, tensor_view y, float* buffer) {
    namespace ei = Eigen::internal;
    using tile_gemm::lanes, tile_gemm::packet;
    // Copied out of `op`: the packet stores may alias anything, and GCC read these again after each.
    const int cin = op.in.channels, cout = op.out.channels, kh_n = op.kernel.height, kw_n = op.kernel.width;
    const int out_h = op.out.height, out_w = op.out.width;
    const std::int64_t tap_floats = std::int64_t{cin} * lanes;
    pixel_position at(p0, op.in);
    for (std::int64_t i = 0; i < count; i += lanes) {
        const int m = static_cast<int>(std::min<std::int64_t>(lanes, count - i));
        tile_gemm::pack_rows(x + (p0 + i) * cin, cin, m, cin, buffer, lanes);
        // Each pixel's sample and window, and where the window starts in the output if the whole
        // tile's windows lie inside it (all but the edges).
        float* sample[lanes];
        int oh0[lanes], ow0[lanes];
        bool inside = true;
        for (int r = 0; r != m; ++r, at.next(op.in)) {
            const window_corner w(op, at);
            sample[r] = y.sample(at.b), oh0[r] = w.oh0, ow0[r] = w.ow0;
            inside = inside && w.inside;
        }
        float* corner[lanes];
        for (int r = 0; r != m && inside; ++r) corner[r] = sample[r] + (std::int64_t{oh0[r]} * out_w + ow0[r]) * cout;
        for (int kh = 0; kh != kh_n; ++kh)
            for (int kw = 0; kw != kw_n; ++kw) {
                packet acc[N];
                tile_gemm::narrow_products<N>(buffer, cin, kernel + (std::int64_t{kh} * kw_n + kw) * tap_floats, lanes, 1, bias, acc);
                softmax_packets(acc, cout);
                ei::PacketBlock<packet, lanes> square;
#pragma GCC unroll 16
                for (int c = 0; c < lanes; ++c) square.packet[c] = c < N ? acc[c] : ei::pset1<packet>(0.0f);
                ei::ptranspose(square);
                const std::int64_t tap = (std::int64_t{kh} * out_w + kw) * cout;
                for (int r = 0; r != m; ++r) {
                    if (inside) {
                        store_first(corner[r] + tap, square.packet[r], cout);
                        continue;
                    }
                    const int oh = oh0[r] + kh, ow = ow0[r] + kw;
                    if (oh >= 0 && oh < out_h && ow >= 0 && ow < out_w)
                        store_first(sample[r] + (std::int64_t{oh} * out_w + ow) * cout, square.packet[r], cout);
                }
            }
    }
}
#pragma GCC diagnostic pop

/// conv2d_transpose for disjoint_windows: every output value is one product's, so the products
/// (split over threads by input pixels, on tile_gemm with the bias and activation applied as
/// they finish) are copied straight to their blocks: no zeroing, no adding, no serial scatter.
/// A kernel not kept packed (`packed` false) is packed per call into worker 0's scratch, which
/// also holds that worker's products.
inline void conv2d_transpose_disjoint(const conv2d_transpose_op& op, tensor_view x, tensor_view y, const float* kernel,
                                      const float* bias, workspace& ws, bool packed) {
    const int cin = op.in.channels, cout = op.out.channels, kh_n = op.kernel.height, kw_n = op.kernel.width;
    const std::int64_t n = std::int64_t{kh_n} * kw_n * cout;  // a pixel's products: every tap's channels
    const std::int64_t in_pixels = std::int64_t{op.in.height} * op.in.width, total = in_pixels * x.batch;
    // Chunks of input pixels within the budget, as many as a multiple of the threads: FCN-8's last
    // upsampler (784 pixels, 341 a chunk) made 3, and on 2 threads one waited a third of the time.
    // tap_products keeps no products: one chunk a thread, whole tiles of pixels.
    const bool per_tap = by_tap_packets(op);
    const std::int64_t most = std::clamp<std::int64_t>(static_cast<std::int64_t>(workspace::budget) / n, 1, total);
    const auto wanted = static_cast<std::int64_t>(threads_for(total * n * cin, ws.threads()));
    const std::int64_t even = std::min(total, ((total + most - 1) / most + wanted - 1) / wanted * wanted);
    const std::int64_t lanes = tile_gemm::lanes;
    const std::int64_t chunk = per_tap ? ((total + wanted - 1) / wanted + lanes - 1) / lanes * lanes : (total + even - 1) / even;
    const std::int64_t chunks = (total + chunk - 1) / chunk;
    const int threads = static_cast<int>(std::min(wanted, chunks));
    const bool pack_here = !packed && !per_tap && n >= tile_gemm::width;
    // few_products where it can: products in registers, tiles of pixels in packets.
    const bool few = !packed && n < tile_gemm::width && n <= tile_gemm::most_narrow && tile_gemm::interleaves &&
                     op.activation != activation_kind::softmax;
    const std::int64_t taps = std::int64_t{kh_n} * kw_n;
    const std::int64_t packed_floats = pack_here ? (tile_gemm::size(cin, n) + 15) / 16 * 16 : per_tap ? taps * cin * lanes : 0;
    const std::int64_t bias_floats = (tile_gemm::padded(n) + 15) / 16 * 16;
    const std::int64_t row_run = std::int64_t{kw_n} * cout;  // a window row's floats
    const bool direct = into_output_rows(op);
    // A worker's products, or few_products' and tap_products' tile of pixels in packets.
    const std::int64_t cols_floats = direct ? 0 : few || per_tap ? std::int64_t{cin} * lanes : chunk * n;
    float* scratch = ws.scratch(0, static_cast<std::size_t>(packed_floats + bias_floats + cols_floats));
    if (pack_here) tile_gemm::pack_transposed(kernel, cin, n, cin, scratch);
    if (per_tap) {
        // (kh, kw, Cout, Cin), as set or packed → (kh, kw, Cin, a packet of Cout): a tap's value (p,
        // c) at p·lanes + c.
        std::fill_n(scratch, packed_floats, 0.0f);
        for (std::int64_t t = 0; t != taps; ++t)
            for (int c = 0; c != cout; ++c)
                for (int p = 0; p != cin; ++p)
                    scratch[(t * cin + p) * lanes + c] = packed ? tile_gemm::packed_at(kernel, cin, n, p, t * cout + c)
                                                                : kernel[(t * cout + c) * cin + p];
    }
    const float* packed_kernel = pack_here || per_tap ? scratch : kernel;
    float* tap_bias = nullptr;
    if (bias != nullptr) {
        tap_bias = scratch + packed_floats;
        if (per_tap) std::fill_n(std::copy_n(bias, cout, tap_bias), lanes - cout, 0.0f);
        else for (std::int64_t t = 0; t != n; t += cout) std::copy_n(bias, cout, tap_bias + t);
    }
    const activation_kind product_activation = op.activation == activation_kind::softmax ? activation_kind::linear : op.activation;
    if (direct) {
        const std::int64_t rows = std::int64_t{x.batch} * op.in.height, units = rows * kh_n;
        parallel_for(static_cast<std::size_t>(units), static_cast<int>(std::min(wanted, units)), [&](std::size_t u, int) {
            const std::int64_t row = static_cast<std::int64_t>(u) / kh_n, kh = static_cast<std::int64_t>(u) % kh_n;
            float* out = y.data + (row * kh_n + kh) * op.out.width * cout;  // samples' rows follow one another
            tile_gemm::multiply(x.data + row * op.in.width * cin, cin, packed_kernel, n, kh * row_run, (kh + 1) * row_run, out, row_run,
                                op.in.width, cin, tap_bias, op.activation);
        });
        return;
    }
    parallel_for(static_cast<std::size_t>(chunks), threads, [&](std::size_t c, int worker) {
        const std::int64_t p0 = static_cast<std::int64_t>(c) * chunk, rows = std::min(chunk, total - p0);
        float* cols = worker == 0 ? scratch + packed_floats + bias_floats : ws.scratch(worker, static_cast<std::size_t>(cols_floats));
        if (per_tap) {
            // Registers for three quarters of a packet of channels or a whole one (FCN-8's 12 classes:
            // 0.43 → 0.34 ms of its layer on 1 thread, with 16).
            constexpr int three_quarters = tile_gemm::lanes * 3 / 4;
            if (cout <= three_quarters) tap_products<three_quarters>(op, x.data, p0, rows, packed_kernel, tap_bias, y, cols);
            else tap_products<tile_gemm::lanes>(op, x.data, p0, rows, packed_kernel, tap_bias, y, cols);
            return;
        }
        if (n >= tile_gemm::width) {  // always so when `packed` (conv2d_transpose_form)
            tile_gemm::multiply(x.data + p0 * cin, cin, packed_kernel, n, 0, n, cols, n, rows, cin, tap_bias, product_activation);
        } else if (few) {
            // Fewer products than a panel's columns, few enough for registers: written where
            // they belong, in packets of pixels.
            [&]<int... N>(std::integer_sequence<int, N...>) {
                ((n == N + 1 ? few_products<N + 1>(op, x.data, p0, rows, kernel, tap_bias, y, cols) : void()), ...);
            }(std::make_integer_sequence<int, tile_gemm::most_narrow>{});
            return;
        } else {
            // Fewer products than a panel's columns, too many for registers (or a softmax over
            // them): Eigen's product, then one run of activation.
            const_matrix X(x.data + p0 * cin, rows, cin, Eigen::OuterStride<>(cin));
            const_matrix K(kernel, n, cin, Eigen::OuterStride<>(cin));
            matrix C(cols, rows, n, Eigen::OuterStride<>(n));
            C.noalias() = X * K.transpose();
            bias_activate(cols, n, 0, rows, 0, n, tap_bias, product_activation);
        }
        // Softmax over each output pixel's channels here, while the products are in cache, and on
        // this worker. As a pass over the output afterwards (and its rows read one value at a
        // time), FCN-8's last upsampler (12 classes) took 1.65 ms of a prediction on 1 thread and
        // 0.98 on 2; so, 1.17 and 0.67.
        if (op.activation == activation_kind::softmax) softmax_block(cols, rows * kh_n * kw_n, cout);
        pixel_position at(p0, op.in);
        for (std::int64_t r = 0; r != rows; ++r, at.next(op.in)) {
            const window_corner w(op, at);
            for (int kh = 0; kh != kh_n; ++kh) {
                const int oh = w.oh0 + kh;
                if (oh < 0 || oh >= op.out.height) continue;
                const float* src = cols + r * n + std::int64_t{kh} * kw_n * cout;
                float* out_row = y.sample(at.b) + std::int64_t{oh} * op.out.width * cout;
                if (w.columns_inside) {
                    std::copy_n(src, kw_n * cout, out_row + std::int64_t{w.ow0} * cout);
                    continue;
                }
                for (int kw = 0; kw != kw_n; ++kw)
                    if (const int ow = w.ow0 + kw; ow >= 0 && ow < op.out.width)
                        std::copy_n(src + std::int64_t{kw} * cout, cout, out_row + ow * cout);
            }
        }
    });
}

/// y = conv_transpose(x) + bias, activated. `kernel` is in Keras' layout (kh, kw, Cout, Cin):
/// a (kh·kw·Cout) × Cin matrix, whose transpose maps an input pixel's channels to its
/// contributions at every tap; or, if `packed`, that transpose packed for tile_gemm
/// (conv2d_transpose_form).
[[gnu::noinline]] inline void conv2d_transpose(const conv2d_transpose_op& op, tensor_view x, tensor_view y, const float* kernel,
                             const float* bias, workspace& ws, bool packed = false) {
    if (disjoint_windows(op)) {
        conv2d_transpose_disjoint(op, x, y, kernel, bias, ws, packed);
        return;
    }
    const int cin = op.in.channels, cout = op.out.channels;
    const std::int64_t taps = std::int64_t{op.kernel.height} * op.kernel.width;
    const std::int64_t row_len = taps * cout;
    const std::int64_t in_pixels = std::int64_t{op.in.height} * op.in.width;
    const std::int64_t out_pixels = std::int64_t{op.out.height} * op.out.width;
    const std::int64_t tile = std::max<std::int64_t>(1, static_cast<std::int64_t>(workspace::budget) / row_len);

    std::memset(y.data, 0, sizeof(float) * static_cast<std::size_t>(out_pixels * y.batch * cout));
    for (int n = 0; n != x.batch; ++n) {
        const float* xs = x.sample(n);
        float* ys = y.sample(n);
        for (std::int64_t p0 = 0; p0 < in_pixels; p0 += tile) {
            const std::int64_t rows = std::min(tile, in_pixels - p0);
            float* cols = ws.scratch(0, static_cast<std::size_t>(rows * row_len));
            // cols (rows × kh·kw·Cout) = x (rows × Cin) · kernelᵀ (Cin × kh·kw·Cout), on as many
            // threads as the work is worth (threads_for).
            const int threads = threads_for(rows * row_len * cin, ws.threads());
            if (packed) {
                // By rows, or by panels of columns when the rows are few (FCN-8's first
                // upsampler: 49 rows by a 3 MB kernel, of which each thread reads its share).
                tile_gemm::parallel_multiply(xs + p0 * cin, cin, kernel, row_len, cols, row_len, rows, cin, nullptr,
                                             activation_kind::linear, threads);
            } else {
                // Eigen's product, split the same way.
                const bool by_columns = rows < 32 * threads;
                const auto parts = static_cast<std::size_t>(threads);
                const_matrix kernel_t(kernel, row_len, cin, Eigen::OuterStride<>(cin));
                parallel_for(parts, threads, [&](std::size_t i, int) {
                    auto [s0, s1] = split(static_cast<std::size_t>(by_columns ? row_len : rows), parts, i);
                    const auto a = static_cast<std::int64_t>(s0), b = static_cast<std::int64_t>(s1);
                    if (by_columns) {
                        const_matrix X(xs + p0 * cin, rows, cin, Eigen::OuterStride<>(cin));
                        matrix C(cols + a, rows, b - a, Eigen::OuterStride<>(row_len));
                        C.noalias() = X * kernel_t.middleRows(a, b - a).transpose();
                    } else {
                        const_matrix X(xs + (p0 + a) * cin, b - a, cin, Eigen::OuterStride<>(cin));
                        matrix C(cols + a * row_len, b - a, row_len, Eigen::OuterStride<>(row_len));
                        C.noalias() = X * kernel_t.transpose();
                    }
                });
            }
            // Scatter: keep what falls inside the output window (the placement the docs draw).
            for (std::int64_t r = 0; r != rows; ++r) {
                const int ih = static_cast<int>((p0 + r) / op.in.width), iw = static_cast<int>((p0 + r) % op.in.width);
                for (int kh = 0; kh != op.kernel.height; ++kh) {
                    const auto oh = rules::transpose_tap_position(ih, kh, op.stride.height, op.dilation.height, op.cut_top);
                    if (oh < 0 || oh >= op.out.height) continue;
                    for (int kw = 0; kw != op.kernel.width; ++kw) {
                        const auto ow = rules::transpose_tap_position(iw, kw, op.stride.width, op.dilation.width, op.cut_left);
                        if (ow < 0 || ow >= op.out.width) continue;
                        const float* src = cols + r * row_len + (std::int64_t{kh} * op.kernel.width + kw) * cout;
                        float* dst = ys + (std::int64_t{oh} * op.out.width + ow) * cout;
                        for (int c = 0; c != cout; ++c) dst[c] += src[c];
                    }
                }
            }
        }
    }
    bias_activate(y.data, cout, 0, out_pixels * y.batch, 0, cout, bias, op.activation);
    if (op.activation == activation_kind::softmax) softmax_rows(y.data, out_pixels * y.batch, cout, ws.threads());
}

/// The glue from the layer types to this kernel: hyper-parameters are constants, shapes
/// arrive at run time.
template <int F, class... O>
void forward(std::type_identity<Conv2DTranspose<F, O...>>, const node_io& io) {
    using L = Conv2DTranspose<F, O...>;
    const dims in = io.inputs[0].shape, out = io.output.shape;
    auto cut = [](int n, int k, int s, int d, int length) {
        const rules::args a{.n = n, .k = k, .s = s, .d = d, .out = length};
        return static_cast<int>(rules::place_transpose(a, L::padding == padding_mode::same).cut_before);
    };
    const conv2d_transpose_op op{in,
                                 out,
                                 L::kernel,
                                 L::stride,
                                 L::dilation,
                                 cut(in.height, L::kernel.height, L::stride.height, L::dilation.height, out.height),
                                 cut(in.width, L::kernel.width, L::stride.width, L::dilation.width, out.width),
                                 io.activation(L::activation)};
    conv2d_transpose(op, io.inputs[0], io.output, io.weights[0], io.bias(L::bias, 1), io.ws, io.kernel_form == 1);
}

}  // namespace ctnn::detail
