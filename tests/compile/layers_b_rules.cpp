// Static facts of BatchNormalization, DepthwiseConv2D, SeparableConv2D, grouped Conv2D, the
// broadcasting merges and bilinear UpSampling2D, and of folding; expected values from Keras'
// definitions written out here (ctnn's rules/ are not consulted), and Keras' own totals for
// ResNet50 and MobileNetV2 (keras.applications, include_top=False): 23,587,712 parameters of which
// 53,120 are BatchNormalization's moving statistics, and 2,257,984 of which 34,112. "It builds" is
// the test.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace {
using namespace ctnn;

template <class L, class In>
using node_t = decltype(L{}(Input<In, name<"in">>{}()));

// --- BatchNormalization -------------------------------------------------------------------------
using bn = BatchNormalization<epsilon<"1.001e-5">, momentum<"0.99">, name<"bn">>;
static_assert(bn::eps == number{"1.001e-5"});
static_assert(BatchNormalization<name<"bn">>::eps == number{"0.001"});  // Keras' default
static_assert(node_t<bn, shape<7, 5, 16>>::output_shape == dims{7, 5, 16});
static_assert(node_t<bn, shape<7, 5, 16>>::params == 4 * 16);
constexpr auto bn_weights = node_t<bn, shape<7, 5, 16>>::weights;
static_assert(bn_weights.size() == 4 && bn_weights[0].name == "gamma" && bn_weights[1].name == "beta" &&
              bn_weights[2].name == "moving_mean" && bn_weights[3].name == "moving_variance");
static_assert(bn_weights[0].trainable && bn_weights[1].trainable && !bn_weights[2].trainable && !bn_weights[3].trainable);
static_assert(bn_weights[3].rank == 1 && bn_weights[3].shape[0] == 16);
// scale<false> drops gamma, center<false> beta.
static_assert(node_t<BatchNormalization<scale<false>, name<"bn">>, shape<3, 3, 8>>::weights[0].name == "beta");
static_assert(node_t<BatchNormalization<center<false>, name<"bn">>, shape<3, 3, 8>>::weights[1].name == "moving_mean");
static_assert(node_t<BatchNormalization<scale<false>, center<false>, name<"bn">>, shape<3, 3, 8>>::params == 16);

// --- DepthwiseConv2D: output channel c·m + j, kernel (kh, kw, Cin, m) -------------------------
using dw = DepthwiseConv2D<kernel_size<3>, strides<2>, same, depth_multiplier<3>, name<"dw">>;
static_assert(node_t<dw, shape<15, 8, 4>>::output_shape == dims{8, 4, 12});
static_assert(node_t<dw, shape<15, 8, 4>>::params == 3 * 3 * 4 * 3 + 4 * 3);
static_assert(node_t<dw, shape<15, 8, 4>>::weights[0].shape == std::array<std::int64_t, 4>{3, 3, 4, 3});
static_assert(node_t<dw, shape<15, 8, 4>>::weights[1].shape[0] == 12);
static_assert(node_t<DepthwiseConv2D<kernel_size<3, 5>, dilation_rate<2>, name<"dw">>, shape<9, 9, 2>>::output_shape ==
              dims{9 - 4, 9 - 8, 2});
static_assert(!accepts<DepthwiseConv2D<kernel_size<5>, name<"dw">>, shape<4, 9, 2>>);
// Multiply-adds: every output value meets kh·kw taps.
static_assert(node_t<DepthwiseConv2D<kernel_size<3>, name<"dw">>, shape<5, 5, 8>>::cost.dense == 3 * 3 * 3 * 3 * 8);

