// BatchNormalization (folded and not), DepthwiseConv2D, SeparableConv2D, grouped Conv2D, the
// broadcasting merges and bilinear UpSampling2D against PyTorch: fixtures made by
// tests/oracle/make_layer_fixtures_b.py. Each case is built here as a typed model with the same
// layer names, loads the case's weights and must reproduce PyTorch's output within 1e-4, relative.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>
#include <ctnn/io/weights.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "torch_fixture.hpp"

namespace {
using namespace ctnn;

using torch_fixture::check_against_torch;
using torch_fixture::one_layer;

constexpr auto conv_bn_relu() {
    auto x = Input<shape<7, 6, 3>, name<"x">>{}();
    auto c = Conv2D<8, kernel_size<3>, same, no_bias, name<"conv">>{}(x);
    auto b = BatchNormalization<epsilon<"1.001e-5">, name<"bn">>{}(c);
    return Model{x, Activation<relu, name<"relu">>{}(b)};
}

constexpr auto residual_block() {
    auto x = Input<shape<8, 7, 4>, name<"x">>{}();
    auto a = Conv2D<6, kernel_size<1>, name<"a_conv">>{}(x);
    auto a_bn = BatchNormalization<epsilon<"1.001e-5">, name<"a_bn">>{}(a);
    auto a_relu = Activation<relu, name<"a_relu">>{}(a_bn);
    auto b = Conv2D<8, kernel_size<3>, same, name<"b_conv">>{}(a_relu);
    auto b_bn = BatchNormalization<epsilon<"1.001e-5">, name<"b_bn">>{}(b);
    auto s = Conv2D<8, kernel_size<1>, name<"s_conv">>{}(x);
    auto s_bn = BatchNormalization<epsilon<"1.001e-5">, name<"s_bn">>{}(s);
    auto sum = Add<name<"add">>{}(b_bn, s_bn);
    return Model{x, Activation<relu, name<"out">>{}(sum)};
}

constexpr auto depthwise_bn_relu() {
    auto x = Input<shape<6, 6, 4>, name<"x">>{}();
    auto d = DepthwiseConv2D<kernel_size<3>, same, no_bias, name<"dw">>{}(x);
    auto b = BatchNormalization<name<"bn">>{}(d);
    return Model{x, Activation<relu, name<"relu">>{}(b)};
}

constexpr auto squeeze_excite() {
    auto x = Input<shape<6, 5, 8>, name<"x">>{}();
    auto pooled = AveragePooling2D<pool_size<6, 5>, name<"pool">>{}(x);
    auto squeeze = Conv2D<2, kernel_size<1>, relu, name<"squeeze">>{}(pooled);
    auto gate = Conv2D<8, kernel_size<1>, sigmoid, name<"excite">>{}(squeeze);
    return Model{x, Multiply<name<"scale">>{}(x, gate)};
}

constexpr auto merges() {
    auto x = Input<shape<5, 4, 3>, name<"x">>{}();
    auto a = Conv2D<3, kernel_size<1>, name<"a">>{}(x);
    auto m = Conv2D<1, kernel_size<1>, name<"m">>{}(x);
    return Model{x, Concatenate<name<"all">>{}(Subtract<name<"sub">>{}(a, m), Average<name<"avg">>{}(a, m, x),
                                               Maximum<name<"max">>{}(a, m), Minimum<name<"min">>{}(m, x))};
}
}  // namespace

TEST_CASE("BatchNormalization matches PyTorch: folded into a convolution, on its own, in a residual block") {
    static_assert(folding<decltype(conv_bn_relu())>.count == 1);
    static_assert(folding<decltype(residual_block())>.count == 3);
    check_against_torch(conv_bn_relu(), "b_batch_norm_folded");
    check_against_torch(one_layer<BatchNormalization<center<false>, name<"bn">>, shape<5, 4, 6>>(), "b_batch_norm_alone");
    check_against_torch(residual_block(), "b_residual_block");
}

TEST_CASE("DepthwiseConv2D matches PyTorch: multiplier 2 strided same, dilated valid, folded with BatchNormalization") {
    check_against_torch(one_layer<DepthwiseConv2D<kernel_size<3>, strides<2>, same, depth_multiplier<2>, relu, name<"dw">>,
                               shape<9, 8, 4>>(),
                        "b_depthwise");
    check_against_torch(
        one_layer<DepthwiseConv2D<kernel_size<3, 2>, dilation_rate<2>, no_bias, name<"dw">>, shape<9, 10, 5>>(),
        "b_depthwise_dilated");
    static_assert(folding<decltype(depthwise_bn_relu())>.count == 1);
    check_against_torch(depthwise_bn_relu(), "b_depthwise_bn");
}

TEST_CASE("SeparableConv2D and grouped Conv2D match PyTorch") {
    check_against_torch(
        one_layer<SeparableConv2D<5, kernel_size<3>, same, depth_multiplier<2>, ctnn::tanh, name<"sep">>, shape<8, 7, 3>>(),
        "b_separable");
    check_against_torch(one_layer<Conv2D<9, kernel_size<3>, strides<2>, groups<3>, relu, name<"conv">>, shape<7, 7, 6>>(),
                        "b_grouped_conv");
}

TEST_CASE("broadcasting merges match PyTorch: a squeeze-and-excitation gate, HxWx1 maps") {
    check_against_torch(squeeze_excite(), "b_squeeze_excite");
    check_against_torch(merges(), "b_merges");
}

TEST_CASE("bilinear UpSampling2D matches PyTorch's interpolate(align_corners=False)") {
    check_against_torch(one_layer<UpSampling2D<size<2>, bilinear, name<"up">>, shape<3, 4, 2>>(), "b_bilinear");
    check_against_torch(one_layer<UpSampling2D<size<3, 2>, bilinear, name<"up">>, shape<4, 3, 3>>(), "b_bilinear_uneven");
}
