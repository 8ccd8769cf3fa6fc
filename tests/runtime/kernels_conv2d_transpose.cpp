// Conv2DTranspose against the scatter-add definition (reference.hpp) over 40 configurations
// drawn at compile time, TF's placement of the odd `same` pixel, FCN-8's upsamplers, and the path
// for strides equal to the kernel, on 1 and 3 threads, with kernels kept packed (form 1) and as
// set; each read back as set afterwards.
// SPDX-License-Identifier: BSL-1.0
#include <cstdint>

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
    INFO("Conv2DTranspose on " << c.batch << "×" << c.h << "×" << c.w << "×" << c.cin << ": filters " << c.cout
                               << ", kernel " << c.kh << "×" << c.kw << ", strides " << c.sh << "×" << c.sw << ", dilation "
                               << c.dh << "×" << c.dw << (c.same ? ", same" : ", valid") << ", output_padding " << c.op_h
                               << "×" << c.op_w);
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

TEST_CASE("Conv2DTranspose matches the scatter-add definition over 40 drawn configurations") {
    transpose_cases(std::make_integer_sequence<std::uint64_t, 40>{});
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
    // 13 chunks of 256 input pixels over threads (kernel 4×4, 64 filters: 1024 products a pixel),
    // relu in the products; `same`, which cuts nothing here.
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
    // output_padding past the last block leaves cells no window covers: the general path.
    check_layer<Conv2DTranspose<5, kernel_size<2>, strides<2>, output_padding<1, 1>, name<"u">>, shape<6, 5, 3>, 2>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::conv2d_transpose(x, k, b, 2, 2, 5, 2, 2, 1, 1, false, 1, 1, 0);
        },
        20);
}

