// MobileNetV2 (alpha 1.0) as keras.applications builds it: inverted residual blocks (1×1
// expansion, 3×3 depthwise, linear 1×1 projection, each with BatchNormalization, ReLU6 between),
// an Add where a block keeps its shape, and Keras' asymmetric ZeroPadding2D before each strided
// depthwise convolution.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/models/application.hpp>

namespace ctnn::models {

namespace detail {
/// Keras' `correct_pad` for a 3×3 kernel: one row and column after, and one before too where
/// the map's side is odd.
constexpr margins mobilenet_pad(dims in) {
    return {in.height % 2, 1, in.width % 2, 1};
}

/// Keras' `_inverted_res_block`. Block 0 has no expansion and its layers are named
/// "expanded_conv_..."; the others "block_<id>_...".
template <int Id, int Filters, int Stride, int Expansion, class Node>
constexpr auto inverted_res_block(Node input) {
    constexpr int in_channels = Node::output_shape.channels;
    using eps = epsilon<"1e-3">;
    auto expanded = [&] {
        if constexpr (Id == 0) {
            return input;
        } else {
            auto e = Conv2D<Expansion * in_channels, kernel_size<1>, same, no_bias, formatted_name<"block_{}_expand", Id>>{}(input);
            auto n = BatchNormalization<eps, formatted_name<"block_{}_expand_BN", Id>>{}(e);
            return ReLU<max_value<6>, formatted_name<"block_{}_expand_relu", Id>>{}(n);
        }
    }();
    auto depthwise = [&] {
        if constexpr (Id == 0) {
            auto d = DepthwiseConv2D<kernel_size<3>, strides<Stride>, same, no_bias, name<"expanded_conv_depthwise">>{}(expanded);
            auto n = BatchNormalization<eps, name<"expanded_conv_depthwise_BN">>{}(d);
            return ReLU<max_value<6>, name<"expanded_conv_depthwise_relu">>{}(n);
        } else if constexpr (Stride == 2) {
            constexpr margins m = mobilenet_pad(decltype(expanded)::output_shape);
            auto p = ZeroPadding2D<padding<m.top, m.bottom, m.left, m.right>, formatted_name<"block_{}_pad", Id>>{}(expanded);
            auto d = DepthwiseConv2D<kernel_size<3>, strides<2>, valid, no_bias, formatted_name<"block_{}_depthwise", Id>>{}(p);
            auto n = BatchNormalization<eps, formatted_name<"block_{}_depthwise_BN", Id>>{}(d);
            return ReLU<max_value<6>, formatted_name<"block_{}_depthwise_relu", Id>>{}(n);
        } else {
            auto d = DepthwiseConv2D<kernel_size<3>, strides<1>, same, no_bias, formatted_name<"block_{}_depthwise", Id>>{}(expanded);
            auto n = BatchNormalization<eps, formatted_name<"block_{}_depthwise_BN", Id>>{}(d);
            return ReLU<max_value<6>, formatted_name<"block_{}_depthwise_relu", Id>>{}(n);
        }
    }();
    auto projected = [&] {
        if constexpr (Id == 0) {
            auto p = Conv2D<Filters, kernel_size<1>, same, no_bias, name<"expanded_conv_project">>{}(depthwise);
            return BatchNormalization<eps, name<"expanded_conv_project_BN">>{}(p);
        } else {
            auto p = Conv2D<Filters, kernel_size<1>, same, no_bias, formatted_name<"block_{}_project", Id>>{}(depthwise);
            return BatchNormalization<eps, formatted_name<"block_{}_project_BN", Id>>{}(p);
        }
    }();
    if constexpr (in_channels == Filters && Stride == 1) return Add<formatted_name<"block_{}_add", Id>>{}(input, projected);
    else return projected;
}
}  // namespace detail

/// MobileNetV2 with alpha 1.0 (224×224×3 → 7×7×1280 before the classifier).
template <application A = application{}>
constexpr auto MobileNetV2() {
    using detail::inverted_res_block;
    using eps = epsilon<"1e-3">;
    // Keras names the model after alpha and the input's rows.
    using model_name = formatted_name<"mobilenetv2_1.00_{}", A.input_shape.height>;
    // Keras names the model after alpha and the input's rows.
    using model_name = formatted_name<"mobilenetv2_1.00_{}", A.input_shape.height>;
    // clang-format off
    auto input = Input<shape_of<A.input_shape>, name<"input_layer">>{}();
    auto c1 = Conv2D<A.width(32), kernel_size<3>, strides<2>, same, no_bias, name<"Conv1">>{}(input);
    auto n1 = BatchNormalization<eps, name<"bn_Conv1">>{}(c1);
    auto r1 = ReLU<max_value<6>, name<"Conv1_relu">>{}(n1);

    auto b0  = inverted_res_block<0, A.width(16), 1, 1>(r1);
    auto b1  = inverted_res_block<1, A.width(24), 2, 6>(b0);
    auto b2  = inverted_res_block<2, A.width(24), 1, 6>(b1);
    auto b3  = inverted_res_block<3, A.width(32), 2, 6>(b2);
    auto b4  = inverted_res_block<4, A.width(32), 1, 6>(b3);
    auto b5  = inverted_res_block<5, A.width(32), 1, 6>(b4);
    auto b6  = inverted_res_block<6, A.width(64), 2, 6>(b5);
    auto b7  = inverted_res_block<7, A.width(64), 1, 6>(b6);
    auto b8  = inverted_res_block<8, A.width(64), 1, 6>(b7);
    auto b9  = inverted_res_block<9, A.width(64), 1, 6>(b8);
    auto b10 = inverted_res_block<10, A.width(96), 1, 6>(b9);
    auto b11 = inverted_res_block<11, A.width(96), 1, 6>(b10);
    auto b12 = inverted_res_block<12, A.width(96), 1, 6>(b11);
    auto b13 = inverted_res_block<13, A.width(160), 2, 6>(b12);
    auto b14 = inverted_res_block<14, A.width(160), 1, 6>(b13);
    auto b15 = inverted_res_block<15, A.width(160), 1, 6>(b14);
    auto b16 = inverted_res_block<16, A.width(320), 1, 6>(b15);

    auto c2  = Conv2D<A.width(1280), kernel_size<1>, no_bias, name<"Conv_1">>{}(b16);
    auto n2  = BatchNormalization<eps, name<"Conv_1_bn">>{}(c2);
    auto out = ReLU<max_value<6>, name<"out_relu">>{}(n2);
    // clang-format on
    if constexpr (A.include_top) {
        auto pooled = GlobalAveragePooling2D<name<"global_average_pooling2d">>{}(out);
        return Model{input, Dense<A.classes, softmax, name<"predictions">>{}(pooled), model_name{}};
    } else {
        return Model{input, detail::global_pooling<A.pooling, name<"global_average_pooling2d">,
                                                   name<"global_max_pooling2d">>(out), model_name{}};
    }
}

}  // namespace ctnn::models