// --- SeparableConv2D ------------------------------------------------------------------------------
using sep = SeparableConv2D<32, kernel_size<3>, same, depth_multiplier<2>, name<"sep">>;
static_assert(node_t<sep, shape<10, 10, 16>>::output_shape == dims{10, 10, 32});
static_assert(node_t<sep, shape<10, 10, 16>>::params == 3 * 3 * 16 * 2 + 16 * 2 * 32 + 32);
static_assert(node_t<sep, shape<10, 10, 16>>::weights[1].name == "pointwise_kernel");
static_assert(node_t<sep, shape<10, 10, 16>>::weights[1].shape == std::array<std::int64_t, 4>{1, 1, 32, 32});
// Xception's block2_sepconv1: SeparableConv2D(128, 3, padding='same', use_bias=False) on 147×147×64.
static_assert(node_t<SeparableConv2D<128, kernel_size<3>, same, no_bias, name<"s">>, shape<147, 147, 64>>::params ==
              3 * 3 * 64 + 64 * 128);

// --- Conv2D groups: kernel (kh, kw, Cin/g, F) --------------------------------------------------------
using grouped = Conv2D<64, kernel_size<3>, groups<32>, same, no_bias, name<"g">>;
static_assert(node_t<grouped, shape<56, 56, 128>>::params == 3 * 3 * 4 * 64);  // ResNeXt's cardinality 32
static_assert(node_t<grouped, shape<56, 56, 128>>::weights[0].shape == std::array<std::int64_t, 4>{3, 3, 4, 64});
static_assert(accepts<grouped, shape<8, 8, 32>>);
static_assert(!accepts<grouped, shape<8, 8, 48>>);  // 48 channels do not split into 32 groups

// --- Broadcasting merges (NumPy's rule, per axis: equal, or one of them 1) --------------------------
using mul = Multiply<name<"m">>;
static_assert(output_shape_t<mul, shape<1, 1, 64>, shape<14, 14, 64>>::value == dims{14, 14, 64});  // SE gate
static_assert(output_shape_t<mul, shape<14, 14, 64>, shape<14, 14, 1>>::value == dims{14, 14, 64});  // spatial mask
static_assert(output_shape_t<mul, shape<14, 1, 3>, shape<1, 9, 1>>::value == dims{14, 9, 3});
static_assert(output_shape_t<Average<name<"a">>, shape<1, 1, 1>, shape<4, 1, 1>, shape<1, 5, 1>>::value == dims{4, 5, 1});
static_assert(!accepts<mul, shape<14, 14, 64>, shape<14, 14, 32>>);
static_assert(!accepts<mul, shape<14, 14, 64>, shape<7, 7, 64>>);
static_assert(!accepts<Maximum<name<"x">>, shape<1, 1, 4>, shape<8, 8, 1>, shape<8, 8, 5>>);  // the third against 8×8×4
static_assert(accepts<Subtract<name<"s">>, shape<8, 8, 4>, shape<8, 8, 1>>);
static_assert(!accepts<Subtract<name<"s">>, shape<8, 8, 4>, shape<8, 8, 4>, shape<8, 8, 4>>);  // exactly two
static_assert(!accepts<Add<name<"a">>, shape<8, 8, 4>, shape<8, 8, 1>>);  // Add stays strict

// --- UpSampling2D, bilinear --------------------------------------------------------------------------
static_assert(output_shape_t<UpSampling2D<size<2, 3>, bilinear, name<"u">>, shape<5, 4, 2>>::value == dims{10, 12, 2});
static_assert(UpSampling2D<name<"u">>::interpolation == interpolation_mode::nearest);

// --- Folding -----------------------------------------------------------------------------------------
constexpr auto conv_bn(auto x) {
    auto c = Conv2D<8, kernel_size<3>, same, no_bias, name<"c">>{}(x);
    return BatchNormalization<name<"b">>{}(c);
}
constexpr auto folds_once() {
    auto x = Input<shape<8, 8, 3>, name<"x">>{}();
    return Model{x, Activation<relu, name<"r">>{}(conv_bn(x))};
}
constexpr auto folds_once_model = folds_once();
using F = std::remove_const_t<decltype(folds_once_model)>;
static_assert(folding<F>.count == 1);
static_assert(folding<F>.folded_into[F::index_of_name("b")] == F::index_of_name("c"));
static_assert(folding<F>.absorbs[F::index_of_name("c")] == F::index_of_name("b"));
// The convolution writes the BatchNormalization's buffer: one buffer less at the peak.
static_assert(memory_plan<F>.offset[F::index_of_name("c")] == memory_plan<F>.offset[F::index_of_name("b")]);

