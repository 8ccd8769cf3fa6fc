// Conv2DTranspose against the scatter-add definition (reference.hpp): its kernel over 160
// configurations drawn at run time, with the kernel as set and packed (form 1), on 1 to 3 threads;
// the layer's glue through networks of 8 drawn configurations (their kernels read back as set
// afterwards); TF's placement of the odd `same` pixel, FCN-8's upsamplers, and the path for
// strides equal to the kernel.
// SPDX-License-Identifier: BSL-1.0
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "layer_check.hpp"

namespace {
using namespace layer_check;

template <std::uint64_t Seed>
void transpose_case() {
    static constexpr conv_config c = draw_conv(Seed, true);
    using padding_option = std::conditional_t<c.same == 1, same, valid>;
    using act = typename activation_of<c.act>::type;
    using L = std::conditional_t<
        (c.op_h >= 0),
        Conv2DTranspose<c.cout, kernel_size<c.kh, c.kw>, strides<c.sh, c.sw>, dilation_rate<c.dh, c.dw>, padding_option,
                        output_padding<(c.op_h < 0 ? 0 : c.op_h), (c.op_w < 0 ? 0 : c.op_w)>, act, name<"up">>,
        Conv2DTranspose<c.cout, kernel_size<c.kh, c.kw>, strides<c.sh, c.sw>, dilation_rate<c.dh, c.dw>, padding_option, act,
                        name<"up">>>;
    INFO(describe(c, true));
    check_layer<L, shape<c.h, c.w, c.cin>, c.batch>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::conv2d_transpose(x, k, b, c.kh, c.kw, c.cout, c.sh, c.sw, c.dh, c.dw, c.same == 1, c.op_h,
                                               c.op_w, c.act);
        },
        static_cast<std::uint32_t>(Seed));
}

template <std::uint64_t... Seeds>
void transpose_cases(std::integer_sequence<std::uint64_t, Seeds...>) {
    (transpose_case<Seeds * 104729 + 3>(), ...);
}

// The form a network keeps a Conv2DTranspose's kernel in: packed for tile_gemm (form 1) where its
// products fill a panel and the kernel is at most 16 MiB (FCN-8's first upsampler, the U-Net's),
// else as set: PP-OCRv4's one-filter head (4 products a pixel), a kernel of 1024 × 4096 × 2 × 2.
template <class L>
constexpr int form_of(dims in, dims out) {
    return detail::prepared_kernel_of(std::type_identity<L>{}, in, out).form;
}
static_assert(form_of<Conv2DTranspose<12, kernel_size<4>, strides<2>, no_bias>>(dims{7, 7, 4096}, dims{16, 16, 12}) == 1);
static_assert(form_of<Conv2DTranspose<512, kernel_size<2>, strides<2>>>(dims{28, 28, 1024}, dims{56, 56, 512}) == 1);
static_assert(form_of<Conv2DTranspose<1, kernel_size<2>, strides<2>, sigmoid>>(dims{160, 160, 24}, dims{320, 320, 1}) == 0);
static_assert(form_of<Conv2DTranspose<1024, kernel_size<2>, strides<2>>>(dims{8, 8, 4096}, dims{16, 16, 1024}) == 0);
}  // namespace

