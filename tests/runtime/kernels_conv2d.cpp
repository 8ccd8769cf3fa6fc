// Conv2D against the direct definition (reference.hpp) over 40 configurations drawn at compile
// time, and along each of its paths (1×1, im2col tiles, per-tap products, few rows), on 1 and 3
// threads.
// SPDX-License-Identifier: BSL-1.0
#include <cstdint>

#include "layer_check.hpp"

namespace {
using namespace layer_check;

template <std::uint64_t Seed>
void conv_case() {
    static constexpr conv_config c = draw_conv(Seed, false);
    using L = Conv2D<c.cout, kernel_size<c.kh, c.kw>, strides<c.sh, c.sw>, dilation_rate<c.dh, c.dw>,
                     std::conditional_t<c.same == 1, same, valid>, typename activation_of<c.act>::type, name<"conv">>;
    INFO("Conv2D on " << c.batch << "×" << c.h << "×" << c.w << "×" << c.cin << ": filters " << c.cout << ", kernel " << c.kh
                      << "×" << c.kw << ", strides " << c.sh << "×" << c.sw << ", dilation " << c.dh << "×" << c.dw
                      << (c.same ? ", same" : ", valid"));
    check_layer<L, shape<c.h, c.w, c.cin>, c.batch>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::conv2d(x, k, b, c.kh, c.kw, c.cout, c.sh, c.sw, c.dh, c.dw, c.same == 1, c.act);
        },
        static_cast<std::uint32_t>(Seed));
}

template <std::uint64_t... Seeds>
void conv_cases(std::integer_sequence<std::uint64_t, Seeds...>) {
    (conv_case<Seeds * 7919 + 1>(), ...);
}
}  // namespace

TEST_CASE("Conv2D matches the direct definition over 40 drawn configurations") {
    conv_cases(std::make_integer_sequence<std::uint64_t, 40>{});
}

TEST_CASE("Conv2D takes each of its paths correctly") {
    // 1×1: one GEMM over all pixels.
    check_layer<Conv2D<24, kernel_size<1>, same, relu, name<"c">>, shape<9, 11, 16>, 2>(
        [](const array4& x, const auto& k, const auto& b) { return reference::conv2d(x, k, b, 1, 1, 24, 1, 1, 1, 1, true, 1); }, 1);
    // Many rows: im2col tiles split across threads, several tiles per sample.
    check_layer<Conv2D<32, kernel_size<3>, same, relu, name<"c">>, shape<64, 70, 20>, 2>(
        [](const array4& x, const auto& k, const auto& b) { return reference::conv2d(x, k, b, 3, 3, 32, 1, 1, 1, 1, true, 1); }, 2);
    // conv6's case: a 7×7 kernel on a 7×7 map with `same` (43% of taps on padding): per-tap GEMMs.
    check_layer<Conv2D<256, kernel_size<7>, same, relu, name<"c">>, shape<7, 7, 24>, 2>(
        [](const array4& x, const auto& k, const auto& b) { return reference::conv2d(x, k, b, 7, 7, 256, 1, 1, 1, 1, true, 1); }, 3);
    // Few rows: im2col, the product split by columns.
    check_layer<Conv2D<200, kernel_size<2>, valid, name<"c">>, shape<4, 5, 30>, 1>(
        [](const array4& x, const auto& k, const auto& b) { return reference::conv2d(x, k, b, 2, 2, 200, 1, 1, 1, 1, false, 0); }, 4);
}

