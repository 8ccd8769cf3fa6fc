// ctnn against PyTorch: fixtures made by tests/oracle/make_fixtures.py (PyTorch computes, ctnn's
// weight format carries the weights) for every layer kind and a reduced FCN-8. Each case is built
// here as a typed model with the same layer names, loads the case's weights and must reproduce
// PyTorch's output within 1e-4, relative.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>
#include <ctnn/io/weights.hpp>
#include <ctnn/models/fcn8.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "torch_fixture.hpp"

namespace {
using namespace ctnn;

using torch_fixture::check_against_torch;
using torch_fixture::one_layer;
}  // namespace

TEST_CASE("Conv2D matches PyTorch: valid and strided, same with an even kernel, dilated, conv6's 7x7 on 7x7") {
    check_against_torch(one_layer<Conv2D<5, kernel_size<3>, strides<2>, relu, name<"conv">>, shape<9, 8, 3>>(),
                        "conv2d_valid_strided");
    check_against_torch(one_layer<Conv2D<6, kernel_size<4, 2>, strides<2, 1>, same, sigmoid, name<"conv">>, shape<7, 6, 4>>(),
                        "conv2d_same_even_kernel");
    check_against_torch(one_layer<Conv2D<4, kernel_size<3>, dilation_rate<2>, same, ctnn::tanh, name<"conv">>, shape<8, 9, 3>>(),
                        "conv2d_same_dilated");
    check_against_torch(one_layer<Conv2D<16, kernel_size<7>, same, relu, name<"conv">>, shape<7, 7, 8>>(), "conv2d_7x7_on_7x7");
}

TEST_CASE("Conv2DTranspose matches PyTorch with TF's placement: valid, same, output_padding") {
    check_against_torch(one_layer<Conv2DTranspose<4, kernel_size<4>, strides<2>, no_bias, name<"up">>, shape<7, 7, 6>>(),
                        "conv2d_transpose_valid");
    check_against_torch(one_layer<Conv2DTranspose<4, kernel_size<3>, strides<2>, same, name<"up">>, shape<5, 4, 3>>(),
                        "conv2d_transpose_same");
    check_against_torch(
        one_layer<Conv2DTranspose<2, kernel_size<3, 2>, strides<3, 2>, output_padding<2, 1>, relu, name<"up">>, shape<4, 5, 3>>(),
        "conv2d_transpose_output_padding");
    check_against_torch(
        one_layer<Conv2DTranspose<3, kernel_size<4>, strides<2>, same, output_padding<1>, name<"up">>, shape<4, 4, 2>>(),
        "conv2d_transpose_same_output_padding");
}

TEST_CASE("pooling, cropping, padding, upsampling and softmax match PyTorch") {
    check_against_torch(one_layer<MaxPooling2D<pool_size<3>, strides<2>, same, name<"p">>, shape<9, 7, 3>>(), "max_pooling_same");
    check_against_torch(one_layer<AveragePooling2D<pool_size<3, 2>, strides<2>, same, name<"p">>, shape<7, 9, 2>>(),
                        "average_pooling_same");
    check_against_torch(one_layer<Cropping2D<cropping<1, 2, 3, 1>, name<"c">>, shape<8, 9, 3>>(), "cropping");
    check_against_torch(one_layer<ZeroPadding2D<padding<1, 3, 2, 0>, name<"z">>, shape<4, 3, 2>>(), "zero_padding");
    check_against_torch(one_layer<UpSampling2D<size<2, 3>, name<"u">>, shape<3, 4, 2>>(), "up_sampling");
    check_against_torch(one_layer<Activation<softmax, name<"s">>, shape<4, 5, 7>>(), "softmax");
}

TEST_CASE("Add and Concatenate match PyTorch") {
    auto x = Input<shape<5, 6, 3>, name<"x">>{}();
    auto a = Conv2D<4, kernel_size<1>, name<"a">>{}(x);
    auto b = Conv2D<4, kernel_size<3>, same, name<"b">>{}(x);
    auto sum = Add<name<"sum">>{}(a, b);
    check_against_torch(Model{x, Concatenate<name<"joined">>{}(sum, a)}, "add_concatenate");
}

TEST_CASE("a reduced FCN-8 (same topology, 64x64, narrow layers) matches PyTorch") {
    check_against_torch(models::fcn8<5, 64, 64, 4, 32>(), "fcn8_reduced");
}
