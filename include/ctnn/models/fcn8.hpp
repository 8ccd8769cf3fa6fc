// FCN-8 (VGG-16 encoder, Conv2DTranspose decoder) as the Keras course builds it, layer names
// included. Shared by the example, the tests and the benchmarks.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/core.hpp>

namespace ctnn::models {

/// The three feature maps FCN-8's decoder reads: pool3 and pool4 (the skip connections) and
/// conv7 (the end of the encoder).
template <class Pool3, class Pool4, class Conv7>
struct vgg16_taps {
    Pool3 pool3;
    Pool4 pool4;
    Conv7 conv7;
};
// Clang 14 has no deduction for aggregates.
template <class Pool3, class Pool4, class Conv7>
vgg16_taps(Pool3, Pool4, Conv7) -> vgg16_taps<Pool3, Pool4, Conv7>;

/// VGG-16's five blocks, each pool named after its block's last conv as in the course, then
/// the fully connected layers as convolutions (conv6, conv7). `Base` is block 1's width (64 in
/// VGG-16; blocks 2-5 have 2, 4, 8 and 8 times it) and `Fc` conv6's and conv7's (4096): smaller
/// values give the same topology at a fraction of the cost, for tests.
template <int Base = 64, int Fc = 4096, class InputNode>
constexpr auto fcn8_encoder(InputNode input) {
    constexpr int b1 = Base, b2 = 2 * Base, b3 = 4 * Base, b4 = 8 * Base, b5 = 8 * Base;
    // clang-format off
    auto b1c1 = Conv2D<b1, kernel_size<3>, same, relu, name<"block1_conv1">>{}(input);
    auto b1c2 = Conv2D<b1, kernel_size<3>, same, relu, name<"block1_conv2">>{}(b1c1);
    auto p1   = MaxPooling2D<pool_size<2>, strides<2>, name<"block1_pool2">>{}(b1c2);

    auto b2c1 = Conv2D<b2, kernel_size<3>, same, relu, name<"block2_conv1">>{}(p1);
    auto b2c2 = Conv2D<b2, kernel_size<3>, same, relu, name<"block2_conv2">>{}(b2c1);
    auto p2   = MaxPooling2D<pool_size<2>, strides<2>, name<"block2_pool2">>{}(b2c2);

    auto b3c1 = Conv2D<b3, kernel_size<3>, same, relu, name<"block3_conv1">>{}(p2);
    auto b3c2 = Conv2D<b3, kernel_size<3>, same, relu, name<"block3_conv2">>{}(b3c1);
    auto b3c3 = Conv2D<b3, kernel_size<3>, same, relu, name<"block3_conv3">>{}(b3c2);
    auto p3   = MaxPooling2D<pool_size<2>, strides<2>, name<"block3_pool3">>{}(b3c3);

    auto b4c1 = Conv2D<b4, kernel_size<3>, same, relu, name<"block4_conv1">>{}(p3);
    auto b4c2 = Conv2D<b4, kernel_size<3>, same, relu, name<"block4_conv2">>{}(b4c1);
    auto b4c3 = Conv2D<b4, kernel_size<3>, same, relu, name<"block4_conv3">>{}(b4c2);
    auto p4   = MaxPooling2D<pool_size<2>, strides<2>, name<"block4_pool3">>{}(b4c3);

    auto b5c1 = Conv2D<b5, kernel_size<3>, same, relu, name<"block5_conv1">>{}(p4);
    auto b5c2 = Conv2D<b5, kernel_size<3>, same, relu, name<"block5_conv2">>{}(b5c1);
    auto b5c3 = Conv2D<b5, kernel_size<3>, same, relu, name<"block5_conv3">>{}(b5c2);
    auto p5   = MaxPooling2D<pool_size<2>, strides<2>, name<"block5_pool3">>{}(b5c3);

    auto c6 = Conv2D<Fc, kernel_size<7>, same, relu, name<"conv6">>{}(p5);
    auto c7 = Conv2D<Fc, kernel_size<1>, same, relu, name<"conv7">>{}(c6);
    // clang-format on
    return vgg16_taps{p3, p4, c7};
}

/// FCN-8 on an input of H×W×3 with `Classes` classes. The decoder upsamples conv7 ×2, crops it to
/// pool4's size and adds pool4's class scores; again ×2 with pool3; then ×8 to the input's size,
/// and a softmax over classes. `Base` and `Fc` are the encoder's widths (see fcn8_encoder).
template <int Classes = 12, int H = 224, int W = 224, int Base = 64, int Fc = 4096>
constexpr auto fcn8() {
    auto input = Input<shape<H, W, 3>, name<"input_1">>{}();
    auto [pool3, pool4, conv7] = fcn8_encoder<Base, Fc>(input);
    // clang-format off
    auto up2   = Conv2DTranspose<Classes, kernel_size<4>, strides<2>, no_bias, name<"conv2d_transpose">>{}(conv7);
    auto crop2 = Cropping2D<cropping<1, 1>, name<"cropping2d">>{}(up2);
    auto skip4 = Conv2D<Classes, kernel_size<1>, same, relu, name<"conv2d">>{}(pool4);
    auto fuse4 = Add<name<"add">>{}(crop2, skip4);

    auto up4   = Conv2DTranspose<Classes, kernel_size<4>, strides<2>, no_bias, name<"conv2d_transpose_1">>{}(fuse4);
    auto crop4 = Cropping2D<cropping<1, 1>, name<"cropping2d_1">>{}(up4);
    auto skip3 = Conv2D<Classes, kernel_size<1>, same, relu, name<"conv2d_1">>{}(pool3);
    auto fuse3 = Add<name<"add_1">>{}(crop4, skip3);

    auto up32  = Conv2DTranspose<Classes, kernel_size<8>, strides<8>, no_bias, name<"conv2d_transpose_2">>{}(fuse3);
    auto probs = Activation<softmax, name<"activation">>{}(up32);
    // clang-format on
    return Model{input, probs};
}

}  // namespace ctnn::models