TEST_CASE("Conv2DTranspose's kernel matches the scatter-add definition over 160 drawn configurations, packed and not") {
    int disjoint = 0, packed_count = 0, few = 0, per_tap = 0, per_tap_cut = 0, into_rows = 0;
    for (std::uint64_t i = 0; i != 160; ++i) {
        conv_config c = draw_conv(i * 7573 + 11, true);
        // Every third: deeper products and more output channels (products of several panels).
        if (i % 3 == 1) c.cin = 6 + static_cast<int>(i % 27), c.cout = 9 + static_cast<int>(i * 5 % 40);
        // Every fifth: strides equal to the kernel, undilated, no output_padding (the path of disjoint
        // windows).
        if (i % 5 == 2) c.sh = c.kh, c.sw = c.kw, c.dh = c.dw = 1, c.op_h = c.op_w = -1;
        // Every seventh: a softmax over 9-16 channels, strides equal to the kernel (with AVX-512's 16
        // lanes, the path of a tap at a time); every other one of those `same` with an output_padding
        // of 0, which cuts the windows at the edges.
        const bool soft = i % 7 == 3;
        if (soft) {
            c.act = 0, c.cout = 9 + static_cast<int>(i % 8), c.sh = c.kh, c.sw = c.kw, c.dh = c.dw = 1;
            c.op_h = c.op_w = i % 2 == 0 ? 0 : -1, c.same = i % 2 == 0 ? 1 : c.same;
        }
        CAPTURE(soft);
        INFO(describe(c, true));
        const int threads = 1 + static_cast<int>(i % 3);
        CAPTURE(threads);
        const auto seed = static_cast<std::uint32_t>(i);
        // Named, not bound: Clang 14 cannot capture a structured binding in the lambda below.
        operands drawn = random_operands(c, seed, i % 4 != 3);
        array4& x = drawn.x;  // a tensor_view's data is not const
        const std::vector<float>& kernel = drawn.kernel;
        const std::vector<float>& bias = drawn.bias;
        const array4 products = reference::conv2d_transpose(x, kernel, bias, c.kh, c.kw, c.cout, c.sh, c.sw, c.dh, c.dw,
                                                            c.same == 1, c.op_h, c.op_w, c.act);
        const array4 want = soft ? reference::softmax_channels(products) : products;
        const detail::conv2d_transpose_op op{{c.h, c.w, c.cin},
                                             {want.h, want.w, c.cout},
                                             {c.kh, c.kw},
                                             {c.sh, c.sw},
                                             {c.dh, c.dw},
                                             reference::deconv_cut_before(c.h, c.kh, c.sh, c.dh, c.same == 1, c.op_h),
                                             reference::deconv_cut_before(c.w, c.kw, c.sw, c.dw, c.same == 1, c.op_w),
                                             soft ? activation_kind::softmax : kind_of(c.act)};
        disjoint += detail::disjoint_windows(op);
        // Disjoint windows of so few products a pixel that they are taken in packets of pixels.
        few += detail::disjoint_windows(op) && c.kh * c.kw * c.cout <= detail::tile_gemm::most_narrow;
        // A softmax over disjoint windows whose taps' channels fill most of a packet: a tap at a time.
        per_tap += detail::by_tap_packets(op);
        per_tap_cut += detail::by_tap_packets(op) && (op.cut_top > 0 || op.cut_left > 0);
        // Windows that tile the output exactly, a row of them at a time straight into it.
        into_rows += detail::into_output_rows(op);
        detail::workspace ws(threads);
        const auto run = [&](const std::string& path, const float* k, bool packed) {
            CAPTURE(path);
            std::vector<float> got(want.v.size(), -3.0f);
            detail::conv2d_transpose(op, {x.v.data(), c.batch, op.in}, {got.data(), c.batch, op.out}, k,
                                     bias.empty() ? nullptr : bias.data(), ws, packed);
            CHECK(first_mismatch(got.data(), want.v) == got.size());
        };
        run("as set", kernel.data(), false);
        // Packed as a network keeps it, where it would (products at least a panel wide); it gives
        // the kernel back exactly.
        const detail::prepared_kernel form = detail::conv2d_transpose_form(op.in, op.out, op.kernel);
        if (form.form == 1) {
            ++packed_count;
            const detail::aligned_floats packed(static_cast<std::size_t>(form.floats));
            form.prepare(form, kernel.data(), packed.data.get(), threads);
            run("packed", packed.data.get(), true);
            std::vector<float> back(kernel.size());
            form.restore(form, packed.data.get(), back.data());
            CHECK(back == kernel);
        }
    }
    // The draw reaches each path (its counts change only with the draw).
    CHECK(disjoint > 0);
    CHECK(few > 0);
    CHECK(into_rows > 0);
    if (detail::tile_gemm::lanes == 16) {
        CHECK(per_tap > per_tap_cut);
        CHECK(per_tap_cut > 0);
    }
    CHECK(packed_count > 0);
    CHECK(packed_count < 160);
}

TEST_CASE("Conv2DTranspose layers reach that kernel from their types: 8 drawn configurations") {
    transpose_cases(std::make_integer_sequence<std::uint64_t, 8>{});
}