// --- ResNet50 as keras.applications builds it (include_top=False) -------------------------------------
template <std::size_t N, std::size_t M>
constexpr fixed_string<N + M - 1> cat(fixed_string<N> a, const char (&b)[M]) {
    char text[N + M - 1]{};
    for (std::size_t i = 0; i + 1 < N; ++i) text[i] = a.data[i];
    for (std::size_t i = 0; i != M; ++i) text[N - 1 + i] = b[i];
    return fixed_string<N + M - 1>(text);
}
template <int I>
constexpr fixed_string<8> block_name() {
    char text[8] = "_block0";
    text[6] = static_cast<char>('0' + I);
    return fixed_string<8>(text);
}
using resnet_bn_eps = epsilon<"1.001e-5">;

template <fixed_string Name, int Filters, int Stride, bool ConvShortcut, class X>
constexpr auto block1(X x) {
    auto shortcut = [x] {
        if constexpr (ConvShortcut) {
            auto s = Conv2D<4 * Filters, kernel_size<1>, strides<Stride>, name<cat(Name, "_0_conv")>>{}(x);
            return BatchNormalization<resnet_bn_eps, name<cat(Name, "_0_bn")>>{}(s);
        } else {
            return x;
        }
    }();
    auto a = Conv2D<Filters, kernel_size<1>, strides<Stride>, name<cat(Name, "_1_conv")>>{}(x);
    auto a_bn = BatchNormalization<resnet_bn_eps, name<cat(Name, "_1_bn")>>{}(a);
    auto a_relu = Activation<relu, name<cat(Name, "_1_relu")>>{}(a_bn);
    auto b = Conv2D<Filters, kernel_size<3>, same, name<cat(Name, "_2_conv")>>{}(a_relu);
    auto b_bn = BatchNormalization<resnet_bn_eps, name<cat(Name, "_2_bn")>>{}(b);
    auto b_relu = Activation<relu, name<cat(Name, "_2_relu")>>{}(b_bn);
    auto c = Conv2D<4 * Filters, kernel_size<1>, name<cat(Name, "_3_conv")>>{}(b_relu);
    auto c_bn = BatchNormalization<resnet_bn_eps, name<cat(Name, "_3_bn")>>{}(c);
    auto sum = Add<name<cat(Name, "_add")>>{}(shortcut, c_bn);
    return Activation<relu, name<cat(Name, "_out")>>{}(sum);
}
template <fixed_string Stack, int Filters, int Blocks, int I, class X>
constexpr auto more_blocks(X x) {
    if constexpr (I > Blocks) return x;
    else return more_blocks<Stack, Filters, Blocks, I + 1>(block1<cat(Stack, block_name<I>().data), Filters, 1, false>(x));
}
template <fixed_string Stack, int Filters, int Blocks, int Stride, class X>
constexpr auto stack1(X x) {
    return more_blocks<Stack, Filters, Blocks, 2>(block1<cat(Stack, "_block1"), Filters, Stride, true>(x));
}
constexpr auto resnet50() {
    auto input = Input<shape<224, 224, 3>, name<"input_1">>{}();
    auto x = ZeroPadding2D<padding<3>, name<"conv1_pad">>{}(input);
    auto c1 = Conv2D<64, kernel_size<7>, strides<2>, name<"conv1_conv">>{}(x);
    auto c1_bn = BatchNormalization<resnet_bn_eps, name<"conv1_bn">>{}(c1);
    auto c1_relu = Activation<relu, name<"conv1_relu">>{}(c1_bn);
    auto p = ZeroPadding2D<padding<1>, name<"pool1_pad">>{}(c1_relu);
    auto pool = MaxPooling2D<pool_size<3>, strides<2>, name<"pool1_pool">>{}(p);
    auto s2 = stack1<"conv2", 64, 3, 1>(pool);
    auto s3 = stack1<"conv3", 128, 4, 2>(s2);
    auto s4 = stack1<"conv4", 256, 6, 2>(s3);
    return Model{input, stack1<"conv5", 512, 3, 2>(s4)};
}
constexpr auto resnet50_model = resnet50();
using R = std::remove_const_t<decltype(resnet50_model)>;
static_assert(R::output_shape == dims{7, 7, 2048});
static_assert(R::total_params == 23'587'712);
static_assert(R::non_trainable_params == 53'120);
static_assert(R::trainable_params == 23'534'560 + 32);
static_assert(R::index_of_name("conv4_block6_3_bn") != R::layer_count);
// Every one of its 53 BatchNormalizations follows a convolution nothing else reads: all fold.
static_assert(folding<R>.count == 53);

// The arena lent to a node as scratch (memory_plan's `spare`) holds no tensor live while it runs:
// checked from the edges directly (a node's output lives from the node to its last reader;
// model inputs and outputs, and folded nodes, have no buffer of their own).
template <class M>
constexpr bool spare_is_free() {
    constexpr auto& plan = memory_plan<M>;
    constexpr auto& fold = folding<M>;
    std::array<std::size_t, M::layer_count> last{};
    for (std::size_t j = 0; j != M::layer_count; ++j) last[j] = j;
    for (std::size_t r = 0; r != M::layer_count; ++r)
        for (std::size_t e = 0; e != M::layers[r].input_count; ++e) last[M::edges[M::layers[r].first_input + e]] = r;
    for (std::size_t i = 0; i != M::layer_count; ++i) {
        if (plan.spare_offset[i] < 0 || plan.spare_offset[i] + plan.spare_size[i] > plan.peak) return false;
        for (std::size_t j = 0; j <= i; ++j) {
            if (M::external[j] || fold.folded_into[j] != fold.none) continue;
            // An absorber writes the buffer of the last node folded into it, which lives until that
            // node's last reader.
            const std::size_t written = fold.writes[j];
            if (M::external[written]) continue;
            const std::size_t until = last[written];
            if (until < i) continue;
            const auto begin = plan.offset[j], end = begin + static_cast<std::int64_t>(M::layers[j].output_shape.size());
            if (begin < plan.spare_offset[i] + plan.spare_size[i] && plan.spare_offset[i] < end) return false;
        }
    }
    return true;
}
static_assert(spare_is_free<R>());
static_assert(spare_is_free<F>());

// --- MobileNetV2 as keras.applications builds it (alpha 1, 224×224, include_top=False) -----------------
// Keras' summary: 2,257,984 parameters, 34,112 non-trainable. ReLU(6.) is layers-a's; Activation<relu>
// stands in for it here, which changes no shape or parameter.
template <int Id>
constexpr auto block_prefix() {
    if constexpr (Id == 0) {
        return fixed_string("expanded_conv_");
    } else if constexpr (Id < 10) {
        char text[] = "block_0_";
        text[6] = static_cast<char>('0' + Id);
        return fixed_string<sizeof(text)>(text);
    } else {
        char text[] = "block_00_";
        text[6] = static_cast<char>('0' + Id / 10), text[7] = static_cast<char>('0' + Id % 10);
        return fixed_string<sizeof(text)>(text);
    }
}
using mobilenet_relu = relu;  // ReLU(6.) in Keras

template <int Id>
inline constexpr auto prefix = block_prefix<Id>();

template <int Id, int Filters, int Stride, int Expansion, class X>
constexpr auto inverted_res_block(X inputs) {
    constexpr int in_channels = X::output_shape.channels;
    auto expanded = [inputs] {
        if constexpr (Id != 0) {
            auto e = Conv2D<Expansion * X::output_shape.channels, kernel_size<1>, same, no_bias, name<cat(prefix<Id>, "expand")>>{}(inputs);
            auto e_bn = BatchNormalization<momentum<"0.999">, name<cat(prefix<Id>, "expand_BN")>>{}(e);
            return Activation<mobilenet_relu, name<cat(prefix<Id>, "expand_relu")>>{}(e_bn);
        } else {
            return inputs;
        }
    }();
    auto padded = [expanded] {
        // imagenet_utils.correct_pad on an even map: ((0, 1), (0, 1)).
        if constexpr (Stride == 2) return ZeroPadding2D<padding<0, 1, 0, 1>, name<cat(prefix<Id>, "pad")>>{}(expanded);
        else return expanded;
    }();
    using depthwise_padding = std::conditional_t<Stride == 1, same, valid>;
    auto d = DepthwiseConv2D<kernel_size<3>, strides<Stride>, no_bias, depthwise_padding, name<cat(prefix<Id>, "depthwise")>>{}(padded);
    auto d_bn = BatchNormalization<momentum<"0.999">, name<cat(prefix<Id>, "depthwise_BN")>>{}(d);
    auto d_relu = Activation<mobilenet_relu, name<cat(prefix<Id>, "depthwise_relu")>>{}(d_bn);
    auto p = Conv2D<Filters, kernel_size<1>, same, no_bias, name<cat(prefix<Id>, "project")>>{}(d_relu);
    auto p_bn = BatchNormalization<momentum<"0.999">, name<cat(prefix<Id>, "project_BN")>>{}(p);
    if constexpr (in_channels == Filters && Stride == 1) return Add<name<cat(prefix<Id>, "add")>>{}(inputs, p_bn);
    else return p_bn;
}
constexpr auto mobilenet_v2() {
    auto input = Input<shape<224, 224, 3>, name<"input_1">>{}();
    auto c1 = Conv2D<32, kernel_size<3>, strides<2>, same, no_bias, name<"Conv1">>{}(input);
    auto c1_bn = BatchNormalization<momentum<"0.999">, name<"bn_Conv1">>{}(c1);
    auto x0 = Activation<mobilenet_relu, name<"Conv1_relu">>{}(c1_bn);
    auto x1 = inverted_res_block<0, 16, 1, 1>(x0);
    auto x2 = inverted_res_block<2, 24, 1, 6>(inverted_res_block<1, 24, 2, 6>(x1));
    auto x3 = inverted_res_block<5, 32, 1, 6>(inverted_res_block<4, 32, 1, 6>(inverted_res_block<3, 32, 2, 6>(x2)));
    auto x4 = inverted_res_block<9, 64, 1, 6>(
        inverted_res_block<8, 64, 1, 6>(inverted_res_block<7, 64, 1, 6>(inverted_res_block<6, 64, 2, 6>(x3))));
    auto x5 = inverted_res_block<12, 96, 1, 6>(inverted_res_block<11, 96, 1, 6>(inverted_res_block<10, 96, 1, 6>(x4)));
    auto x6 = inverted_res_block<15, 160, 1, 6>(inverted_res_block<14, 160, 1, 6>(inverted_res_block<13, 160, 2, 6>(x5)));
    auto x7 = inverted_res_block<16, 320, 1, 6>(x6);
    auto last = Conv2D<1280, kernel_size<1>, no_bias, name<"Conv_1">>{}(x7);
    auto last_bn = BatchNormalization<momentum<"0.999">, name<"Conv_1_bn">>{}(last);
    return Model{input, Activation<mobilenet_relu, name<"out_relu">>{}(last_bn)};
}
constexpr auto mobilenet_v2_model = mobilenet_v2();
using V2 = std::remove_const_t<decltype(mobilenet_v2_model)>;
static_assert(V2::output_shape == dims{7, 7, 1280});
static_assert(node_named_t<V2, "block_1_pad">::output_shape == dims{113, 113, 96});
static_assert(node_named_t<V2, "block_1_depthwise">::output_shape == dims{56, 56, 96});
static_assert(V2::total_params == 2'257'984);
static_assert(V2::non_trainable_params == 34'112);
static_assert(V2::trainable_params == 2'223'872);
// Its 52 BatchNormalizations all follow a convolution, depthwise or not, that nothing else reads.
static_assert(folding<V2>.count == 52);
static_assert(spare_is_free<V2>());
}  // namespace

int main() {}
