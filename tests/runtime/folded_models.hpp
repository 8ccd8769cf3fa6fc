// A model whose two BatchNormalizations fold into the layers before them, shared by the folding
// tests (layers_b.cpp) and the test of weights replaced while other threads predict
// (concurrency.cpp, built on its own for ThreadSanitizer).
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/ctnn.hpp>

namespace test_models {

/// Folded in the middle of a chain, into a convolution with a bias and into a depthwise one.
constexpr auto folded_inside() {
    using namespace ctnn;
    auto x = Input<shape<8, 7, 4>, name<"x">>{}();
    auto c = Conv2D<6, kernel_size<3>, same, name<"conv">>{}(x);
    auto b = BatchNormalization<scale<false>, name<"bn">>{}(c);
    auto r = Activation<relu, name<"relu">>{}(b);
    auto d = DepthwiseConv2D<kernel_size<3>, depth_multiplier<2>, no_bias, name<"dw">>{}(r);
    auto e = BatchNormalization<center<false>, name<"bn2">>{}(d);
    return Model{x, Activation<ctnn::tanh, name<"out">>{}(e)};
}

}  // namespace test_models
