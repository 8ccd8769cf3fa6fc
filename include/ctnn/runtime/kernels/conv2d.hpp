// Conv2D on the CPU: tiled im2col + GEMM, a plain GEMM for 1×1 convolutions, and a per-tap
// GEMM over gathered pixels where `same` padding would make many multiply-adds hit zeros.
// A network keeps each Conv2D's kernel packed once (conv2d_pack_kernel) in the layout the GEMM
// micro-kernel reads, instead of Eigen packing it again for every tile of every call.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

#include <ctnn/options.hpp>
#include <ctnn/rules/placement.hpp>
#include <ctnn/runtime/kernels/activation.hpp>
#include <ctnn/runtime/kernels/gemm.hpp>
#include <ctnn/runtime/kernels/packets.hpp>
#include <ctnn/runtime/kernels/tile_gemm.hpp>
#include <ctnn/runtime/tensor.hpp>
#include <ctnn/runtime/workspace.hpp>

namespace ctnn::detail {

/// Everything the kernel needs of a Conv2D node, as run-time values.
struct conv2d_op {
    dims in, out;
    hw kernel, stride, dilation;
    int pad_top, pad_left;  // TF's placement: ⌊P/2⌋ before, the rest after
    activation_kind activation;
};

/// Fraction of a Conv2D's dense multiply-adds that read real input rather than padding.
constexpr double real_tap_fraction(const conv2d_op& op) {
    const auto real = real_taps(op.kernel.height, op.in.height, op.out.height, op.stride.height, op.dilation.height, op.pad_top) *
                      real_taps(op.kernel.width, op.in.width, op.out.width, op.stride.width, op.dilation.width, op.pad_left);
    return static_cast<double>(real) /
           (static_cast<double>(op.kernel.height) * op.kernel.width * op.out.height * op.out.width);
}

/// How a Conv2D runs, from its static shapes. Per tap where fewer than 85% of the dense taps read
/// the input: 3×3 `same` on 7×7 (82%) and 8×8 (84%) maps, but not on 14×14 (91%). On a 2-core
/// Xeon (conv2d alone, kernel from memory, medians), 7×7×512 → 512 took 1.47 ms by im2col and
/// 1.22 per tap on 1 thread, 0.82 and 0.66 on 2; 8×8×512 2.2 and 1.55, 1.05 and 0.85; on 14×14
/// they were even on 1 thread and im2col faster on 2 (0.81 against 0.89 ms at 256 channels).
enum class conv2d_path { pointwise, by_taps, im2col };
constexpr conv2d_path path_of(const conv2d_op& op) {
    const bool pointwise = op.kernel.height == 1 && op.kernel.width == 1 && op.stride.height == 1 && op.stride.width == 1 &&
                           op.pad_top == 0 && op.pad_left == 0 && op.in.height == op.out.height && op.in.width == op.out.width;
    if (pointwise) return conv2d_path::pointwise;
    return real_tap_fraction(op) < 0.85 ? conv2d_path::by_taps : conv2d_path::im2col;
}

/// The form a network keeps a layer's kernel in, chosen once from the node's static shapes by the
/// layer's kernel header (prepared_kernel_of), with the functions that make it. `form` is what
/// the kernel reads (node_io::kernel_form): 0 is Keras' layout, as set; other values are the
/// layer's own (Conv2D: 1 packed for this file's products, 2 and 4 the Winograd transform of that
/// tile size; Conv2DTranspose: 1 packed for its products). The network (runtime/network.hpp)
/// calls these functions and knows no layer kinds.
struct prepared_kernel {
    int form = 0;
    /// The shapes the functions below read.
    conv2d_op op{};
    /// Floats of the prepared form.
    std::int64_t floats = 0;
    /// Makes the prepared form of a Keras-layout kernel into `out` (`floats` of them).
    void (*prepare)(const prepared_kernel&, const float* kernel, float* out, int threads) = nullptr;
    /// Where the prepared form gives the kernel back exactly (packing only moves values), that:
    /// the network then keeps the prepared form alone, and restores the kernel when it is read.
    void (*restore)(const prepared_kernel&, const float* prepared, float* kernel) = nullptr;
    /// Where the prepared form fits where the kernel lies, preparing it there: no moment holds the
    /// kernel twice (conv6's is 411 MB).
    void (*prepare_in_place)(const prepared_kernel&, float* kernel) = nullptr;
};
template <class L>
constexpr prepared_kernel prepared_kernel_of(std::type_identity<L>, dims, dims) {
    return {};
}

/// Floats of a kernel packed for `op` (kernels/tile_gemm.hpp's layout): one (kh·kw·Cin) × Cout
/// matrix, or, for the per-tap path, one Cin × Cout matrix per tap.
constexpr std::int64_t conv2d_packed_floats(const conv2d_op& op) {
    const std::int64_t taps = std::int64_t{op.kernel.height} * op.kernel.width;
    if (path_of(op) == conv2d_path::by_taps) return taps * tile_gemm::size(op.in.channels, op.out.channels);
    return tile_gemm::size(taps * op.in.channels, op.out.channels);
}
/// Packs a Keras-layout kernel (kh, kw, Cin, Cout) for `op`; conv2d_unpack_kernel undoes it
/// exactly (packing only moves values, and pads the last panel of columns with zeros).
inline void conv2d_pack_kernel(const conv2d_op& op, const float* kernel, float* out) {
    const std::int64_t taps = std::int64_t{op.kernel.height} * op.kernel.width, cin = op.in.channels, cout = op.out.channels;
    if (path_of(op) == conv2d_path::by_taps)
        for (std::int64_t t = 0; t != taps; ++t) tile_gemm::pack(kernel + t * cin * cout, cin, cout, cout, out + t * tile_gemm::size(cin, cout));
    else tile_gemm::pack(kernel, taps * cin, cout, cout, out);
}
/// Whether conv2d_pack_kernel_in_place can pack a kernel for `op` where it lies: 1×1 and per-tap
/// kernels whose output channels fill whole panels, so that the packed size is their own and no
/// memory is needed beside them but a depth block (conv6's kernel is 411 MB, conv7's 67 MB).
constexpr bool conv2d_packs_in_place(const conv2d_op& op) {
    return (path_of(op) == conv2d_path::pointwise || path_of(op) == conv2d_path::by_taps) && op.out.channels % tile_gemm::width == 0;
}
/// Kernels larger than this are packed only in place: packing into new memory holds the kernel
/// twice for a moment, and that moment would set the peak memory of a large model.
inline constexpr std::int64_t conv2d_max_copied_floats = std::int64_t{1} << 22;  // 16 MiB
inline void conv2d_pack_kernel_in_place(const conv2d_op& op, float* kernel) {
    const std::int64_t taps = std::int64_t{op.kernel.height} * op.kernel.width, pairs = std::int64_t{op.in.channels} * op.out.channels;
    for (std::int64_t t = 0; t != taps; ++t) tile_gemm::pack_in_place(kernel + t * pairs, op.in.channels, op.out.channels);
}
inline void conv2d_unpack_kernel(const conv2d_op& op, const float* packed, float* kernel) {
    const std::int64_t taps = std::int64_t{op.kernel.height} * op.kernel.width, cin = op.in.channels, cout = op.out.channels;
    if (path_of(op) == conv2d_path::by_taps)
        for (std::int64_t t = 0; t != taps; ++t) tile_gemm::unpack(packed + t * tile_gemm::size(cin, cout), cin, cout, kernel + t * cin * cout);
    else tile_gemm::unpack(packed, taps * cin, cout, kernel);
}
/// The packed form of a Conv2D's kernel for `op`, as a network keeps it.
constexpr prepared_kernel conv2d_packed_form(const conv2d_op& op) {
    prepared_kernel p{1, op, conv2d_packed_floats(op)};
    p.prepare = [](const prepared_kernel& f, const float* kernel, float* out, int) { conv2d_pack_kernel(f.op, kernel, out); };
    p.restore = [](const prepared_kernel& f, const float* packed, float* kernel) { conv2d_unpack_kernel(f.op, packed, kernel); };
    if (conv2d_packs_in_place(op)) p.prepare_in_place = [](const prepared_kernel& f, float* kernel) { conv2d_pack_kernel_in_place(f.op, kernel); };
    return p;
}

/// Writes im2col rows [row0, row0 + rows) of sample `x` (rows are output pixels; each row is
/// kh·kw·Cin values in Keras' kernel order, zeros where the window reads padding).
inline void im2col(const conv2d_op& op, const float* x, std::int64_t row0, std::int64_t rows, float* out) {
    const int cin = op.in.channels;
    const std::int64_t row_len = std::int64_t{op.kernel.height} * op.kernel.width * cin;
    for (std::int64_t r = 0; r != rows; ++r) {
        const auto pixel = row0 + r;
        const int oh = static_cast<int>(pixel / op.out.width), ow = static_cast<int>(pixel % op.out.width);
        float* dst = out + r * row_len;
        for (int kh = 0; kh != op.kernel.height; ++kh) {
            const int ih = static_cast<int>(rules::window_tap_position(oh, kh, op.stride.height, op.dilation.height, op.pad_top));
            for (int kw = 0; kw != op.kernel.width; ++kw, dst += cin) {
                const int iw = static_cast<int>(rules::window_tap_position(ow, kw, op.stride.width, op.dilation.width, op.pad_left));
                if (ih < 0 || ih >= op.in.height || iw < 0 || iw >= op.in.width)
                    std::memset(dst, 0, sizeof(float) * static_cast<std::size_t>(cin));
                else
                    std::memcpy(dst, x + (std::int64_t{ih} * op.in.width + iw) * cin, sizeof(float) * static_cast<std::size_t>(cin));
            }
        }
    }
}

/// One GEMM per kernel tap over the output pixels at which that tap reads real input, gathered
/// into a contiguous block: exactly the multiply-adds that do not hit padding. Work is split by
/// output channels where each thread gets 64 or more, so that each reads its share of the kernel
/// once; else by output rows (DenseNet121's 7×7 layers of 32 channels: on one thread, 2 took as
/// long as 1).
inline void conv2d_by_taps(const conv2d_op& op, tensor_view x, tensor_view y, const float* kernel, const float* bias,
                           workspace& ws, bool packed, const float* residual) {
    const int cin = op.in.channels, cout = op.out.channels;
    const std::int64_t pixels = std::int64_t{op.out.height} * op.out.width, taps = std::int64_t{op.kernel.height} * op.kernel.width;
    const int threads = threads_for(pixels * cout * taps * cin, ws.threads());
    const bool by_columns = cout >= 64 * threads;
    const int parts = by_columns ? threads : std::min(threads, op.out.height);
    // The output rows and columns a tap reaches: [oh0, oh1) × [ow0, ow1).
    const auto reach = [&](std::int64_t t) {
        const int kh = static_cast<int>(t / op.kernel.width), kw = static_cast<int>(t % op.kernel.width);
        const auto [oh0, oh1] = valid_outputs(kh, op.in.height, op.out.height, op.stride.height, op.dilation.height, op.pad_top);
        const auto [ow0, ow1] = valid_outputs(kw, op.in.width, op.out.width, op.stride.width, op.dilation.width, op.pad_left);
        return std::array{oh0, oh1, ow0, ow1};
    };
    const auto reaches = [&](std::int64_t t) {
        const auto [oh0, oh1, ow0, ow1] = reach(t);
        return oh1 > oh0 && ow1 > ow0;
    };
    for (int n = 0; n != x.batch; ++n) {
        const float* xs = x.sample(n);
        float* ys = y.sample(n);
        const float* rs = residual == nullptr ? nullptr : residual + (ys - y.data);
        parallel_for(static_cast<std::size_t>(parts), parts, [&](std::size_t part, int worker) {
            // Whole panels of columns, where a packed kernel's columns start (tile_gemm.hpp).
            // (Pairs, not bindings: Clang 14 cannot capture a structured binding in a lambda.)
            const auto columns = by_columns ? tile_gemm::column_part(cout, static_cast<std::size_t>(parts), part)
                                            : std::pair<std::int64_t, std::int64_t>{0, cout};
            const auto rows = by_columns ? std::pair<std::size_t, std::size_t>{0, op.out.height}
                                         : split(static_cast<std::size_t>(op.out.height), static_cast<std::size_t>(parts), part);
            const std::int64_t c0 = columns.first, c1 = columns.second, cols = c1 - c0;
            const int r0 = static_cast<int>(rows.first), r1 = static_cast<int>(rows.second);
            // The sums start from the bias and the residual tensor, if any: the taps add to them.
            const std::int64_t p0 = std::int64_t{r0} * op.out.width, p1 = std::int64_t{r1} * op.out.width;
            for (std::int64_t p = p0; p != p1; ++p) {
                float* row = ys + p * cout + c0;
                if (bias != nullptr) std::memcpy(row, bias + c0, sizeof(float) * static_cast<std::size_t>(cols));
                else std::memset(row, 0, sizeof(float) * static_cast<std::size_t>(cols));
                if (rs != nullptr)
                    for (std::int64_t c = 0; c != cols; ++c) row[c] += rs[p * cout + c0 + c];
            }
            // Rows per chunk so that the gathered pixels and their products fit the scratch.
            const std::int64_t per_row = cin + cols;
            const std::int64_t chunk = std::max<std::int64_t>(1, static_cast<std::int64_t>(workspace::budget) / per_row - 1);
            float* scratch = ws.scratch(worker, static_cast<std::size_t>(chunk * per_row));
            float* gathered = scratch;
            float* product = scratch + chunk * cin;
            const auto tap_kernel = [&](std::int64_t t) {
                return packed ? kernel + t * tile_gemm::size(cin, cout) : kernel + t * cin * cout + c0;
            };
            for (std::int64_t t = 0; t != taps; ++t) {
                if (!reaches(t)) continue;
                const int kh = static_cast<int>(t / op.kernel.width), kw = static_cast<int>(t % op.kernel.width);
                const auto [oh0, oh1, ow0, ow1] = reach(t);
                const int first = std::max(oh0, r0), end = std::min(oh1, r1);
                const std::int64_t width = ow1 - ow0;
                // Each product fetches the first panel of the next tap's kernel as it goes, as it
                // fetches its own next panels: with few pixels (ResNet50's 7×7 layers), reading
                // the kernel sets its time.
                std::int64_t next = t + 1;
                while (next != taps && !reaches(next)) ++next;
                const std::int64_t rows_per_chunk = std::max<std::int64_t>(1, chunk / width);
                for (int oh_begin = first; oh_begin < end; oh_begin += static_cast<int>(rows_per_chunk)) {
                    const int oh_end = static_cast<int>(std::min<std::int64_t>(end, oh_begin + rows_per_chunk));
                    std::int64_t m = 0;
                    for (int oh = oh_begin; oh != oh_end; ++oh) {
                        const auto ih = rules::window_tap_position(oh, kh, op.stride.height, op.dilation.height, op.pad_top);
                        for (int ow = ow0; ow != ow1; ++ow, ++m) {
                            const auto iw = rules::window_tap_position(ow, kw, op.stride.width, op.dilation.width, op.pad_left);
                            std::memcpy(gathered + m * cin, xs + (ih * op.in.width + iw) * cin,
                                        sizeof(float) * static_cast<std::size_t>(cin));
                        }
                    }
                    // The next tap's first panel of these columns (tile_gemm's layout), after the last chunk.
                    const float* then = packed && oh_end == end && next != taps
                                            ? tap_kernel(next) + c0 * std::min(tile_gemm::depth_block, std::int64_t{cin}) : nullptr;
                    if (packed)
                        tile_gemm::multiply(gathered, cin, tap_kernel(t), cout, c0, c1, product, cols, m, cin, nullptr,
                                            activation_kind::linear, false, nullptr, then, cin);
                    else gemm({gathered, cin}, {tap_kernel(t), cout}, {product, cols}, m, cols, cin, false);
                    m = 0;
                    for (int oh = oh_begin; oh != oh_end; ++oh)
                        for (int ow = ow0; ow != ow1; ++ow, ++m) {
                            float* dst = ys + (std::int64_t{oh} * op.out.width + ow) * cout + c0;
                            const float* src = product + m * cols;
                            for (std::int64_t c = 0; c != cols; ++c) dst[c] += src[c];
                        }
                }
            }
            bias_activate(ys + p0 * cout, cout, 0, p1 - p0, c0, c1, nullptr, op.activation);
        });
    }
}

/// Output columns [first, end) of `op` whose window (`span` input columns wide) lies inside the
/// input: ow·sw − pl ≥ 0 and ow·sw − pl + span ≤ W. Register-blocked kernels run these without
/// bounds checks and the others with them.
struct inside_columns {
    int first, end;
};
constexpr inside_columns inside_columns_of(const conv2d_op& op, int span) {
    const int out_w = op.out.width, sw = op.stride.width, pl = op.pad_left;
    const int first = std::min(out_w, (pl + sw - 1) / sw);
    const int last = op.in.width - span + pl < 0 ? 0 : std::min(out_w, (op.in.width - span + pl) / sw + 1);
    return {first, std::max(first, last)};
}

/// Calls run_row(n, oh) for every output row of `y` (sample n, row oh), the rows split in runs
/// over as many threads as `work` multiply-adds are worth (threads_for).
template <class RunRow>
void for_each_output_row(tensor_view y, std::int64_t work, int threads, RunRow&& run_row) {
    const int out_h = y.shape.height;
    const std::int64_t rows = std::int64_t{y.batch} * out_h;
    const int parts = static_cast<int>(std::min<std::int64_t>(threads_for(work, threads), rows));
    parallel_for(static_cast<std::size_t>(parts), parts, [&](std::size_t part, int) {
        const auto [r0, r1] = split(static_cast<std::size_t>(rows), static_cast<std::size_t>(parts), part);
        for (std::size_t r = r0; r != r1; ++r)
            run_row(static_cast<int>(static_cast<std::int64_t>(r) / out_h), static_cast<int>(static_cast<std::int64_t>(r) % out_h));
    });
}

/// Whether a Conv2D reads so few input channels (an image's first layer: MobileNetV2's Conv1 is
/// 3×3 over 3 channels, ResNet's stem 7×7 over 3) that its im2col rows of kh·kw·Cin ≤ 160 values
/// would leave the matrix product mostly idle: conv2d_few_inputs then does better, on the kernel
/// in Keras' layout (ResNet50's conv1_conv: 1.85 ms against 2.98 by im2col, 1 thread).
constexpr bool conv2d_few_inputs_path(const conv2d_op& op) {
    return op.in.channels <= 4 && std::int64_t{op.kernel.height} * op.kernel.width * op.in.channels <= 160;
}

/// y = conv(x) + bias, activated, for few input channels (conv2d_few_inputs_path), the kernel in
/// Keras' layout (kh, kw, Cin, Cout): each input value the window reads, broadcast, times its row
/// of the kernel (Cout contiguous values). Where the window lies inside the input, a register
/// block of P output pixels × NV vectors of output channels (24 accumulators: 6 pixels × 64
/// channels, 12 × 32, 12 × 16) shares each kernel load across P pixels and each broadcast
/// across NV vectors, with enough independent sums to keep both FMA units busy (4 accumulators
/// of 16 channels ran VGG's block1_conv1 at 36% of peak: each waited on the one before). The
/// border's pixels, one at a time, check bounds. The P pixels' inputs lie at offsets of the
/// stride times the channels, read at run time: GCC keeps the 12 offsets on the stack and
/// reloads one before each broadcast. Compiled for MobileNetV2's geometry (3 channels, stride 2)
/// its Conv1 took 0.29 ms against 0.35 (1 thread), but each geometry so compiled cost about a
/// second of the compiler's time in every program that runs a Conv2D (five of them: 6 s), so
/// the kernel stays one function; gathering each row's taps first would give fixed offsets to
/// every geometry at once (not done).
[[gnu::noinline]] inline void conv2d_few_inputs(const conv2d_op& op, tensor_view x, tensor_view y, const float* kernel,
                                                const float* bias, int threads) {
    // Eigen's packets, as tile_gemm's: the widest the target has, and its half. (GCC's vector
    // extension, used here before, is split by Clang 14 into halves on Intel CPUs it tunes for
    // 256-bit vectors, and the sums no longer fit the registers: ResNet's stem took 3.8 ms
    // against GCC's 1.6 on an Intel Xeon.)
    namespace ei = Eigen::internal;
    constexpr int registers = EIGEN_ARCH_DEFAULT_NUMBER_OF_REGISTERS;
    const int cin = op.in.channels, in_h = op.in.height, in_w = op.in.width, out_h = op.out.height, out_w = op.out.width;
    const int kh_n = op.kernel.height, kw_n = op.kernel.width, sh = op.stride.height, sw = op.stride.width;
    const int dh = op.dilation.height, dw = op.dilation.width, pt = op.pad_top, pl = op.pad_left;
    const std::int64_t cout = op.out.channels;
    const int span_h = (kh_n - 1) * dh + 1, span_w = (kw_n - 1) * dw + 1;
    const inside_columns inside = inside_columns_of(op, span_w);
    const int first_inside = inside.first, inside_end = inside.end;
    const bool in_registers = in_packets(op.activation);
    // A large output goes around the caches (packets.hpp's stream_min_floats): the U-Net's first
    // layer. Its activation applied in registers, whole packets aligned to their size.
    const bool stream = in_registers && streams_output(std::int64_t{y.batch} * out_h * out_w * cout, y.data, cout);

    auto run_row = [&](int n, int oh) {
        const float* xs = x.sample(n);
        float* yrow = y.sample(n) + std::int64_t{oh} * out_w * cout;
        const int ih0 = oh * sh - pt;
        const bool rows_inside = ih0 >= 0 && ih0 + span_h <= in_h;
        // Output channels [c0, c0 + NV·lanes) of the row, V (a packet, or a float) holding
        // `lanes` of them.
        auto block = [&]<int lanes, int NV>(std::integral_constant<int, lanes>, std::integral_constant<int, NV>, std::int64_t c0) {
            using V = decltype(packet_of_lanes<lanes>());
            V b[NV];
#pragma GCC unroll 16
            for (int v = 0; v != NV; ++v) b[v] = bias != nullptr ? ei::ploadu<V>(bias + c0 + v * lanes) : ei::pset1<V>(0.0f);
            // Activations that are in_packets in registers; the others as soon as stored, while in
            // L1 (with a pass over the row afterwards, VGG's block1_conv1, a 12.8 MB output, took
            // 1.65 ms against 1.05 alone, 1 thread). A call a pixel for ReLU too cost VGG16's
            // block1_conv1 2.25 ms in the model against 1.78, MobileNetV2's Conv1 0.44-0.46
            // against 0.35 (1 thread).
            auto store = [&](const V* acc, int ow) {
                float* dst = yrow + std::int64_t{ow} * cout + c0;
                if (in_registers) {
                    if constexpr (lanes == packet_lanes) {
                        if (stream) {
#pragma GCC unroll 16
                            for (int v = 0; v != NV; ++v) stream_store(dst + v * lanes, activate_packet(acc[v], op.activation));
                            return;
                        }
                    }
#pragma GCC unroll 16
                    for (int v = 0; v != NV; ++v) ei::pstoreu(dst + v * lanes, activate_packet(acc[v], op.activation));
                    return;
                }
#pragma GCC unroll 16
                for (int v = 0; v != NV; ++v) ei::pstoreu(dst + v * lanes, acc[v]);
                bias_activate(dst, 0, 0, 1, 0, NV * lanes, nullptr, op.activation);
            };
            auto checked = [&](int ow) {
                V acc[NV];
                for (int v = 0; v != NV; ++v) acc[v] = b[v];
                for (int kh = 0; kh != kh_n; ++kh) {
                    const int ih = ih0 + kh * dh;
                    if (ih < 0 || ih >= in_h) continue;
                    for (int kw = 0; kw != kw_n; ++kw) {
                        const int iw = ow * sw - pl + kw * dw;
                        if (iw < 0 || iw >= in_w) continue;
                        const float* s = xs + (std::int64_t{ih} * in_w + iw) * cin;
                        const float* k = kernel + (std::int64_t{kh} * kw_n + kw) * cin * cout + c0;
                        for (int ci = 0; ci != cin; ++ci)
                            for (int v = 0; v != NV; ++v) acc[v] = ei::pmadd(ei::pset1<V>(s[ci]), ei::ploadu<V>(k + ci * cout + v * lanes), acc[v]);
                    }
                }
                store(acc, ow);
            };
            // P pixels from `ow`, all inside the input. Every loop over pixels and vectors is
            // unrolled whole, so that the P·NV sums live in registers: GCC 12 otherwise kept them
            // on the stack, each multiply-add a store and a load behind the last one. AMD's Zen 5
            // forwards those almost for free; on an Intel Xeon, ResNet's 7×7 stem took 5.5 ms
            // against 1.6 (1 thread), VGG's block1_conv1 5.4 against 2.2.
            const std::int64_t step = std::int64_t{sw} * cin;
            auto inside_pixels = [&]<int P>(std::integral_constant<int, P>, int ow) {
                V acc[P][NV];
#pragma GCC unroll 16
                for (int p = 0; p != P; ++p)
#pragma GCC unroll 16
                    for (int v = 0; v != NV; ++v) acc[p][v] = b[v];
                for (int kh = 0; kh != kh_n; ++kh)
                    for (int kw = 0; kw != kw_n; ++kw) {
                        const float* s = xs + (std::int64_t{ih0 + kh * dh} * in_w + (ow * sw - pl + kw * dw)) * cin;
                        const float* k = kernel + (std::int64_t{kh} * kw_n + kw) * cin * cout + c0;
                        for (int ci = 0; ci != cin; ++ci) {
                            V wk[NV];
#pragma GCC unroll 16
                            for (int v = 0; v != NV; ++v) wk[v] = ei::ploadu<V>(k + ci * cout + v * lanes);
#pragma GCC unroll 16
                            for (int p = 0; p != P; ++p) {
                                const V value = ei::pset1<V>(s[ci + p * step]);
#pragma GCC unroll 16
                                for (int v = 0; v != NV; ++v) acc[p][v] = ei::pmadd(value, wk[v], acc[p][v]);
                            }
                        }
                    }
#pragma GCC unroll 16
                for (int p = 0; p != P; ++p) store(acc[p], ow + p);
            };
            if (!rows_inside) {
                for (int ow = 0; ow != out_w; ++ow) checked(ow);
                return;
            }
            for (int ow = 0; ow != first_inside; ++ow) checked(ow);
            // As many pixels as leave registers for the NV kernel values and a broadcast (6 × 4
            // packets, 12 × 2 and 12 × 1 with AVX-512's 32; 2 × 4, 6 × 2 and 12 × 1 with AVX2's 16).
            constexpr int pixels = std::clamp((registers - NV - 1) / NV, 1, 12), fewer = std::min(4, pixels);
            int ow = first_inside;
            for (; ow + pixels <= inside_end; ow += pixels) inside_pixels(std::integral_constant<int, pixels>{}, ow);
            for (; ow + fewer <= inside_end; ow += fewer) inside_pixels(std::integral_constant<int, fewer>{}, ow);
            for (; ow != inside_end; ++ow) inside_pixels(std::integral_constant<int, 1>{}, ow);
            for (; ow != out_w; ++ow) checked(ow);
        };
        constexpr int wide = packet_lanes;
        using ic = std::integral_constant<int, wide>;
        std::int64_t c = 0;
        for (; c + 4 * wide <= cout; c += 4 * wide) block(ic{}, std::integral_constant<int, 4>{}, c);
        for (; c + 2 * wide <= cout; c += 2 * wide) block(ic{}, std::integral_constant<int, 2>{}, c);
        for (; c + wide <= cout; c += wide) block(ic{}, std::integral_constant<int, 1>{}, c);
        if constexpr (half_packet_lanes < wide)
            for (; c + half_packet_lanes <= cout; c += half_packet_lanes)
                block(std::integral_constant<int, half_packet_lanes>{}, std::integral_constant<int, 1>{}, c);
        for (; c != cout; ++c) block(std::integral_constant<int, 1>{}, std::integral_constant<int, 1>{}, c);
        if (stream) stream_fence();
    };

    const std::int64_t pixels = std::int64_t{y.batch} * out_h * out_w;
    for_each_output_row(y, pixels * cout * kh_n * kw_n * cin, threads, run_row);
    if (op.activation == activation_kind::softmax) softmax_rows(y.data, pixels, static_cast<std::int64_t>(cout), threads);
}


/// A 1×1 Conv2D to at most tile_gemm::most_narrow output channels (the U-Net's last layer: 64 → 2
/// on a 388×388 map) as narrow products (tile_gemm::narrow_tile): tile_gemm::multiply's panels
/// would compute 2·lanes columns a pixel, 16 times the 2 wanted. N columns, 2 for one or two
/// classes, else 8 (each N is compile time in every file that runs a Conv2D: with 2, 4 and 8,
/// tests/runtime/fcn8.cpp took 53 → 56 s sanitized), the kernel's columns past Cout zeros:
/// packed (`packed`), it has a panel's columns; in Keras' layout it is copied with most_narrow.
/// Split over threads in equal runs of pixels, each tile's values scattered to its pixels, then
/// biased, summed with the residual and activated in one pass (bias_activate) while in cache.
/// Such a layer reads much and computes little, so each tile also fetches the input of the tile
/// two ahead of it, which the hardware did not in time. The U-Net's, input from memory, on a
/// 2-core Xeon (medians of 31 calls, three runs): 6.45-6.70 ms on 1 thread and 3.27-3.37 on 2 by
/// panels; 5.46-5.72 and 2.73-2.90 so without fetching ahead, 4.40-4.88 and 2.31-2.55 with it (4
/// and 16 tiles ahead were slower).
template <int N>
void conv2d_narrow_products(const conv2d_op& op, tensor_view x, tensor_view y, const float* weights, std::int64_t ldw, const float* bias,
                            workspace& ws, float* buffer0, const float* residual) {
    using tile_gemm::lanes, tile_gemm::rows;
    const int cin = op.in.channels, cout = op.out.channels;
    const std::int64_t total = std::int64_t{op.out.height} * op.out.width * x.batch, ahead = 2 * rows;
    const auto parts = static_cast<std::size_t>(threads_for(total * cin * cout, ws.threads()));
    parallel_for(parts, static_cast<int>(parts), [&](std::size_t part, int worker) {
        const auto [first, last] = split(static_cast<std::size_t>(total), parts, part);
        const auto begin = static_cast<std::int64_t>(first), end = static_cast<std::int64_t>(last);
        float* buffer = worker == 0 ? buffer0 : ws.scratch(worker, static_cast<std::size_t>(cin * lanes));
        alignas(64) float values[N][lanes];
        for (std::int64_t p = begin; p < end; p += rows) {
            const int m = static_cast<int>(std::min<std::int64_t>(rows, end - p));
            if (const std::int64_t fetch = std::min<std::int64_t>(rows, end - p - ahead); fetch > 0)
                for (std::int64_t f = 0; f < fetch * cin; f += tile_gemm::line_floats)
                    __builtin_prefetch(x.data + (p + ahead) * cin + f, 0, 3);
            tile_gemm::packet acc[N];
            tile_gemm::narrow_tile<N>(x.data + p * cin, cin, m, cin, weights, ldw, 1, nullptr, buffer, acc);
#pragma GCC unroll 8
            for (int t = 0; t < N; ++t) Eigen::internal::pstore(values[t], acc[t]);
            float* out = y.data + p * cout;
            for (int r = 0; r != m; ++r)
                for (int t = 0; t != cout; ++t) out[r * cout + t] = values[t][r];
            bias_activate(out, cout, 0, m, 0, cout, bias, op.activation, residual == nullptr ? nullptr : residual + p * cout);
        }
    });
}
inline void conv2d_narrow(const conv2d_op& op, tensor_view x, tensor_view y, const float* kernel, bool packed, const float* bias,
                          workspace& ws, const float* residual) {
    using tile_gemm::most_narrow;
    const int cin = op.in.channels, cout = op.out.channels;
    // The copy rounded to whole cache lines: worker 0's buffer after it is read and written aligned.
    const std::int64_t copy_floats = packed ? 0 : (std::int64_t{cin} * most_narrow + 15) / 16 * 16;
    float* scratch = ws.scratch(0, static_cast<std::size_t>(copy_floats + std::int64_t{cin} * tile_gemm::lanes));
    const float* weights = kernel;
    std::int64_t ldw = tile_gemm::padded(cout);
    if (!packed) {
        for (std::int64_t c = 0; c != cin; ++c)
            std::fill(std::copy_n(kernel + c * cout, cout, scratch + c * most_narrow), scratch + (c + 1) * most_narrow, 0.0f);
        weights = scratch, ldw = most_narrow;
    }
    if (cout <= 2) conv2d_narrow_products<2>(op, x, y, weights, ldw, bias, ws, scratch + copy_floats, residual);
    else conv2d_narrow_products<most_narrow>(op, x, y, weights, ldw, bias, ws, scratch + copy_floats, residual);
}

/// y = conv(x) + bias (+ residual), activated. `kernel` is in Keras' layout (kh, kw, Cin, Cout),
/// which is exactly the (kh·kw·Cin) × Cout matrix that im2col rows multiply; or, if `packed`,
/// packed by conv2d_pack_kernel for the same `op`. `residual` (may be null) is a tensor laid out
/// as y, added before the activation in each path's epilogue (a residual Add folded into the
/// layer, graph/folding.hpp). `input` (1×1 convolutions only) maps x's values as they are read: a
/// BatchNormalization and activation folded into the layer from before it. `output` maps y's
/// values after the activation (a BatchNormalization or Rescaling folded in after it): in the
/// packed products' epilogues where the activation is in_packets, else as a pass at the end.
[[gnu::noinline]] inline void conv2d(const conv2d_op& op, tensor_view x, tensor_view y, const float* kernel, const float* bias,
                   workspace& ws, bool packed = false, const float* residual = nullptr, const channel_map& input = {},
                   const channel_map& output = {}) {
    const int cin = op.in.channels, cout = op.out.channels;
    const std::int64_t pixels = std::int64_t{op.out.height} * op.out.width;
    const conv2d_path path = path_of(op);
    // A mapped input goes the way of im2col, its rows mapped into the tile instead of gathered:
    // a 1×1 convolution's rows are its pixels (folding.hpp folds maps into no other Conv2D).
    const bool mapped = input.scale != nullptr;
    // The residual values where `out`, a pointer into y, has its outputs.
    const auto residual_at = [&](const float* out) { return residual == nullptr ? nullptr : residual + (out - y.data); };
    auto epilogue = [&](float* out) {
        return [&, out](std::int64_t r0, std::int64_t r1, std::int64_t c0, std::int64_t c1) {
            bias_activate(out, cout, r0, r1, c0, c1, bias, op.activation, residual_at(out));
        };
    };
    // The output map for tile_gemm's epilogues (none if they cannot apply it), and whether the
    // path taken applied it.
    const channel_map in_epilogue = in_packets(op.activation) && packed ? output : channel_map{};
    bool output_mapped = false;

    if (path == conv2d_path::pointwise && !mapped) {
        // A 1×1 convolution is one matrix product: (N·H·W) × Cin times Cin × Cout.
        if (cout <= tile_gemm::most_narrow && tile_gemm::interleaves) {
            conv2d_narrow(op, x, y, kernel, packed, bias, ws, residual);
        } else if (packed) {
            tile_gemm::parallel_multiply(x.data, cin, kernel, cout, y.data, cout, pixels * x.batch, cin, bias, op.activation, ws.threads(),
                                         residual, in_epilogue);
            output_mapped = in_epilogue.scale != nullptr;
        } else {
            parallel_gemm({x.data, cin}, {kernel, cout}, {y.data, cout}, pixels * x.batch, cout, cin, ws.threads(),
                          epilogue(y.data));
        }
    } else if (path == conv2d_path::by_taps) {
        conv2d_by_taps(op, x, y, kernel, bias, ws, packed, residual);
    } else {
        output_mapped = in_epilogue.scale != nullptr;  // packed: each product's epilogue
        const std::int64_t row_len = std::int64_t{op.kernel.height} * op.kernel.width * cin;
        const std::int64_t budget_rows = std::max<std::int64_t>(1, static_cast<std::int64_t>(workspace::budget) / row_len - 1);
        const auto tile_floats = [&](std::int64_t rows) { return (rows * row_len + 15) / 16 * 16; };
        const auto fill = [&](int n, std::int64_t row0, std::int64_t rows, float* cols) {
            if (mapped) map_pixels(x.sample(n) + row0 * cin, rows, cin, input, cols);
            else im2col(op, x.sample(n), row0, rows, cols);
        };
        const std::int64_t total = pixels * x.batch;
        if (total >= 32 * std::int64_t{ws.threads()}) {
            // Many rows: each thread takes whole tiles (im2col, GEMM, epilogue), of near-equal
            // sizes within the budget and as many as a multiple of the threads, so that no thread
            // waits on another's last tile (3,136 rows in tiles of at most 1,023 were 3 whole ones
            // and a stub: on 2 threads, one did two whole tiles while the other did one).
            const std::int64_t threads = ws.threads();
            std::int64_t per_sample = std::max((pixels + budget_rows - 1) / budget_rows, (threads + x.batch - 1) / x.batch);
            while (per_sample * x.batch % threads != 0) ++per_sample;
            const std::int64_t tile = (pixels + per_sample - 1) / per_sample;
            const std::int64_t tiles_per_sample = (pixels + tile - 1) / tile;
            parallel_for(static_cast<std::size_t>(tiles_per_sample * x.batch), ws.threads(), [&](std::size_t t, int worker) {
                const int n = static_cast<int>(static_cast<std::int64_t>(t) / tiles_per_sample);
                const std::int64_t row0 = (static_cast<std::int64_t>(t) % tiles_per_sample) * tile;
                const std::int64_t rows = std::min(tile, pixels - row0);
                float* cols = ws.scratch(worker, static_cast<std::size_t>(tile_floats(rows)));
                fill(n, row0, rows, cols);
                float* out = y.sample(n) + row0 * cout;
                if (packed) {
                    tile_gemm::multiply(cols, row_len, kernel, cout, 0, cout, out, cout, rows, row_len, bias, op.activation, false,
                                        residual_at(out), nullptr, 0, in_epilogue);
                } else {
                    gemm({cols, row_len}, {kernel, cout}, {out, cout}, rows, cout, row_len, false);
                    bias_activate(out, cout, 0, rows, 0, cout, bias, op.activation, residual_at(out));
                }
            });
        } else if (packed) {
            // Few rows (small maps): tiles one after another, each product split by panels of
            // columns (each thread reads its share of the kernel), and by rows too where the
            // panels do not go evenly (tile_gemm::grid_part). Each thread fills the rows it
            // multiplies into its own scratch, all of them when split by columns alone: filling
            // them twice costs less than one thread filling them for all. On a 2-core Xeon VM,
            // the next layer's Winograd transform, writing the scratch the other core had just
            // read, took 3-4× as long on that thread as on the other. A DenseNet121 block on 7×7
            // alone, weights in cache, its 1×1 convolution (49 rows, 128 columns) and then the
            // 3×3, took 46 and 66 µs on 2 threads against 45 and 32 on 1, and now 31 and 24 µs on 2.
            const int threads = threads_for(std::min(budget_rows, pixels) * cout * row_len, ws.threads());
            for (int n = 0; n != x.batch; ++n)
                for (std::int64_t row0 = 0; row0 < pixels; row0 += budget_rows) {
                    const std::int64_t rows = std::min(budget_rows, pixels - row0);
                    const auto parts = static_cast<std::size_t>(std::min<std::int64_t>(threads, rows));
                    parallel_for(parts, static_cast<int>(parts), [&](std::size_t part, int worker) {
                        struct rectangle { std::int64_t r0, r1, c0, c1; };
                        rectangle share[3];
                        int count = 0;
                        std::int64_t r0 = rows, r1 = 0;  // the rows this part fills: all its rectangles'
                        const auto take = [&](std::int64_t a0, std::int64_t a1, std::int64_t c0, std::int64_t c1) {
                            share[count++] = {a0, a1, c0, c1};
                            r0 = std::min(r0, a0);
                            r1 = std::max(r1, a1);
                        };
                        tile_gemm::grid_part(rows, cout, parts, part, take);
                        if (count == 0) return;
                        float* cols = ws.scratch(worker, static_cast<std::size_t>(tile_floats(r1 - r0)));
                        fill(n, row0 + r0, r1 - r0, cols);
                        for (const rectangle& c : std::span(share, static_cast<std::size_t>(count))) {
                            float* out = y.sample(n) + (row0 + c.r0) * cout + c.c0;
                            const float* res = residual_at(out);
                            tile_gemm::multiply(cols + (c.r0 - r0) * row_len, row_len, kernel, cout, c.c0, c.c1, out, cout, c.r1 - c.r0,
                                                row_len, bias, op.activation, false, res, nullptr, 0, in_epilogue);
                        }
                    });
                }
        } else {
            // Few rows, the kernel in Keras' layout: Eigen's product, split by columns.
            for (int n = 0; n != x.batch; ++n)
                for (std::int64_t row0 = 0; row0 < pixels; row0 += budget_rows) {
                    const std::int64_t rows = std::min(budget_rows, pixels - row0);
                    float* cols = ws.scratch(0, static_cast<std::size_t>(tile_floats(rows)));
                    fill(n, row0, rows, cols);
                    float* out = y.sample(n) + row0 * cout;
                    parallel_gemm({cols, row_len}, {kernel, cout}, {out, cout}, rows, cout, row_len, ws.threads(), epilogue(out));
                }
        }
    }
    if (op.activation == activation_kind::softmax) softmax_rows(y.data, pixels * y.batch, cout, ws.threads());
    if (output.scale != nullptr && !output_mapped) map_output(y.data, pixels * y.batch, cout, output, ws.threads());
}

}  // namespace ctnn::detail
