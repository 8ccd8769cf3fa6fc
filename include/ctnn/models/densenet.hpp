// DenseNet121 as keras.applications builds it: four dense blocks (6, 12, 24, 16 conv blocks;
// each concatenates 32 new channels to everything before it in its block) joined by transition
// blocks that halve the channels and the map.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/models/application.hpp>

namespace ctnn::models {

namespace detail {
/// Keras' `conv_block`: BN, ReLU, 1×1 conv to 4 × Growth (128), BN, ReLU, 3×3 conv to Growth
/// (32), then concatenated onto its input.
template <int Stage, int Block, int Growth, class Node>
constexpr auto densenet_conv_block(Node x) {
    using eps = epsilon<"1.001e-5">;
    // clang-format off
    auto n0 = BatchNormalization<eps, formatted_name<"conv{}_block{}_0_bn", Stage, Block>>{}(x);
    auto r0 = Activation<relu, formatted_name<"conv{}_block{}_0_relu", Stage, Block>>{}(n0);
    auto c1 = Conv2D<4 * Growth, kernel_size<1>, no_bias, formatted_name<"conv{}_block{}_1_conv", Stage, Block>>{}(r0);
    auto n1 = BatchNormalization<eps, formatted_name<"conv{}_block{}_1_bn", Stage, Block>>{}(c1);
    auto r1 = Activation<relu, formatted_name<"conv{}_block{}_1_relu", Stage, Block>>{}(n1);
    auto c2 = Conv2D<Growth, kernel_size<3>, same, no_bias, formatted_name<"conv{}_block{}_2_conv", Stage, Block>>{}(r1);
    return Concatenate<formatted_name<"conv{}_block{}_concat", Stage, Block>>{}(x, c2);
    // clang-format on
}

template <int Stage, int Blocks, int Growth, int Block = 1, class Node>
constexpr auto dense_block(Node x) {
    if constexpr (Block > Blocks) return x;
    else return dense_block<Stage, Blocks, Growth, Block + 1>(densenet_conv_block<Stage, Block, Growth>(x));
}

/// Keras' `transition_block` with reduction 0.5, named "pool<Stage>_...".
template <int Stage, class Node>
constexpr auto transition_block(Node x) {
    using eps = epsilon<"1.001e-5">;
    constexpr int channels = Node::output_shape.channels / 2;
    auto n = BatchNormalization<eps, formatted_name<"pool{}_bn", Stage>>{}(x);
    auto r = Activation<relu, formatted_name<"pool{}_relu", Stage>>{}(n);
    auto c = Conv2D<channels, kernel_size<1>, no_bias, formatted_name<"pool{}_conv", Stage>>{}(r);
    return AveragePooling2D<pool_size<2>, strides<2>, formatted_name<"pool{}_pool", Stage>>{}(c);
}
}  // namespace detail

/// DenseNet121 (224×224×3 → 7×7×1024 before the classifier).
template <application A = application{}>
constexpr auto DenseNet121() {
    using namespace detail;
    using eps = epsilon<"1.001e-5">;
    using model_name = name<"densenet121">;
    // clang-format off
    auto input = Input<shape_of<A.input_shape>, name<"input_layer">>{}();
    auto pad1  = ZeroPadding2D<padding<3>, name<"zero_padding2d">>{}(input);
    auto conv1 = Conv2D<A.width(64), kernel_size<7>, strides<2>, no_bias, name<"conv1_conv">>{}(pad1);
    auto bn1   = BatchNormalization<eps, name<"conv1_bn">>{}(conv1);
    auto relu1 = Activation<relu, name<"conv1_relu">>{}(bn1);
    auto pad2  = ZeroPadding2D<padding<1>, name<"zero_padding2d_1">>{}(relu1);
    auto pool1 = MaxPooling2D<pool_size<3>, strides<2>, name<"pool1">>{}(pad2);
    // clang-format on
    constexpr int growth = A.width(32);
    auto d2 = transition_block<2>(dense_block<2, 6, growth>(pool1));
    auto d3 = transition_block<3>(dense_block<3, 12, growth>(d2));
    auto d4 = transition_block<4>(dense_block<4, 24, growth>(d3));
    auto d5 = dense_block<5, 16, growth>(d4);
    auto bn = BatchNormalization<eps, name<"bn">>{}(d5);
    auto out = Activation<relu, name<"relu">>{}(bn);
    if constexpr (A.include_top) {
        auto pooled = GlobalAveragePooling2D<name<"avg_pool">>{}(out);
        return Model{input, Dense<A.classes, softmax, name<"predictions">>{}(pooled), model_name{}};
    } else {
        return Model{input, global_pooling<A.pooling, name<"avg_pool">, name<"max_pool">>(out), model_name{}};
    }
}

}  // namespace ctnn::models
