// VGG16 as keras.applications builds it: thirteen 3×3 convolutions in five blocks, then Flatten
// and two 4096-wide dense layers. Layer names are Keras', so Keras' weights map by name.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/models/application.hpp>

namespace ctnn::models {

template <application A = application{}>
constexpr auto VGG16() {
    // clang-format off
    auto input = Input<shape_of<A.input_shape>, name<"input_layer">>{}();
    auto b1c1 = Conv2D<A.width(64), kernel_size<3>, same, relu, name<"block1_conv1">>{}(input);
    auto b1c2 = Conv2D<A.width(64), kernel_size<3>, same, relu, name<"block1_conv2">>{}(b1c1);
    auto p1   = MaxPooling2D<pool_size<2>, strides<2>, name<"block1_pool">>{}(b1c2);

    auto b2c1 = Conv2D<A.width(128), kernel_size<3>, same, relu, name<"block2_conv1">>{}(p1);
    auto b2c2 = Conv2D<A.width(128), kernel_size<3>, same, relu, name<"block2_conv2">>{}(b2c1);
    auto p2   = MaxPooling2D<pool_size<2>, strides<2>, name<"block2_pool">>{}(b2c2);

    auto b3c1 = Conv2D<A.width(256), kernel_size<3>, same, relu, name<"block3_conv1">>{}(p2);
    auto b3c2 = Conv2D<A.width(256), kernel_size<3>, same, relu, name<"block3_conv2">>{}(b3c1);
    auto b3c3 = Conv2D<A.width(256), kernel_size<3>, same, relu, name<"block3_conv3">>{}(b3c2);
    auto p3   = MaxPooling2D<pool_size<2>, strides<2>, name<"block3_pool">>{}(b3c3);

    auto b4c1 = Conv2D<A.width(512), kernel_size<3>, same, relu, name<"block4_conv1">>{}(p3);
    auto b4c2 = Conv2D<A.width(512), kernel_size<3>, same, relu, name<"block4_conv2">>{}(b4c1);
    auto b4c3 = Conv2D<A.width(512), kernel_size<3>, same, relu, name<"block4_conv3">>{}(b4c2);
    auto p4   = MaxPooling2D<pool_size<2>, strides<2>, name<"block4_pool">>{}(b4c3);

    auto b5c1 = Conv2D<A.width(512), kernel_size<3>, same, relu, name<"block5_conv1">>{}(p4);
    auto b5c2 = Conv2D<A.width(512), kernel_size<3>, same, relu, name<"block5_conv2">>{}(b5c1);
    auto b5c3 = Conv2D<A.width(512), kernel_size<3>, same, relu, name<"block5_conv3">>{}(b5c2);
    auto p5   = MaxPooling2D<pool_size<2>, strides<2>, name<"block5_pool">>{}(b5c3);

    if constexpr (A.include_top) {
        auto flat = Flatten<name<"flatten">>{}(p5);
        auto fc1  = Dense<A.width(4096), relu, name<"fc1">>{}(flat);
        auto fc2  = Dense<A.width(4096), relu, name<"fc2">>{}(fc1);
        auto out  = Dense<A.classes, softmax, name<"predictions">>{}(fc2);
        return Model{input, out, name<"vgg16">{}};
    } else {
        return Model{input, detail::global_pooling<A.pooling, name<"global_average_pooling2d">,
                                                   name<"global_max_pooling2d">>(p5), name<"vgg16">{}};
    }
    // clang-format on
}

}  // namespace ctnn::models
