// ResNet50 and ResNet152 (v1) as keras.applications builds them: a 7×7 stem, then stages of
// bottleneck blocks (1×1, 3×3, 1×1 convolutions with BatchNormalization, and an Add with the
// block's input or a 1×1 projection of it). This is Keras' v1, with the stride on the first 1×1
// convolution of a stage; torchvision's ResNets are v1.5 (stride on the 3×3).
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/models/application.hpp>

namespace ctnn::models {

namespace detail {
/// Keras' `block1`: a bottleneck block; `Projection` is its conv_shortcut.
template <int Stage, int Block, int Filters, int Stride, bool Projection, class Node>
constexpr auto resnet_block(Node x) {
    using eps = epsilon<"1.001e-5">;
    auto shortcut = [&] {
        if constexpr (Projection) {
            auto s = Conv2D<4 * Filters, kernel_size<1>, strides<Stride>, formatted_name<"conv{}_block{}_0_conv", Stage, Block>>{}(x);
            return BatchNormalization<eps, formatted_name<"conv{}_block{}_0_bn", Stage, Block>>{}(s);
        } else {
            return x;
        }
    }();
    // clang-format off
    auto c1 = Conv2D<Filters, kernel_size<1>, strides<Stride>, formatted_name<"conv{}_block{}_1_conv", Stage, Block>>{}(x);
    auto n1 = BatchNormalization<eps, formatted_name<"conv{}_block{}_1_bn", Stage, Block>>{}(c1);
    auto r1 = Activation<relu, formatted_name<"conv{}_block{}_1_relu", Stage, Block>>{}(n1);
    auto c2 = Conv2D<Filters, kernel_size<3>, same, formatted_name<"conv{}_block{}_2_conv", Stage, Block>>{}(r1);
    auto n2 = BatchNormalization<eps, formatted_name<"conv{}_block{}_2_bn", Stage, Block>>{}(c2);
    auto r2 = Activation<relu, formatted_name<"conv{}_block{}_2_relu", Stage, Block>>{}(n2);
    auto c3 = Conv2D<4 * Filters, kernel_size<1>, formatted_name<"conv{}_block{}_3_conv", Stage, Block>>{}(r2);
    auto n3 = BatchNormalization<eps, formatted_name<"conv{}_block{}_3_bn", Stage, Block>>{}(c3);
    auto sum = Add<formatted_name<"conv{}_block{}_add", Stage, Block>>{}(shortcut, n3);
    return Activation<relu, formatted_name<"conv{}_block{}_out", Stage, Block>>{}(sum);
    // clang-format on
}

/// Keras' `stack1`: `Blocks` blocks, the first projecting its input (and striding by `Stride`).
template <int Stage, int Filters, int Blocks, int Stride, int Block = 1, class Node>
constexpr auto resnet_stack(Node x) {
    if constexpr (Block > Blocks) return x;
    else if constexpr (Block == 1)
        return resnet_stack<Stage, Filters, Blocks, Stride, 2>(resnet_block<Stage, 1, Filters, Stride, true>(x));
    else
        return resnet_stack<Stage, Filters, Blocks, Stride, Block + 1>(resnet_block<Stage, Block, Filters, 1, false>(x));
}

template <application A, class Name, int Blocks2, int Blocks3, int Blocks4, int Blocks5>
constexpr auto resnet_v1() {
    // clang-format off
    auto input = Input<shape_of<A.input_shape>, name<"input_layer">>{}();
    auto pad1  = ZeroPadding2D<padding<3>, name<"conv1_pad">>{}(input);
    auto conv1 = Conv2D<A.width(64), kernel_size<7>, strides<2>, name<"conv1_conv">>{}(pad1);
    auto bn1   = BatchNormalization<epsilon<"1.001e-5">, name<"conv1_bn">>{}(conv1);
    auto relu1 = Activation<relu, name<"conv1_relu">>{}(bn1);
    auto pad2  = ZeroPadding2D<padding<1>, name<"pool1_pad">>{}(relu1);
    auto pool1 = MaxPooling2D<pool_size<3>, strides<2>, name<"pool1_pool">>{}(pad2);
    // clang-format on
    auto c2 = resnet_stack<2, A.width(64), Blocks2, 1>(pool1);
    auto c3 = resnet_stack<3, A.width(128), Blocks3, 2>(c2);
    auto c4 = resnet_stack<4, A.width(256), Blocks4, 2>(c3);
    auto c5 = resnet_stack<5, A.width(512), Blocks5, 2>(c4);
    if constexpr (A.include_top) {
        auto pooled = GlobalAveragePooling2D<name<"avg_pool">>{}(c5);
        return Model{input, Dense<A.classes, softmax, name<"predictions">>{}(pooled), Name{}};
    } else {
        return Model{input, global_pooling<A.pooling, name<"avg_pool">, name<"max_pool">>(c5), Name{}};
    }
}
}  // namespace detail

/// ResNet50: stages of 3, 4, 6 and 3 blocks (112→56→28→14→7 on a 224×224 input).
template <application A = application{}>
constexpr auto ResNet50() {
    return detail::resnet_v1<A, name<"resnet50">, 3, 4, 6, 3>();
}

/// ResNet152: stages of 3, 8, 36 and 3 blocks.
template <application A = application{}>
constexpr auto ResNet152() {
    return detail::resnet_v1<A, name<"resnet152">, 3, 8, 36, 3>();
}

}  // namespace ctnn::models