TEST_CASE("Conv2DTranspose places TF's odd `same` pixel after, and FCN-8's upsamplers are right") {
    // k=3, s=2, same: cut (0, 1); k=4, s=1: cut (1, 2); k=1, s=2: one zero row appended.
    check_layer<Conv2DTranspose<5, kernel_size<3>, strides<2>, same, name<"u">>, shape<4, 5, 3>, 2>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::conv2d_transpose(x, k, b, 3, 3, 5, 2, 2, 1, 1, true, -1, -1, 0);
        },
        11);
    check_layer<Conv2DTranspose<5, kernel_size<4>, strides<1>, same, name<"u">>, shape<4, 5, 3>, 1>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::conv2d_transpose(x, k, b, 4, 4, 5, 1, 1, 1, 1, true, -1, -1, 0);
        },
        12);
    check_layer<Conv2DTranspose<5, kernel_size<1>, strides<2>, same, name<"u">>, shape<4, 5, 3>, 1>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::conv2d_transpose(x, k, b, 1, 1, 5, 2, 2, 1, 1, true, -1, -1, 0);
        },
        13);
    check_layer<Conv2DTranspose<12, kernel_size<4>, strides<2>, no_bias, name<"u">>, shape<7, 7, 64>, 1>(
        [](const array4& x, const auto& k, const auto&) {
            return reference::conv2d_transpose(x, k, {}, 4, 4, 12, 2, 2, 1, 1, false, -1, -1, 0);
        },
        14);
    check_layer<Conv2DTranspose<12, kernel_size<8>, strides<8>, no_bias, name<"u">>, shape<28, 28, 12>, 1>(
        [](const array4& x, const auto& k, const auto&) {
            return reference::conv2d_transpose(x, k, {}, 8, 8, 12, 8, 8, 1, 1, false, -1, -1, 0);
        },
        15);
}

TEST_CASE("Conv2DTranspose with strides equal to its kernel copies each product to its own block") {
    // 3,200 input pixels in chunks of at most 256 (kernel 4×4, 64 filters: 1024 products a pixel),
    // as many as a multiple of the threads: 13 on 1 thread, 15 on 3; relu in the products;
    // `same`, which cuts nothing here.
    check_layer<Conv2DTranspose<64, kernel_size<4>, strides<4>, relu, name<"u">>, shape<40, 40, 8>, 2>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::conv2d_transpose(x, k, b, 4, 4, 64, 4, 4, 1, 1, false, -1, -1, 1);
        },
        16);
    check_layer<Conv2DTranspose<6, kernel_size<2, 3>, strides<2, 3>, same, ctnn::tanh, name<"u">>, shape<9, 7, 5>, 2>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::conv2d_transpose(x, k, b, 2, 3, 6, 2, 3, 1, 1, true, -1, -1, 3);
        },
        17);
    // PP-OCRv4's head: one filter, sigmoid; and FCN-8's last upsampler with its softmax.
    check_layer<Conv2DTranspose<1, kernel_size<2>, strides<2>, sigmoid, name<"u">>, shape<30, 31, 24>, 2>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::conv2d_transpose(x, k, b, 2, 2, 1, 2, 2, 1, 1, false, -1, -1, 2);
        },
        18);
    check_layer<Conv2DTranspose<12, kernel_size<8>, strides<8>, softmax, no_bias, name<"u">>, shape<9, 10, 12>, 1>(
        [](const array4& x, const auto& k, const auto&) {
            return reference::softmax_channels(reference::conv2d_transpose(x, k, {}, 8, 8, 12, 8, 8, 1, 1, false, -1, -1, 0));
        },
        19);
    // Softmax a tap at a time, a packet of pixels per channel (by_tap_packets, with AVX-512's 16
    // lanes): a whole packet of channels with a bias; 10 channels (three quarters of a packet's
    // registers) on a batch of 3; 9 with `same`, which cuts nothing here.
    check_layer<Conv2DTranspose<16, kernel_size<3, 2>, strides<3, 2>, softmax, name<"u">>, shape<5, 7, 6>, 2>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::softmax_channels(reference::conv2d_transpose(x, k, b, 3, 2, 16, 3, 2, 1, 1, false, -1, -1, 0));
        },
        21);
    check_layer<Conv2DTranspose<10, kernel_size<4>, strides<4>, softmax, name<"u">>, shape<6, 5, 7>, 3>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::softmax_channels(reference::conv2d_transpose(x, k, b, 4, 4, 10, 4, 4, 1, 1, false, -1, -1, 0));
        },
        22);
    check_layer<Conv2DTranspose<9, kernel_size<2>, strides<2>, same, softmax, name<"u">>, shape<8, 3, 20>, 2>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::softmax_channels(reference::conv2d_transpose(x, k, b, 2, 2, 9, 2, 2, 1, 1, true, -1, -1, 0));
        },
        23);
    // output_padding past the last block leaves cells no window covers: the general path.
    check_layer<Conv2DTranspose<5, kernel_size<2>, strides<2>, output_padding<1, 1>, name<"u">>, shape<6, 5, 3>, 2>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::conv2d_transpose(x, k, b, 2, 2, 5, 2, 2, 1, 1, false, 1, 1, 0);
        },
        20);
}

