// The original U-Net (Ronneberger et al., 2015): 572×572×1 → 388×388×2 with valid 3×3
// convolutions, so every skip connection is cropped to the upsampled map before it is
// concatenated, exactly as the paper's figure 1 draws it.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/core.hpp>

namespace ctnn::models {

namespace detail {
/// Cropping2D that centres `Skip`'s map on `Up`'s size (the paper's "copy and crop").
template <class Name, class Skip, class Up>
constexpr auto crop_to(Skip skip, Up) {
    constexpr int dh = Skip::output_shape.height - Up::output_shape.height;
    constexpr int dw = Skip::output_shape.width - Up::output_shape.width;
    return Cropping2D<cropping<dh / 2, dh - dh / 2, dw / 2, dw - dw / 2>, Name>{}(skip);
}
}  // namespace detail

/// The 2015 U-Net, `Classes` output maps (the paper's 2) from a 1×1 convolution. The input's
/// side must leave an even map before every pooling (572 does); otherwise a pooling drops a row
/// and the crops no longer centre the skip connections as the paper does. `Base` is the first
/// block's width (the paper's 64), doubled at every level down; tests use a narrow one.
template <int Classes = 2, int H = 572, int W = H, int C = 1, int Base = 64>
constexpr auto UNet() {
    using detail::crop_to;
    // clang-format off
    auto input = Input<shape<H, W, C>, name<"input_layer">>{}();
    auto c1a = Conv2D<Base, kernel_size<3>, relu, name<"conv1_1">>{}(input);
    auto c1  = Conv2D<Base, kernel_size<3>, relu, name<"conv1_2">>{}(c1a);
    auto p1  = MaxPooling2D<pool_size<2>, name<"pool1">>{}(c1);
    auto c2a = Conv2D<2 * Base, kernel_size<3>, relu, name<"conv2_1">>{}(p1);
    auto c2  = Conv2D<2 * Base, kernel_size<3>, relu, name<"conv2_2">>{}(c2a);
    auto p2  = MaxPooling2D<pool_size<2>, name<"pool2">>{}(c2);
    auto c3a = Conv2D<4 * Base, kernel_size<3>, relu, name<"conv3_1">>{}(p2);
    auto c3  = Conv2D<4 * Base, kernel_size<3>, relu, name<"conv3_2">>{}(c3a);
    auto p3  = MaxPooling2D<pool_size<2>, name<"pool3">>{}(c3);
    auto c4a = Conv2D<8 * Base, kernel_size<3>, relu, name<"conv4_1">>{}(p3);
    auto c4  = Conv2D<8 * Base, kernel_size<3>, relu, name<"conv4_2">>{}(c4a);
    auto p4  = MaxPooling2D<pool_size<2>, name<"pool4">>{}(c4);
    auto c5a = Conv2D<16 * Base, kernel_size<3>, relu, name<"conv5_1">>{}(p4);
    auto c5  = Conv2D<16 * Base, kernel_size<3>, relu, name<"conv5_2">>{}(c5a);

    auto u4  = Conv2DTranspose<8 * Base, kernel_size<2>, strides<2>, name<"up4">>{}(c5);
    auto m4  = Concatenate<name<"concat4">>{}(crop_to<name<"crop4">>(c4, u4), u4);
    auto c6a = Conv2D<8 * Base, kernel_size<3>, relu, name<"conv6_1">>{}(m4);
    auto c6  = Conv2D<8 * Base, kernel_size<3>, relu, name<"conv6_2">>{}(c6a);
    auto u3  = Conv2DTranspose<4 * Base, kernel_size<2>, strides<2>, name<"up3">>{}(c6);
    auto m3  = Concatenate<name<"concat3">>{}(crop_to<name<"crop3">>(c3, u3), u3);
    auto c7a = Conv2D<4 * Base, kernel_size<3>, relu, name<"conv7_1">>{}(m3);
    auto c7  = Conv2D<4 * Base, kernel_size<3>, relu, name<"conv7_2">>{}(c7a);
    auto u2  = Conv2DTranspose<2 * Base, kernel_size<2>, strides<2>, name<"up2">>{}(c7);
    auto m2  = Concatenate<name<"concat2">>{}(crop_to<name<"crop2">>(c2, u2), u2);
    auto c8a = Conv2D<2 * Base, kernel_size<3>, relu, name<"conv8_1">>{}(m2);
    auto c8  = Conv2D<2 * Base, kernel_size<3>, relu, name<"conv8_2">>{}(c8a);
    auto u1  = Conv2DTranspose<Base, kernel_size<2>, strides<2>, name<"up1">>{}(c8);
    auto m1  = Concatenate<name<"concat1">>{}(crop_to<name<"crop1">>(c1, u1), u1);
    auto c9a = Conv2D<Base, kernel_size<3>, relu, name<"conv9_1">>{}(m1);
    auto c9  = Conv2D<Base, kernel_size<3>, relu, name<"conv9_2">>{}(c9a);
    auto out = Conv2D<Classes, kernel_size<1>, name<"conv10">>{}(c9);
    // clang-format on
    return Model{input, out};
}

}  // namespace ctnn::models
