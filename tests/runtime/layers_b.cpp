// BatchNormalization folding, DepthwiseConv2D / SeparableConv2D / grouped Conv2D and the
// broadcasting merges against naive loops written here from Keras' definitions (not from ctnn's
// kernels), on 1 and 3 threads, with batches > 1; and the folding's promises: the folded and the
// unfolded paths give the same numbers, the weights as set are what is saved, and writing weights
// after a prediction is seen by the next one. Activation folding: folded equals naive, and an
// intermediate still needed stops it. The depthwise kernel over drawn shapes.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>
#include <ctnn/io/weights.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "folded_models.hpp"
#include "layer_check.hpp"
#include "reference.hpp"

namespace {
using namespace ctnn;
using reference::array4;
using reference::flat;

using layer_check::random_tensor;
using layer_check::to_array;

/// |got − want| ≤ 1e-4·(1 + |want|) everywhere.
void require_close(const float* got, const array4& want) {
    std::size_t bad = 0, first = 0;
    for (std::size_t i = 0; i != want.v.size(); ++i)
        if (!(std::abs(got[i] - want.v[i]) <= 1e-4f * (1.0f + std::abs(want.v[i])))) {
            if (bad++ == 0) first = i;
        }
    INFO("first mismatch at " << first << ": got " << got[first] << ", want " << want.v[first]);
    CHECK(bad == 0);
}

/// Random weights for every array of `net` (variances positive), returned by key.
template <class Net>
std::map<std::string, std::vector<float>> randomize(Net& net, std::uint32_t seed) {
    std::map<std::string, std::vector<float>> out;
    for (std::size_t i = 0; i != Net::weights.size(); ++i) {
        std::vector<float> v(net.values(i).size());
        reference::fill_random(v, seed + 13 * static_cast<std::uint32_t>(i), 0.7f);
        if (Net::weights[i].name == "moving_variance")
            for (auto& x : v) x = 0.3f + std::abs(x);
        std::copy(v.begin(), v.end(), net.values(i).begin());
        out[Net::weights[i].key()] = v;
    }
    return out;
}

// --- Naive references, from Keras' definitions ----------------------------------------------------

/// Keras' grouped convolution: output channel o (group o / (F/g)) sums input channels of its group;
/// kernel (kh, kw, Cin/g, F). DepthwiseConv2D is the case g = Cin with kernel (kh, kw, Cin, m).
array4 grouped_conv(const array4& x, const std::vector<float>& kernel, const std::vector<float>& bias, int kh, int kw, int cout,
                    int groups, int sh, int sw, int dh, int dw, bool same, int act) {
    const int oh_n = reference::conv_length(x.h, kh, sh, dh, same), ow_n = reference::conv_length(x.w, kw, sw, dw, same);
    const int pt = same ? reference::same_pad_before(x.h, kh, sh, dh) : 0;
    const int pl = same ? reference::same_pad_before(x.w, kw, sw, dw) : 0;
    const int cg = x.c / groups, fg = cout / groups;
    array4 y(x.n, oh_n, ow_n, cout);
    for (int n = 0; n < x.n; ++n)
        for (int oh = 0; oh < oh_n; ++oh)
            for (int ow = 0; ow < ow_n; ++ow)
                for (int co = 0; co < cout; ++co) {
                    const int g = co / fg;
                    double acc = bias.empty() ? 0.0 : bias[static_cast<std::size_t>(co)];
                    for (int i = 0; i < kh; ++i)
                        for (int j = 0; j < kw; ++j) {
                            const int ih = oh * sh + i * dh - pt, iw = ow * sw + j * dw - pl;
                            if (ih < 0 || ih >= x.h || iw < 0 || iw >= x.w) continue;
                            for (int ci = 0; ci < cg; ++ci)
                                acc += double(x(n, ih, iw, g * cg + ci)) * kernel[flat(i, j, ci, co, kw, cg, cout)];
                        }
                    y(n, oh, ow, co) = reference::activate(static_cast<float>(acc), act);
                }
    return y;
}

/// Inference BatchNormalization in double: γ(x − μ)/√(σ² + ε) + β.
array4 batch_norm(const array4& x, const std::vector<float>& gamma, const std::vector<float>& beta, const std::vector<float>& mean,
                  const std::vector<float>& variance, double eps) {
    array4 y = x;
    for (std::size_t i = 0; i != x.v.size(); ++i) {
        const auto c = i % static_cast<std::size_t>(x.c);
        const double g = gamma.empty() ? 1.0 : gamma[c], b = beta.empty() ? 0.0 : beta[c];
        y.v[i] = static_cast<float>(g * (x.v[i] - double(mean[c])) / std::sqrt(double(variance[c]) + eps) + b);
    }
    return y;
}

// --- Folding ------------------------------------------------------------------------------------------

/// Conv2D (no bias) → BatchNormalization as the model's output: folded, and the convolution
/// writes straight into the caller's output tensor.
constexpr auto folded_at_output() {
    auto x = Input<shape<7, 6, 3>, name<"x">>{}();
    auto c = Conv2D<5, kernel_size<3>, strides<2>, same, no_bias, name<"conv">>{}(x);
    return Model{x, BatchNormalization<epsilon<"1.001e-5">, name<"bn">>{}(c)};
}
/// The same, but the convolution's output is also read by the Concatenate: not folded.
constexpr auto not_folded() {
    auto x = Input<shape<7, 6, 3>, name<"x">>{}();
    auto c = Conv2D<5, kernel_size<3>, strides<2>, same, no_bias, name<"conv">>{}(x);
    auto b = BatchNormalization<epsilon<"1.001e-5">, name<"bn">>{}(c);
    return Model{x, Concatenate<name<"both">>{}(b, c)};
}
using test_models::folded_inside;
/// A convolution with a non-linear activation does not absorb the BatchNormalization after it.
constexpr auto activated_conv() {
    auto x = Input<shape<5, 5, 2>, name<"x">>{}();
    auto c = Conv2D<3, kernel_size<3>, relu, name<"conv">>{}(x);
    return Model{x, BatchNormalization<name<"bn">>{}(c)};
}

/// Folded into a SeparableConv2D without bias (its pointwise kernel) and a grouped Conv2D.
constexpr auto folded_separable_grouped() {
    auto x = Input<shape<6, 7, 4>, name<"x">>{}();
    auto s = SeparableConv2D<6, kernel_size<3>, same, depth_multiplier<2>, no_bias, name<"sep">>{}(x);
    auto b = BatchNormalization<name<"bn">>{}(s);
    auto g = Conv2D<9, kernel_size<3>, groups<3>, name<"grouped">>{}(b);
    return Model{x, BatchNormalization<epsilon<"1/64">, name<"bn2">>{}(g)};
}

/// Conv2DTranspose → BatchNormalization (→ activation) by each of its paths, its kernel's output
/// channels runs of Cin values: windows that overlap (45 products a pixel, packed), disjoint
/// windows of 32 products a pixel (packed, with a bias to shift), and of 4 (few_products, as
/// PP-OCRv4's head, the sigmoid folded in too).
constexpr auto folded_transposed() {
    auto x = Input<shape<5, 6, 3>, name<"x">>{}();
    auto a = Conv2DTranspose<5, kernel_size<3>, strides<2>, same, no_bias, name<"overlap">>{}(x);
    auto a_relu = Activation<relu, name<"relu1">>{}(BatchNormalization<name<"bn1">>{}(a));
    auto b = BatchNormalization<name<"bn2">>{}(Conv2DTranspose<8, kernel_size<2>, strides<2>, name<"wide">>{}(a_relu));
    auto c = BatchNormalization<epsilon<"1/64">, name<"bn3">>{}(Conv2DTranspose<1, kernel_size<2>, strides<2>, name<"few">>{}(b));
    return Model{x, Activation<sigmoid, name<"sig">>{}(c)};
}

/// Conv2D → BatchNormalization → ReLU(6) (MobileNetV2's), DepthwiseConv2D → ReLU with no
/// BatchNormalization between, Dense → softmax: three activations folded.
constexpr auto activations_folded() {
    auto x = Input<shape<7, 6, 3>, name<"x">>{}();
    auto c = Conv2D<8, kernel_size<3>, strides<2>, same, no_bias, name<"conv">>{}(x);
    auto b = BatchNormalization<name<"bn">>{}(c);
    auto r = ReLU<max_value<"6.0">, name<"relu6">>{}(b);
    auto d = DepthwiseConv2D<kernel_size<3>, same, name<"dw">>{}(r);
    auto r2 = ReLU<name<"relu">>{}(d);
    auto f = Dense<5, name<"dense">>{}(r2);
    return Model{x, Activation<softmax, name<"softmax">>{}(f)};
}
/// The same layers where what comes before an activation is needed too: a model output (the
/// BatchNormalization's), read twice (the depthwise output, also added), or an activation layer
/// applied twice (shared); and a ReLU that is no activation function (negative_slope).
constexpr auto activations_not_folded() {
    auto x = Input<shape<7, 6, 3>, name<"x">>{}();
    auto c = Conv2D<8, kernel_size<3>, strides<2>, same, no_bias, name<"conv">>{}(x);
    auto b = BatchNormalization<name<"bn">>{}(c);
    auto r = ReLU<max_value<6>, name<"relu6">>{}(b);
    auto d = DepthwiseConv2D<kernel_size<3>, same, name<"dw">>{}(r);
    constexpr ReLU<name<"relu">> shared;
    auto s = Add<name<"add">>{}(d, shared(d));
    auto f = Dense<5, name<"dense">>{}(s);
    auto p = Conv2D<4, kernel_size<1>, name<"pw">>{}(shared(f));
    return Model{x, outputs(b, ReLU<negative_slope<"0.25">, name<"leaky">>{}(p))};
}
/// Conv2D → BatchNormalization → ReLU(6), with the BatchNormalization's output also a model
/// output or not: the activation folded, then not, the rest alike.
constexpr auto relu6_folded() {
    auto x = Input<shape<6, 5, 4>, name<"x">>{}();
    auto c = Conv2D<6, kernel_size<3>, same, name<"conv">>{}(x);
    auto b = BatchNormalization<name<"bn">>{}(c);
    return Model{x, outputs(ReLU<max_value<6>, name<"relu6">>{}(b), Conv2D<3, kernel_size<1>, name<"other">>{}(x))};
}
constexpr auto relu6_not_folded() {
    auto x = Input<shape<6, 5, 4>, name<"x">>{}();
    auto c = Conv2D<6, kernel_size<3>, same, name<"conv">>{}(x);
    auto b = BatchNormalization<name<"bn">>{}(c);
    return Model{x, outputs(ReLU<max_value<6>, name<"relu6">>{}(b), b)};
}

/// DenseNet's BatchNormalization → ReLU after a Concatenate: nothing before to fold the
/// normalization into, so the ReLU folds into it, and both into the 1×1 convolution after them,
/// which maps its input as it reads it; and a ReLU6 on a normalization whose output is also a
/// model output, which does not fold.
constexpr auto dense_block() {
    auto x = Input<shape<5, 4, 3>, name<"x">>{}();
    auto c = Conv2D<5, kernel_size<3>, same, name<"conv">>{}(x);
    auto b = BatchNormalization<name<"bn">>{}(Concatenate<name<"cat">>{}(x, c));
    auto r = Activation<relu, name<"relu">>{}(b);
    auto b2 = BatchNormalization<name<"bn2">>{}(Conv2D<4, kernel_size<1>, relu, name<"pw">>{}(r));
    return Model{x, outputs(ReLU<max_value<6>, name<"relu6">>{}(b2), b2)};
}

/// ResNet's block end, Conv2D → Add → ReLU: the Add and the ReLU fold into the convolution (a
/// Winograd one, which adds the input in a pass after it); a 1×1 Conv2D → Add → softmax (over
/// channels) at the output, whose sum and softmax fold into the convolution's epilogue; an Add of
/// two tensors read elsewhere stays, and keeps its ReLU apart, being read by another layer too.
/// 40×40×24 values: enough for the runs to split over threads.
constexpr auto residual_ends() {
    auto x = Input<shape<40, 40, 24>, name<"x">>{}();
    auto c = Conv2D<24, kernel_size<3>, same, name<"conv">>{}(x);
    auto r = ReLU<name<"relu">>{}(Add<name<"add">>{}(x, c));
    auto s = Activation<softmax, name<"softmax">>{}(Add<name<"add2">>{}(r, Conv2D<24, kernel_size<1>, name<"pw">>{}(r)));
    auto a3 = Add<name<"add3">>{}(r, x);
    auto kept = Activation<relu, name<"kept">>{}(a3);
    return Model{x, outputs(s, Add<name<"add4">>{}(kept, a3))};
}

/// A residual Add folded into the Conv2D before it through each of Conv2D's kernel paths, with the
/// activation after the sum: few input channels (+ the image, ReLU), a 1×1 product with a partial
/// panel of columns and a folded BatchNormalization (ResNet's projection block: its shortcut made
/// first), im2col tiles of a strided 3×3 (+ a pooled map; tanh, applied after the epilogue), a
/// Winograd 3×3 (+ its input; ReLU6), a grouped 3×3 whose Add is a model output (written into the
/// caller's tensor), per-tap products of a 7×7 on a 6×5 map (softmax), and two 1×1 products added,
/// which fold into the later one: the earlier one's output must exist when it runs.
constexpr auto residual_paths() {
    auto s = Input<shape<9, 10, 3>, name<"s">>{}();
    auto x = Input<shape<14, 13, 40>, name<"x">>{}();
    auto t = Input<shape<6, 5, 24>, name<"t">>{}();
    auto few = ReLU<name<"few_relu">>{}(Add<name<"few_add">>{}(s, Conv2D<3, kernel_size<3>, same, name<"few">>{}(s)));
    auto shortcut = BatchNormalization<name<"sc_bn">>{}(Conv2D<72, kernel_size<1>, name<"sc">>{}(x));
    auto main = BatchNormalization<name<"pw_bn">>{}(Conv2D<72, kernel_size<1>, no_bias, name<"pw">>{}(x));
    auto block = Activation<relu, name<"block_relu">>{}(Add<name<"block_add">>{}(shortcut, main));
    auto pooled = AveragePooling2D<pool_size<2>, strides<2>, same, name<"pool">>{}(x);
    auto strided = Conv2D<40, kernel_size<3>, strides<2>, same, name<"im">>{}(x);
    auto im = Activation<ctnn::tanh, name<"im_tanh">>{}(Add<name<"im_add">>{}(pooled, strided));
    auto wg = ReLU<max_value<6>, name<"wg_relu6">>{}(Add<name<"wg_add">>{}(x, Conv2D<40, kernel_size<3>, same, name<"wg">>{}(x)));
    auto gr = Add<name<"gr_add">>{}(x, Conv2D<40, kernel_size<3>, same, groups<4>, name<"gr">>{}(x));
    auto tp = Conv2D<40, kernel_size<1>, name<"tp">>{}(t);
    auto taps = Activation<softmax, name<"taps_softmax">>{}(Add<name<"taps_add">>{}(Conv2D<40, kernel_size<7>, same, name<"taps">>{}(t), tp));
    auto first = Conv2D<24, kernel_size<1>, name<"first">>{}(t);
    auto order = Add<name<"order_add">>{}(first, Conv2D<24, kernel_size<1>, name<"second">>{}(t));
    return Model{inputs(s, x, t), outputs(few, block, im, wg, gr, taps, order)};
}
/// BatchNormalizations that stay nodes of their own fold into the 1×1 Conv2D that reads them:
/// DenseNet's pre-activation on 28×28 maps of a batch of 3 (Concatenate → BN → ReLU → 1×1 whose
/// own BN and ReLU fold at its output, 40 filters: a partial panel, tiles over threads, then a
/// 3×3); its transition (BN → ReLU → 1×1 → AveragePooling2D) on a 7×7 map (few rows), whose
/// normalization was the last reader of its input: the convolution, reading that input now, must
/// not be given its buffer for its output; and a BN on the model's input, without an activation, before a 1×1
/// convolution of 3 channels (else the few-input kernel's) that a residual Add folds into too.
/// They stay where the reader is a 3×3 convolution, a strided 1×1 one, or one of two readers.
constexpr auto input_maps() {
    auto x = Input<shape<28, 28, 24>, name<"x">>{}();
    auto i = Input<shape<7, 7, 3>, name<"i">>{}();
    auto cat = Concatenate<name<"cat">>{}(x, Conv2D<8, kernel_size<3>, same, name<"grow">>{}(x));
    auto pre = ReLU<name<"pre_relu">>{}(BatchNormalization<name<"pre_bn">>{}(cat));
    auto bottleneck = Conv2D<40, kernel_size<1>, no_bias, name<"bottleneck">>{}(pre);
    auto grown = Conv2D<8, kernel_size<3>, same, name<"grown">>{}(ReLU<name<"mid_relu">>{}(BatchNormalization<name<"mid_bn">>{}(bottleneck)));
    auto pooled = MaxPooling2D<pool_size<4>, name<"pool">>{}(x);
    auto normalized = Activation<relu, name<"trans_relu">>{}(BatchNormalization<name<"trans_bn">>{}(pooled));
    auto trans = AveragePooling2D<pool_size<2>, name<"trans_pool">>{}(Conv2D<12, kernel_size<1>, name<"trans">>{}(normalized));
    auto few = Add<name<"few_add">>{}(i, Conv2D<3, kernel_size<1>, name<"few">>{}(BatchNormalization<name<"few_bn">>{}(i)));
    auto k3 = Conv2D<4, kernel_size<3>, same, name<"k3">>{}(ReLU<name<"k3_relu">>{}(BatchNormalization<name<"k3_bn">>{}(cat)));
    auto strided = Conv2D<4, kernel_size<1>, strides<2>, name<"strided">>{}(BatchNormalization<name<"strided_bn">>{}(cat));
    auto twice_bn = BatchNormalization<name<"twice_bn">>{}(cat);
    auto twice = Add<name<"twice_add">>{}(Conv2D<4, kernel_size<1>, name<"twice">>{}(twice_bn), Conv2D<4, kernel_size<1>, name<"twice2">>{}(twice_bn));
    return Model{inputs(x, i), outputs(grown, trans, few, k3, strided, twice)};
}

/// Sums that stay: after a convolution with an activation of its own, of an output also read
/// elsewhere, of three inputs, after a shared convolution, and of the caller's two inputs.
[[maybe_unused]] constexpr auto residual_not_folded() {
    auto x = Input<shape<6, 5, 8>, name<"x">>{}();
    auto y = Input<shape<6, 5, 8>, name<"y">>{}();
    auto activated = Add<name<"activated_add">>{}(x, Conv2D<8, kernel_size<3>, same, relu, name<"activated">>{}(x));
    auto c = Conv2D<8, kernel_size<1>, name<"read_twice">>{}(x);
    auto twice = Add<name<"twice_add">>{}(x, c);
    auto three = Add<name<"three_add">>{}(x, y, Conv2D<8, kernel_size<1>, name<"three">>{}(y));
    constexpr Conv2D<8, kernel_size<1>, name<"shared">> shared;
    auto sh = Add<name<"shared_add">>{}(shared(x), shared(y));
    return Model{inputs(x, y), outputs(activated, c, twice, three, sh, Add<name<"inputs_add">>{}(x, y))};
}

/// PP-OCRv4's learnable affine block: Conv2D → Rescaling → hard_swish → Rescaling; the first
/// Rescaling folds into the kernel, the activation into the layer, and the second Rescaling
/// (after the activation) into it as a map of its output; and Conv2DTranspose → sigmoid, its head.
constexpr auto affine_blocks() {
    auto x = Input<shape<5, 6, 3>, name<"x">>{}();
    auto c = Conv2D<6, kernel_size<3>, same, name<"conv">>{}(x);
    auto a = Rescaling<scale<"1.5">, offset<"0.75">, name<"lab">>{}(c);
    auto h = Activation<hard_swish, name<"hs">>{}(a);
    auto b = Rescaling<scale<"0.5">, offset<"-0.25">, name<"lab2">>{}(h);
    auto u = Conv2DTranspose<4, kernel_size<2>, strides<2>, name<"up">>{}(b);
    return Model{x, Activation<sigmoid, name<"sig">>{}(u)};
}

/// BatchNormalizations and Rescalings after activations (Keras' Conv2D → ReLU →
/// BatchNormalization; PP-OCRv4's hard SiLU → Rescaling), each folded into the layer before as a
/// map of its output, over the kernels' paths: a 1×1 product (hard SiLU folded in, the map in its
/// epilogue), a 3×3 by im2col (its own ReLU), a 1×1 to 5 channels (narrow products: a pass
/// after), a 1×1 with a softmax (a pass after it), a depthwise window (ReLU6: in its stores), one
/// with a sigmoid (a pass), a depthwise layer of multiplier 2 (grouped: a pass), and a residual
/// sum, a ReLU, then the map. And maps that must not fold, or stop a fold after them: a map of a
/// map read twice, an activation after a map, a second map, a sum after a map after a linear
/// layer (each would come before the first map).
constexpr auto output_maps() {
    auto x = Input<shape<9, 7, 24>, name<"x">>{}();
    auto pw = Activation<hard_swish, name<"pw_act">>{}(Conv2D<40, kernel_size<1>, name<"pw">>{}(x));
    auto pw_m = Rescaling<scale<"0.5">, offset<"-0.25">, name<"pw_map">>{}(pw);
    auto k3 = BatchNormalization<name<"k3_bn">>{}(Conv2D<36, kernel_size<3>, same, relu, name<"k3">>{}(pw_m));
    auto nar = BatchNormalization<name<"nar_bn">>{}(Conv2D<5, kernel_size<1>, relu, name<"nar">>{}(k3));
    auto sm = Rescaling<scale<"2">, offset<"1">, name<"sm_map">>{}(Conv2D<12, kernel_size<1>, softmax, name<"sm">>{}(k3));
    auto dw = BatchNormalization<name<"dw_bn">>{}(DepthwiseConv2D<kernel_size<3>, same, relu6, name<"dw">>{}(k3));
    auto dws = Rescaling<scale<"3">, offset<"-1">, name<"dws_map">>{}(DepthwiseConv2D<kernel_size<5>, same, sigmoid, name<"dws">>{}(dw));
    auto m2 = BatchNormalization<name<"m2_bn">>{}(DepthwiseConv2D<kernel_size<3>, same, depth_multiplier<2>, relu, name<"m2">>{}(nar));
    auto res = Add<name<"res_add">>{}(Conv2D<36, kernel_size<3>, same, name<"res">>{}(k3), dw);
    auto res_m = BatchNormalization<name<"res_bn">>{}(ReLU<name<"res_relu">>{}(res));
    auto twice = Conv2D<8, kernel_size<1>, relu, name<"twice">>{}(x);
    auto twice_m = Rescaling<scale<"0.5">, name<"twice_map">>{}(twice);
    auto after_m = BatchNormalization<name<"after_bn">>{}(Conv2D<8, kernel_size<1>, relu, name<"after">>{}(x));
    auto after = ReLU<name<"after_relu">>{}(after_m);
    auto first = Rescaling<scale<"0.25">, offset<"1">, name<"first_map">>{}(Conv2D<8, kernel_size<1>, relu, name<"two">>{}(x));
    auto second = Rescaling<scale<"4">, name<"second_map">>{}(first);
    auto lin = BatchNormalization<name<"lin_bn2">>{}(BatchNormalization<name<"lin_bn">>{}(Conv2D<8, kernel_size<1>, name<"lin">>{}(x)));
    auto lin_add = Add<name<"lin_add">>{}(lin, twice);
    return Model{x, Concatenate<name<"cat">>{}(sm, dws, m2, res_m, twice_m, twice, after, second, lin_add)};
}
/// 1×1 convolutions with an activation and a map folded in, computed by the depthwise layers
/// after them a band of rows at a time (graph/folding.hpp's producer; maps of 64×64×64, the
/// smallest that fold): ReLU then a Rescaling in the products' epilogue; a sigmoid, a pass over
/// each band, then a BatchNormalization.
constexpr auto mapped_producers() {
    auto x = Input<shape<64, 64, 8>, name<"x">>{}();
    auto a = Rescaling<scale<"0.5">, offset<"0.125">, name<"a_map">>{}(Conv2D<64, kernel_size<1>, relu, name<"a">>{}(x));
    auto b = BatchNormalization<name<"b_bn">>{}(Conv2D<64, kernel_size<1>, sigmoid, name<"b">>{}(x));
    return Model{x, outputs(DepthwiseConv2D<kernel_size<3>, same, name<"da">>{}(a),
                            DepthwiseConv2D<kernel_size<5>, strides<2>, same, name<"db">>{}(b))};
}

/// MobileNetV2's strided block: ZeroPadding2D ((0,1),(0,1)) → DepthwiseConv2D 3×3, stride 2,
/// valid (16 channels, the kernel's widest blocks) → BatchNormalization → ReLU6; and a padding
/// before a `same` 5×5 depthwise layer (19 channels, a tail). The padded maps fold away. The
/// second padding's input is computed early and read late, past a branch whose buffers could
/// take its place if the plan freed it with the padding.
constexpr auto padded_depthwise() {
    auto x = Input<shape<9, 8, 16>, name<"x">>{}();
    auto p = ZeroPadding2D<padding<0, 1, 0, 1>, name<"pad">>{}(x);
    auto d = DepthwiseConv2D<kernel_size<3>, strides<2>, no_bias, name<"dw">>{}(p);
    auto r = ReLU<max_value<6>, name<"relu6">>{}(BatchNormalization<name<"bn">>{}(d));
    auto c = Conv2D<19, kernel_size<1>, name<"expand">>{}(r);
    auto q = ZeroPadding2D<padding<2>, name<"pad2">>{}(c);
    auto b = Conv2D<19, kernel_size<3>, same, relu, name<"branch">>{}(Conv2D<19, kernel_size<1>, name<"branch0">>{}(c));
    auto u = UpSampling2D<size<2>, name<"up">>{}(b);
    auto e = DepthwiseConv2D<kernel_size<5>, same, name<"dw5">>{}(q);
    return Model{x, Concatenate<name<"cat">>{}(e, u)};
}
/// Paddings that stay: read by two layers, a model output, before a layer that does not absorb
/// one (Conv2D).
constexpr auto padding_not_folded() {
    auto x = Input<shape<7, 6, 8>, name<"x">>{}();
    auto p = ZeroPadding2D<padding<1>, name<"pad">>{}(x);
    auto d = DepthwiseConv2D<kernel_size<3>, name<"dw">>{}(p);
    auto d2 = DepthwiseConv2D<kernel_size<3>, strides<2>, name<"dw2">>{}(p);
    auto q = ZeroPadding2D<padding<1>, name<"pad_out">>{}(d);
    auto e = DepthwiseConv2D<kernel_size<3>, name<"dw3">>{}(q);
    auto c = Conv2D<4, kernel_size<3>, name<"conv">>{}(ZeroPadding2D<padding<1>, name<"pad_conv">>{}(e));
    return Model{x, outputs(q, c, d2)};
}
/// Zero paddings before poolings, which count the zeros as cells of their windows: ResNet's stem
/// (1 on each side, a 3×3 max pooling of stride 2), uneven margins before a `same` average
/// pooling, and margins wider than the window of a `same` max pooling, some of whose windows then
/// hold zeros only.
constexpr auto padded_pools() {
    auto x = Input<shape<9, 8, 6>, name<"x">>{}();
    auto a = MaxPooling2D<pool_size<3>, strides<2>, name<"stem">>{}(ZeroPadding2D<padding<1>, name<"pad_stem">>{}(x));
    auto b = AveragePooling2D<pool_size<2>, same, name<"avg">>{}(ZeroPadding2D<padding<2, 0, 1, 3>, name<"pad_avg">>{}(x));
    auto c = MaxPooling2D<pool_size<2>, strides<1>, same, name<"wide">>{}(ZeroPadding2D<padding<3>, name<"pad_wide">>{}(x));
    return Model{x, outputs(a, b, c)};
}
/// 1×1 convolutions whose rows the depthwise layer after them computes as it goes (a row
/// producer fold), each map at least row_producer_min_floats: MobileNetV2's expansion, 1×1
/// Conv2D → BatchNormalization → ReLU6 → ZeroPadding2D → DepthwiseConv2D 3×3 stride 2 →
/// BatchNormalization → ReLU6 (27 channels: a packet of 16, a half of 8, 3 single ones with
/// AVX-512); a producer of its own hard SiLU before a `same` 5×5 layer; one over 3 input
/// channels, whose kernel stays in Keras' layout, with a BatchNormalization and a ReLU folded in,
/// before a `valid` 3×3 one; 90 channels (whole panels of the products' columns and a partial
/// one); and, over a map of 6 rows, 120 channels, which threads share by panels where these go
/// evenly over them. Maps large enough for 3 threads (threads_for): where they share rows, their
/// runs start mid-map, each with a band of its own. Producers that stay: a map under the minimum,
/// one read twice, softmax, 3×3, before a depthwise layer of multiplier 2.
constexpr auto produced_rows() {
    auto x = Input<shape<104, 100, 6>, name<"x">>{}();
    auto e = Conv2D<27, kernel_size<1>, name<"expand">>{}(x);
    auto r = ReLU<max_value<6>, name<"expand_relu">>{}(BatchNormalization<name<"expand_bn">>{}(e));
    auto p = ZeroPadding2D<padding<0, 1, 0, 1>, name<"pad">>{}(r);
    auto d = DepthwiseConv2D<kernel_size<3>, strides<2>, no_bias, name<"dw">>{}(p);
    auto a = ReLU<max_value<6>, name<"dw_relu">>{}(BatchNormalization<name<"dw_bn">>{}(d));
    auto small = DepthwiseConv2D<kernel_size<3>, same, name<"dw_small">>{}(Conv2D<13, kernel_size<1>, name<"small">>{}(a));
    auto h = Conv2D<32, kernel_size<1>, hard_silu, name<"own">>{}(x);
    auto f = DepthwiseConv2D<kernel_size<5>, same, name<"dw5">>{}(h);
    auto few = Conv2D<32, kernel_size<1>, name<"few">>{}(Conv2D<3, kernel_size<1>, name<"three">>{}(x));
    auto g = DepthwiseConv2D<kernel_size<3>, relu, name<"dw_few">>{}(ReLU<name<"few_relu">>{}(BatchNormalization<name<"few_bn">>{}(few)));
    auto wide = DepthwiseConv2D<kernel_size<3>, same, hard_silu, name<"dw_wide">>{}(Conv2D<90, kernel_size<1>, relu, name<"wide">>{}(x));
    auto x2 = Input<shape<6, 400, 8>, name<"x2">>{}();
    auto flat = DepthwiseConv2D<kernel_size<3>, same, name<"dw_flat">>{}(Conv2D<120, kernel_size<1>, name<"flat">>{}(x2));
    // Producers that stay.
    auto twice = Conv2D<32, kernel_size<1>, name<"twice">>{}(x);
    auto t1 = DepthwiseConv2D<kernel_size<3>, same, name<"twice_a">>{}(twice);
    auto t2 = DepthwiseConv2D<kernel_size<3>, same, name<"twice_b">>{}(twice);
    auto sm = DepthwiseConv2D<kernel_size<3>, same, name<"after_softmax">>{}(Conv2D<32, kernel_size<1>, softmax, name<"sm">>{}(x));
    auto k3 = DepthwiseConv2D<kernel_size<3>, same, name<"after_3x3">>{}(Conv2D<32, kernel_size<3>, same, name<"k3">>{}(x));
    auto m2 = DepthwiseConv2D<kernel_size<3>, same, depth_multiplier<2>, name<"mult2">>{}(Conv2D<32, kernel_size<1>, name<"m2">>{}(x));
    return Model{inputs(x, x2), outputs(small, f, g, wide, flat, Concatenate<name<"cat">>{}(t1, t2, sm, k3, m2))};
}
using PR = decltype(produced_rows());
static_assert(folding<PR>.producer_count == 5);
static_assert(folding<PR>.producer[PR::index_of_name("dw")] == PR::index_of_name("expand"));
static_assert(folding<PR>.folded_into[PR::index_of_name("expand")] == PR::index_of_name("dw"));
static_assert(folding<PR>.reads[PR::index_of_name("pad")] == PR::index_of_name("x"));
static_assert(folding<PR>.activation[PR::index_of_name("expand")] == activation_kind::relu6);
static_assert(folding<PR>.input_padding[PR::index_of_name("dw")] == margins{0, 1, 0, 1});
static_assert(folding<PR>.producer[PR::index_of_name("dw5")] == PR::index_of_name("own"));
static_assert(folding<PR>.producer[PR::index_of_name("dw_few")] == PR::index_of_name("few"));
static_assert(folding<PR>.producer[PR::index_of_name("dw_wide")] == PR::index_of_name("wide"));
static_assert(folding<PR>.producer[PR::index_of_name("dw_flat")] == PR::index_of_name("flat"));
static_assert(PR::layers[PR::index_of_name("small")].output_shape.size() < row_producer_min_floats);
static_assert(folding<PR>.producer[PR::index_of_name("dw_small")] == folding<PR>.none);
static_assert(folding<PR>.producer[PR::index_of_name("twice_a")] == folding<PR>.none);
static_assert(folding<PR>.producer[PR::index_of_name("after_softmax")] == folding<PR>.none);
static_assert(folding<PR>.producer[PR::index_of_name("after_3x3")] == folding<PR>.none);
static_assert(folding<PR>.producer[PR::index_of_name("mult2")] == folding<PR>.none);
// What the depthwise layers now read, the producers' inputs, lives until they run.
static_assert(memory_plan<PR>.last_use[PR::index_of_name("x")] >= PR::index_of_name("dw_wide"));
static_assert(memory_plan<PR>.last_use[PR::index_of_name("three")] == PR::index_of_name("dw_few"));
static_assert(folding<decltype(padded_pools())>.padding_count == 3);
using PD = decltype(padded_depthwise());
static_assert(folding<PD>.padding_count == 2);
static_assert(folding<PD>.folded_into[PD::index_of_name("pad")] == PD::index_of_name("dw"));
static_assert(folding<PD>.reads[PD::index_of_name("pad2")] == PD::index_of_name("expand"));
static_assert(folding<PD>.input_padding[PD::index_of_name("dw")] == margins{0, 1, 0, 1});
static_assert(folding<PD>.input_padding[PD::index_of_name("dw5")] == margins{2, 2, 2, 2});
static_assert(memory_plan<PD>.last_use[PD::index_of_name("expand")] >= PD::index_of_name("dw5"));
// The BatchNormalization and the ReLU6 still fold into the depthwise layer the padding folded into.
static_assert(folding<PD>.count == 1 && folding<PD>.activation_count == 1);
static_assert(folding<decltype(padding_not_folded())>.padding_count == 0);

static_assert(folding<decltype(folded_separable_grouped())>.count == 2);
static_assert(folding<decltype(folded_transposed())>.count == 3 && folding<decltype(folded_transposed())>.activation_count == 2);
static_assert(folding<decltype(folded_at_output())>.count == 1);
static_assert(folding<decltype(not_folded())>.count == 0);
static_assert(folding<decltype(folded_inside())>.count == 2);
static_assert(folding<decltype(activated_conv())>.count == 0);
static_assert(folding<decltype(folded_inside())>.activation_count == 2);
static_assert(folding<decltype(activated_conv())>.activation_count == 0);
using AF = decltype(activations_folded());
static_assert(folding<AF>.count == 1 && folding<AF>.activation_count == 3);
static_assert(folding<AF>.folded_into[AF::index_of_name("relu6")] == AF::index_of_name("conv"));
static_assert(folding<AF>.writes[AF::index_of_name("conv")] == AF::index_of_name("relu6"));
static_assert(folding<AF>.activation[AF::index_of_name("conv")] == activation_kind::relu6);
static_assert(folding<AF>.activation[AF::index_of_name("dw")] == activation_kind::relu);
static_assert(folding<AF>.activation[AF::index_of_name("dense")] == activation_kind::softmax);
static_assert(folding<decltype(activations_not_folded())>.count == 1);
static_assert(folding<decltype(activations_not_folded())>.activation_count == 0);
static_assert(folding<decltype(relu6_folded())>.activation_count == 1);
using AB = decltype(affine_blocks());
static_assert(folding<AB>.count == 1 && folding<AB>.activation_count == 2);
static_assert(folding<AB>.folded_into[AB::index_of_name("lab")] == AB::index_of_name("conv"));
static_assert(folding<AB>.folded_into[AB::index_of_name("hs")] == AB::index_of_name("conv"));
static_assert(folding<AB>.folded_into[AB::index_of_name("lab2")] == AB::index_of_name("conv"));
static_assert(folding<AB>.output_affine_count == 1 && folding<AB>.output_affine[AB::index_of_name("conv")] == AB::index_of_name("lab2"));
using OM = decltype(output_maps());
static_assert(folding<OM>.output_affine_count == 11);
static_assert(folding<OM>.output_affine[OM::index_of_name("pw")] == OM::index_of_name("pw_map"));
static_assert(folding<OM>.activation[OM::index_of_name("pw")] == activation_kind::hard_silu);
static_assert(folding<OM>.folded_into[OM::index_of_name("k3_bn")] == OM::index_of_name("k3"));
static_assert(folding<OM>.output_affine[OM::index_of_name("dws")] == OM::index_of_name("dws_map"));
static_assert(folding<OM>.output_affine[OM::index_of_name("m2")] == OM::index_of_name("m2_bn"));
static_assert(folding<OM>.residual[OM::index_of_name("res")] == OM::index_of_name("dw_bn"));
static_assert(folding<OM>.output_affine[OM::index_of_name("res")] == OM::index_of_name("res_bn"));
static_assert(folding<OM>.folded_into[OM::index_of_name("twice_map")] == folding<OM>.none);
static_assert(folding<OM>.output_affine[OM::index_of_name("after")] == OM::index_of_name("after_bn"));
static_assert(folding<OM>.folded_into[OM::index_of_name("after_relu")] == folding<OM>.none);
static_assert(folding<OM>.output_affine[OM::index_of_name("two")] == OM::index_of_name("first_map"));
static_assert(folding<OM>.folded_into[OM::index_of_name("second_map")] == folding<OM>.none);
static_assert(folding<OM>.folded_into[OM::index_of_name("lin_bn")] == OM::index_of_name("lin"));
static_assert(folding<OM>.output_affine[OM::index_of_name("lin")] == OM::index_of_name("lin_bn2"));
static_assert(folding<OM>.folded_into[OM::index_of_name("lin_add")] == folding<OM>.none);
using MP = decltype(mapped_producers());
static_assert(folding<MP>.output_affine_count == 2 && folding<MP>.producer_count == 2);
static_assert(folding<MP>.producer[MP::index_of_name("db")] == MP::index_of_name("b"));
static_assert(folding<MP>.output_affine[MP::index_of_name("b")] == MP::index_of_name("b_bn"));
static_assert(folding<AB>.activation[AB::index_of_name("up")] == activation_kind::sigmoid);
static_assert(folding<decltype(relu6_not_folded())>.count == 1 && folding<decltype(relu6_not_folded())>.activation_count == 0);
using RE = decltype(residual_ends());
static_assert(folding<RE>.activation_count == 2 && folding<RE>.residual_count == 2);
static_assert(folding<RE>.folded_into[RE::index_of_name("add")] == RE::index_of_name("conv"));
static_assert(folding<RE>.residual[RE::index_of_name("conv")] == RE::index_of_name("x"));
static_assert(folding<RE>.folded_into[RE::index_of_name("relu")] == RE::index_of_name("conv"));
static_assert(folding<RE>.residual[RE::index_of_name("pw")] == RE::index_of_name("relu"));
static_assert(folding<RE>.activation[RE::index_of_name("pw")] == activation_kind::softmax);
static_assert(folding<RE>.folded_into[RE::index_of_name("add3")] == folding<RE>.none);
static_assert(folding<RE>.folded_into[RE::index_of_name("kept")] == folding<RE>.none);
using RP = decltype(residual_paths());
static_assert(folding<RP>.residual_count == 7 && folding<RP>.count == 2);
static_assert(folding<RP>.folded_into[RP::index_of_name("block_add")] == RP::index_of_name("pw"));
static_assert(folding<RP>.residual[RP::index_of_name("pw")] == RP::index_of_name("sc_bn"));
static_assert(folding<RP>.writes[RP::index_of_name("pw")] == RP::index_of_name("block_relu"));
static_assert(folding<RP>.activation[RP::index_of_name("pw")] == activation_kind::relu);
static_assert(folding<RP>.activation[RP::index_of_name("im")] == activation_kind::tanh);
static_assert(folding<RP>.writes[RP::index_of_name("gr")] == RP::index_of_name("gr_add"));
static_assert(folding<RP>.folded_into[RP::index_of_name("order_add")] == RP::index_of_name("second"));
static_assert(folding<RP>.residual[RP::index_of_name("second")] == RP::index_of_name("first"));
// The paths the test means to take: few inputs, a Winograd 3×3, per-tap products, im2col tiles.
static_assert(detail::conv2d_few_inputs_path(detail::window_op_of<Conv2D<3, kernel_size<3>, same>>({9, 10, 3}, {9, 10, 3}, activation_kind::linear)));
static_assert(detail::winograd_tile_of<Conv2D<40, kernel_size<3>, same>>({14, 13, 40}, {14, 13, 40}) != 0);
static_assert(detail::path_of(detail::window_op_of<Conv2D<40, kernel_size<7>, same>>({6, 5, 24}, {6, 5, 40}, activation_kind::linear)) ==
              detail::conv2d_path::by_taps);
static_assert(detail::path_of(detail::window_op_of<Conv2D<40, kernel_size<3>, strides<2>, same>>({14, 13, 40}, {7, 7, 40},
                                                                                               activation_kind::linear)) ==
              detail::conv2d_path::im2col);
static_assert(folding<decltype(residual_not_folded())>.residual_count == 0);
using DB = decltype(dense_block());
static_assert(folding<DB>.count == 0 && folding<DB>.activation_count == 1);
static_assert(folding<DB>.folded_into[DB::index_of_name("relu")] == DB::index_of_name("bn"));
static_assert(folding<DB>.activation[DB::index_of_name("bn")] == activation_kind::relu);
static_assert(folding<DB>.writes[DB::index_of_name("bn")] == DB::index_of_name("relu"));
static_assert(folding<DB>.input_affine_count == 1 && folding<DB>.input_affine[DB::index_of_name("pw")] == DB::index_of_name("bn"));
using IM = decltype(input_maps());
static_assert(folding<IM>.input_affine_count == 3 && folding<IM>.count == 1 && folding<IM>.residual_count == 2);
static_assert(folding<IM>.input_affine[IM::index_of_name("bottleneck")] == IM::index_of_name("pre_bn"));
static_assert(folding<IM>.folded_into[IM::index_of_name("pre_bn")] == IM::index_of_name("bottleneck"));
static_assert(folding<IM>.activation[IM::index_of_name("pre_bn")] == activation_kind::relu);
static_assert(folding<IM>.reads[IM::index_of_name("pre_relu")] == IM::index_of_name("cat"));
static_assert(folding<IM>.absorbs[IM::index_of_name("bottleneck")] == IM::index_of_name("mid_bn"));
static_assert(folding<IM>.activation[IM::index_of_name("bottleneck")] == activation_kind::relu);
static_assert(folding<IM>.input_affine[IM::index_of_name("trans")] == IM::index_of_name("trans_bn"));
static_assert(folding<IM>.reads[IM::index_of_name("trans_relu")] == IM::index_of_name("pool"));
static_assert(memory_plan<IM>.last_use[IM::index_of_name("pool")] == IM::index_of_name("trans"));
static_assert([] {
    constexpr auto& plan = memory_plan<IM>;
    constexpr std::size_t a = IM::index_of_name("pool"), b = IM::index_of_name("trans");
    return plan.offset[a] + IM::layers[a].output_shape.size() <= plan.offset[b] ||
           plan.offset[b] + IM::layers[b].output_shape.size() <= plan.offset[a];
}());
static_assert(folding<IM>.input_affine[IM::index_of_name("few")] == IM::index_of_name("few_bn"));
static_assert(folding<IM>.residual[IM::index_of_name("few")] == IM::index_of_name("i"));
static_assert(detail::conv2d_few_inputs_path(detail::window_op_of<Conv2D<3, kernel_size<1>>>({7, 7, 3}, {7, 7, 3}, activation_kind::linear)));
static_assert(folding<IM>.folded_into[IM::index_of_name("k3_bn")] == folding<IM>.none);
static_assert(folding<IM>.folded_into[IM::index_of_name("strided_bn")] == folding<IM>.none);
static_assert(folding<IM>.folded_into[IM::index_of_name("twice_bn")] == folding<IM>.none);
// The BatchNormalization's weights are Keras': two trainable arrays and two non-trainable ones.
static_assert(decltype(folded_at_output())::non_trainable_params == 10);
static_assert(decltype(folded_at_output())::trainable_params == 3 * 3 * 3 * 5 + 10);
}  // namespace

TEST_CASE("folding: the folded network equals a naive Conv2D then BatchNormalization, at the output and inside") {
    {
        network net{folded_at_output()};
        auto w = randomize(net, 11);
        const auto x = random_tensor<shape<7, 6, 3>>(2, 5);
        const array4 conv = reference::conv2d(to_array(x), w["conv/kernel"], {}, 3, 3, 5, 2, 2, 1, 1, true, 0);
        const array4 want = batch_norm(conv, w["bn/gamma"], w["bn/beta"], w["bn/moving_mean"], w["bn/moving_variance"], 1.001e-5);
        for (int threads : {1, 3}) require_close(net(x, {.threads = threads}).data(), want);
    }
    {
        network net{folded_inside()};
        auto w = randomize(net, 12);
        const auto x = random_tensor<shape<8, 7, 4>>(3, 6);
        array4 t = reference::conv2d(to_array(x), w["conv/kernel"], w["conv/bias"], 3, 3, 6, 1, 1, 1, 1, true, 0);
        t = batch_norm(t, {}, w["bn/beta"], w["bn/moving_mean"], w["bn/moving_variance"], 1e-3);
        for (auto& v : t.v) v = std::max(v, 0.0f);
        t = grouped_conv(t, w["dw/depthwise_kernel"], {}, 3, 3, 12, 6, 1, 1, 1, 1, false, 0);
        t = batch_norm(t, w["bn2/gamma"], {}, w["bn2/moving_mean"], w["bn2/moving_variance"], 1e-3);
        for (auto& v : t.v) v = std::tanh(v);
        for (int threads : {1, 3}) require_close(net(x, {.threads = threads}).data(), t);
    }
    {
        network net{activated_conv()};
        auto w = randomize(net, 13);
        const auto x = random_tensor<shape<5, 5, 2>>(2, 7);
        const array4 conv = reference::conv2d(to_array(x), w["conv/kernel"], w["conv/bias"], 3, 3, 3, 1, 1, 1, 1, false, 1);
        require_close(net(x).data(), batch_norm(conv, w["bn/gamma"], w["bn/beta"], w["bn/moving_mean"], w["bn/moving_variance"], 1e-3));
    }
}

TEST_CASE("folding into SeparableConv2D's pointwise kernel and a grouped Conv2D's kernel equals the naive layers") {
    network net{folded_separable_grouped()};
    auto w = randomize(net, 14);
    const auto x = random_tensor<shape<6, 7, 4>>(2, 15);
    array4 t = grouped_conv(to_array(x), w["sep/depthwise_kernel"], {}, 3, 3, 8, 4, 1, 1, 1, 1, true, 0);
    t = reference::conv2d(t, w["sep/pointwise_kernel"], {}, 1, 1, 6, 1, 1, 1, 1, false, 0);
    t = batch_norm(t, w["bn/gamma"], w["bn/beta"], w["bn/moving_mean"], w["bn/moving_variance"], 1e-3);
    t = grouped_conv(t, w["grouped/kernel"], w["grouped/bias"], 3, 3, 9, 3, 1, 1, 1, 1, false, 0);
    t = batch_norm(t, w["bn2/gamma"], w["bn2/beta"], w["bn2/moving_mean"], w["bn2/moving_variance"], 1.0 / 64);
    for (int threads : {1, 3}) require_close(net(x, {.threads = threads}).data(), t);
}

TEST_CASE("folding into Conv2DTranspose's kernel, whose output channels come before its input channels, equals the naive layers") {
    network net{folded_transposed()};
    auto w = randomize(net, 16);
    const auto x = random_tensor<shape<5, 6, 3>>(2, 17);
    array4 t = reference::conv2d_transpose(to_array(x), w["overlap/kernel"], {}, 3, 3, 5, 2, 2, 1, 1, true, -1, -1, 0);
    t = batch_norm(t, w["bn1/gamma"], w["bn1/beta"], w["bn1/moving_mean"], w["bn1/moving_variance"], 1e-3);
    for (auto& v : t.v) v = std::max(v, 0.0f);
    t = reference::conv2d_transpose(t, w["wide/kernel"], w["wide/bias"], 2, 2, 8, 2, 2, 1, 1, false, -1, -1, 0);
    t = batch_norm(t, w["bn2/gamma"], w["bn2/beta"], w["bn2/moving_mean"], w["bn2/moving_variance"], 1e-3);
    t = reference::conv2d_transpose(t, w["few/kernel"], w["few/bias"], 2, 2, 1, 2, 2, 1, 1, false, -1, -1, 0);
    t = batch_norm(t, w["bn3/gamma"], w["bn3/beta"], w["bn3/moving_mean"], w["bn3/moving_variance"], 1.0 / 64);
    for (auto& v : t.v) v = 1.0f / (1.0f + std::exp(-v));
    for (int threads : {1, 3}) require_close(net(x, {.threads = threads}).data(), t);
}

TEST_CASE("folding: the unfolded path (the convolution read twice) gives the folded path's numbers") {
    network folded{folded_at_output()};
    network unfolded{not_folded()};
    const auto w = randomize(folded, 21);
    for (std::size_t i = 0; i != decltype(unfolded)::weights.size(); ++i) {
        const auto& v = w.at(decltype(unfolded)::weights[i].key());
        std::copy(v.begin(), v.end(), unfolded.values(i).begin());
    }
    const auto x = random_tensor<shape<7, 6, 3>>(2, 22);
    const auto a = folded(x);
    const auto b = unfolded(x);
    std::size_t bad = 0;
    for (int n = 0; n != 2; ++n)
        for (int h = 0; h != 4; ++h)
            for (int ww = 0; ww != 3; ++ww)
                for (int c = 0; c != 5; ++c) {
                    const float want = b(n, h, ww, c), got = a(n, h, ww, c);
                    bad += !(std::abs(got - want) <= 1e-5f * (1.0f + std::abs(want)));
                }
    CHECK(bad == 0);
}

namespace {
array4 capped_at_6(array4 a) {
    for (auto& v : a.v) v = std::min(std::max(v, 0.0f), 6.0f);
    return a;
}
/// Keras' Dense over the last axis.
array4 dense(const array4& x, const std::vector<float>& kernel, const std::vector<float>& bias, int units) {
    array4 y(x.n, x.h, x.w, units);
    for (int n = 0; n < x.n; ++n)
        for (int h = 0; h < x.h; ++h)
            for (int w = 0; w < x.w; ++w)
                for (int u = 0; u < units; ++u) {
                    double acc = bias[static_cast<std::size_t>(u)];
                    for (int c = 0; c < x.c; ++c) acc += double(x(n, h, w, c)) * kernel[static_cast<std::size_t>(c * units + u)];
                    y(n, h, w, u) = static_cast<float>(acc);
                }
    return y;
}
}  // namespace

TEST_CASE("folding activations: the folded network equals the naive layers, and needed intermediates stop the fold") {
    // Weights and inputs scaled up, so that relu6's cap is reached.
    auto x = random_tensor<shape<7, 6, 3>>(2, 61);
    for (auto& v : x) v *= 8.0f;
    {
        network net{activations_folded()};
        auto w = randomize(net, 62);
        array4 t = reference::conv2d(to_array(x), w["conv/kernel"], {}, 3, 3, 8, 2, 2, 1, 1, true, 0);
        t = capped_at_6(batch_norm(t, w["bn/gamma"], w["bn/beta"], w["bn/moving_mean"], w["bn/moving_variance"], 1e-3));
        CHECK(std::count(t.v.begin(), t.v.end(), 6.0f) > 0);
        t = grouped_conv(t, w["dw/depthwise_kernel"], w["dw/bias"], 3, 3, 8, 8, 1, 1, 1, 1, true, 1);
        t = dense(t, w["dense/kernel"], w["dense/bias"], 5);
        for (std::size_t p = 0; p != t.v.size(); p += 5) {
            double top = t.v[p], sum = 0.0;
            for (std::size_t u = 0; u != 5; ++u) top = std::max(top, double(t.v[p + u]));
            for (std::size_t u = 0; u != 5; ++u) sum += std::exp(t.v[p + u] - top);
            for (std::size_t u = 0; u != 5; ++u) t.v[p + u] = static_cast<float>(std::exp(t.v[p + u] - top) / sum);
        }
        for (int threads : {1, 3}) require_close(net(x, {.threads = threads}).data(), t);
    }
    {
        network net{activations_not_folded()};
        auto w = randomize(net, 63);
        array4 b = reference::conv2d(to_array(x), w["conv/kernel"], {}, 3, 3, 8, 2, 2, 1, 1, true, 0);
        b = batch_norm(b, w["bn/gamma"], w["bn/beta"], w["bn/moving_mean"], w["bn/moving_variance"], 1e-3);
        array4 t = grouped_conv(capped_at_6(b), w["dw/depthwise_kernel"], w["dw/bias"], 3, 3, 8, 8, 1, 1, 1, 1, true, 0);
        for (auto& v : t.v) v += std::max(v, 0.0f);
        t = dense(t, w["dense/kernel"], w["dense/bias"], 5);
        for (auto& v : t.v) v = std::max(v, 0.0f);
        t = reference::conv2d(t, w["pw/kernel"], w["pw/bias"], 1, 1, 4, 1, 1, 1, 1, false, 0);
        for (auto& v : t.v) v = v > 0.0f ? v : 0.25f * v;
        for (int threads : {1, 3}) {
            const auto [bn, out] = net.predict(std::tie(x), {.threads = threads});
            require_close(bn.data(), b);
            require_close(out.data(), t);
        }
    }
    {
        network net{affine_blocks()};
        auto w = randomize(net, 66);
        const auto in = random_tensor<shape<5, 6, 3>>(2, 67);
        array4 t = reference::conv2d(to_array(in), w["conv/kernel"], w["conv/bias"], 3, 3, 6, 1, 1, 1, 1, true, 0);
        for (auto& v : t.v) {
            const float a = v * 1.5f + 0.75f;
            v = a * std::min(std::max(a + 3.0f, 0.0f), 6.0f) / 6.0f * 0.5f - 0.25f;
        }
        t = reference::conv2d_transpose(t, w["up/kernel"], w["up/bias"], 2, 2, 4, 2, 2, 1, 1, false, -1, -1, 2);
        for (int threads : {1, 3}) require_close(net(in, {.threads = threads}).data(), t);
    }
    {
        network net{residual_ends()};
        auto w = randomize(net, 70);
        const auto in = random_tensor<shape<40, 40, 24>>(2, 71);
        const array4 a = to_array(in);
        array4 r = reference::conv2d(a, w["conv/kernel"], w["conv/bias"], 3, 3, 24, 1, 1, 1, 1, true, 0);
        for (std::size_t i = 0; i != r.v.size(); ++i) r.v[i] = std::max(r.v[i] + a.v[i], 0.0f);
        CHECK(std::count(r.v.begin(), r.v.end(), 0.0f) > 0);
        array4 s = reference::conv2d(r, w["pw/kernel"], w["pw/bias"], 1, 1, 24, 1, 1, 1, 1, true, 0);
        for (std::size_t i = 0; i != s.v.size(); ++i) s.v[i] += r.v[i];
        s = reference::softmax_channels(s);
        array4 t = r;
        for (std::size_t i = 0; i != t.v.size(); ++i) {
            const float a3 = r.v[i] + a.v[i];
            t.v[i] = std::max(a3, 0.0f) + a3;
        }
        for (int threads : {1, 3}) {
            const auto [probabilities, sum] = net.predict(std::tie(in), {.threads = threads});
            require_close(probabilities.data(), s);
            require_close(sum.data(), t);
        }
    }
    {
        network net{dense_block()};
        auto w = randomize(net, 68);
        const auto in = random_tensor<shape<5, 4, 3>>(2, 69);
        const array4 a = to_array(in);
        const array4 c = reference::conv2d(a, w["conv/kernel"], w["conv/bias"], 3, 3, 5, 1, 1, 1, 1, true, 0);
        array4 t(2, 5, 4, 8);
        for (int n = 0; n != 2; ++n)
            for (int h = 0; h != 5; ++h)
                for (int col = 0; col != 4; ++col) {
                    for (int ch = 0; ch != 3; ++ch) t(n, h, col, ch) = a(n, h, col, ch);
                    for (int ch = 0; ch != 5; ++ch) t(n, h, col, 3 + ch) = c(n, h, col, ch);
                }
        t = batch_norm(t, w["bn/gamma"], w["bn/beta"], w["bn/moving_mean"], w["bn/moving_variance"], 1e-3);
        for (auto& v : t.v) v = std::max(v, 0.0f);
        t = reference::conv2d(t, w["pw/kernel"], w["pw/bias"], 1, 1, 4, 1, 1, 1, 1, false, 1);
        const array4 b2 = batch_norm(t, w["bn2/gamma"], w["bn2/beta"], w["bn2/moving_mean"], w["bn2/moving_variance"], 1e-3);
        for (int threads : {1, 3}) {
            const auto [r6, b] = net.predict(std::tie(in), {.threads = threads});
            require_close(r6.data(), capped_at_6(b2));
            require_close(b.data(), b2);
        }
    }
    {
        // The same weights with the activation folded and not: the same numbers.
        network folded{relu6_folded()};
        network unfolded{relu6_not_folded()};
        const auto w = randomize(unfolded, 64);
        for (const auto& spec : decltype(unfolded)::weights) {
            const auto& v = w.at(spec.key());
            std::copy(v.begin(), v.end(), folded.values(spec.layer, spec.name).begin());
        }
        tensor<shape<6, 5, 4>> in(2);
        std::vector<float> v(in.size());
        reference::fill_random(v, 65);
        for (std::size_t i = 0; i != v.size(); ++i) in.data()[i] = 8.0f * v[i];
        const auto a = std::get<0>(folded(in));
        const auto b = std::get<0>(unfolded(in));
        CHECK(std::count(b.begin(), b.end(), 6.0f) > 0);
        CHECK(std::count(b.begin(), b.end(), 0.0f) > 0);
        std::size_t bad = 0;
        for (std::size_t i = 0; i != a.size(); ++i) bad += !(std::abs(a.data()[i] - b.data()[i]) <= 1e-5f * (1.0f + std::abs(b.data()[i])));
        CHECK(bad == 0);
    }
}

TEST_CASE("folding residual sums: each Conv2D path adds the shortcut before the activation, as the Add did") {
    network net{residual_paths()};
    auto w = randomize(net, 72);
    const auto s = random_tensor<shape<9, 10, 3>>(3, 73);
    const auto x = random_tensor<shape<14, 13, 40>>(3, 74);
    const auto t = random_tensor<shape<6, 5, 24>>(3, 75);
    const array4 as = to_array(s), ax = to_array(x), at = to_array(t);
    const auto plus = [](array4 a, const array4& b, int act) {
        for (std::size_t i = 0; i != a.v.size(); ++i) a.v[i] = reference::activate(a.v[i] + b.v[i], act);
        return a;
    };
    const auto conv = [&](const array4& in, const std::string& layer, int k, int filters, int stride, bool bias) {
        return reference::conv2d(in, w[layer + "/kernel"], bias ? w[layer + "/bias"] : std::vector<float>{}, k, k, filters, stride, stride,
                                 1, 1, true, 0);
    };
    const auto bn = [&](const array4& in, const std::string& layer) {
        return batch_norm(in, w[layer + "/gamma"], w[layer + "/beta"], w[layer + "/moving_mean"], w[layer + "/moving_variance"], 1e-3);
    };
    const array4 few = plus(conv(as, "few", 3, 3, 1, true), as, 1);
    const array4 block = plus(bn(conv(ax, "sc", 1, 72, 1, true), "sc_bn"), bn(conv(ax, "pw", 1, 72, 1, false), "pw_bn"), 1);
    const array4 im = plus(conv(ax, "im", 3, 40, 2, true), reference::pool2d(ax, 2, 2, 2, 2, true, true), 3);
    const array4 wg = plus(conv(ax, "wg", 3, 40, 1, true), ax, 4);
    const array4 gr = plus(grouped_conv(ax, w["gr/kernel"], w["gr/bias"], 3, 3, 40, 4, 1, 1, 1, 1, true, 0), ax, 0);
    const array4 taps = reference::softmax_channels(plus(conv(at, "taps", 7, 40, 1, true), conv(at, "tp", 1, 40, 1, true), 0));
    const array4 order = plus(conv(at, "first", 1, 24, 1, true), conv(at, "second", 1, 24, 1, true), 0);
    // The activations' ranges are reached: ReLU's zeros and ReLU6's cap.
    CHECK(std::count(block.v.begin(), block.v.end(), 0.0f) > 0);
    CHECK(std::count(wg.v.begin(), wg.v.end(), 6.0f) + std::count(wg.v.begin(), wg.v.end(), 0.0f) > 0);
    for (const auto order_of_batch : {batch_order::by_layer, batch_order::by_sample})
        for (int threads : {1, 2}) {
            CAPTURE(threads);
            const auto [y_few, y_block, y_im, y_wg, y_gr, y_taps, y_order] =
                net.predict(std::tie(s, x, t), {.threads = threads, .order = order_of_batch});
            require_close(y_few.data(), few);
            require_close(y_block.data(), block);
            require_close(y_im.data(), im);
            require_close(y_wg.data(), wg);
            require_close(y_gr.data(), gr);
            require_close(y_taps.data(), taps);
            require_close(y_order.data(), order);
        }
}

TEST_CASE("folding BatchNormalizations into the 1x1 convolutions after them: each maps its input as the layers did") {
    network net{input_maps()};
    auto w = randomize(net, 81);
    const auto x = random_tensor<shape<28, 28, 24>>(3, 82);
    const auto i = random_tensor<shape<7, 7, 3>>(3, 83);
    const array4 ax = to_array(x), ai = to_array(i);
    const auto bn = [&](const array4& in, const std::string& layer) {
        return batch_norm(in, w[layer + "/gamma"], w[layer + "/beta"], w[layer + "/moving_mean"], w[layer + "/moving_variance"], 1e-3);
    };
    const auto conv = [&](const array4& in, const std::string& layer, int k, int filters, int stride, bool bias, int act) {
        return reference::conv2d(in, w[layer + "/kernel"], bias ? w[layer + "/bias"] : std::vector<float>{}, k, k, filters, stride, stride,
                                 1, 1, k != 1, act);
    };
    const auto relu = [](array4 a) {
        for (auto& v : a.v) v = std::max(v, 0.0f);
        return a;
    };
    const array4 grow = conv(ax, "grow", 3, 8, 1, true, 0);
    array4 cat(3, 28, 28, 32);
    for (int n = 0; n != 3; ++n)
        for (int h = 0; h != 28; ++h)
            for (int col = 0; col != 28; ++col)
                for (int ch = 0; ch != 32; ++ch) cat(n, h, col, ch) = ch < 24 ? ax(n, h, col, ch) : grow(n, h, col, ch - 24);
    const array4 grown = conv(relu(bn(conv(relu(bn(cat, "pre_bn")), "bottleneck", 1, 40, 1, false, 0), "mid_bn")), "grown", 3, 8, 1, true, 0);
    const array4 pooled = reference::pool2d(ax, 4, 4, 4, 4, false, false);
    const array4 trans = reference::pool2d(conv(relu(bn(pooled, "trans_bn")), "trans", 1, 12, 1, true, 0), 2, 2, 2, 2, false, true);
    array4 few = conv(bn(ai, "few_bn"), "few", 1, 3, 1, true, 0);
    for (std::size_t k = 0; k != few.v.size(); ++k) few.v[k] += ai.v[k];
    const array4 k3 = conv(relu(bn(cat, "k3_bn")), "k3", 3, 4, 1, true, 0);
    const array4 strided = conv(bn(cat, "strided_bn"), "strided", 1, 4, 2, true, 0);
    array4 twice = conv(bn(cat, "twice_bn"), "twice", 1, 4, 1, true, 0);
    const array4 twice2 = conv(bn(cat, "twice_bn"), "twice2", 1, 4, 1, true, 0);
    for (std::size_t k = 0; k != twice.v.size(); ++k) twice.v[k] += twice2.v[k];
    for (const auto order_of_batch : {batch_order::by_layer, batch_order::by_sample})
        for (int threads : {1, 2}) {
            CAPTURE(threads);
            const auto [y_grown, y_trans, y_few, y_k3, y_strided, y_twice] =
                net.predict(std::tie(x, i), {.threads = threads, .order = order_of_batch});
            require_close(y_grown.data(), grown);
            require_close(y_trans.data(), trans);
            require_close(y_few.data(), few);
            require_close(y_k3.data(), k3);
            require_close(y_strided.data(), strided);
            require_close(y_twice.data(), twice);
        }
}

TEST_CASE("folding zero paddings into poolings: the margins' zeros count as cells, as the padded map's did") {
    network net{padded_pools()};
    auto x = random_tensor<shape<9, 8, 6>>(2, 75);
    // Below zero mostly, so that a window's zeros are its maximum.
    for (auto& v : x) v -= 0.7f;
    const array4 ax = to_array(x);
    const array4 a = reference::pool2d(reference::zero_pad(ax, 1, 1, 1, 1), 3, 3, 2, 2, false, false);
    const array4 b = reference::pool2d(reference::zero_pad(ax, 2, 0, 1, 3), 2, 2, 2, 2, true, true);
    const array4 c = reference::pool2d(reference::zero_pad(ax, 3, 3, 3, 3), 2, 2, 1, 1, true, false);
    CHECK(std::count(a.v.begin(), a.v.end(), 0.0f) > 0);
    CHECK(std::count_if(a.v.begin(), a.v.end(), [](float v) { return v > 0.0f; }) > 0);
    for (int threads : {1, 3})
        for (const auto order : {batch_order::by_layer, batch_order::by_sample}) {
            const auto [got_a, got_b, got_c] = net.predict(std::tie(x), {.threads = threads, .order = order});
            require_close(got_a.data(), a);
            require_close(got_b.data(), b);
            require_close(got_c.data(), c);
        }
}

TEST_CASE("folding zero paddings: the depthwise layers after them equal the naive pad and convolution, and paddings that must stay do") {
    {
        network net{padded_depthwise()};
        auto w = randomize(net, 71);
        auto x = random_tensor<shape<9, 8, 16>>(2, 72);
        for (auto& v : x) v *= 8.0f;
        array4 t = grouped_conv(reference::zero_pad(to_array(x), 0, 1, 0, 1), w["dw/depthwise_kernel"], {}, 3, 3, 16, 16, 2, 2, 1, 1, false, 0);
        t = capped_at_6(batch_norm(t, w["bn/gamma"], w["bn/beta"], w["bn/moving_mean"], w["bn/moving_variance"], 1e-3));
        CHECK(std::count(t.v.begin(), t.v.end(), 6.0f) > 0);
        const array4 c = reference::conv2d(t, w["expand/kernel"], w["expand/bias"], 1, 1, 19, 1, 1, 1, 1, false, 0);
        const array4 e = grouped_conv(reference::zero_pad(c, 2, 2, 2, 2), w["dw5/depthwise_kernel"], w["dw5/bias"], 5, 5, 19, 19, 1, 1, 1,
                                      1, true, 0);
        array4 b = reference::conv2d(c, w["branch0/kernel"], w["branch0/bias"], 1, 1, 19, 1, 1, 1, 1, false, 0);
        b = reference::upsample(reference::conv2d(b, w["branch/kernel"], w["branch/bias"], 3, 3, 19, 1, 1, 1, 1, true, 1), 2, 2);
        array4 want(2, e.h, e.w, 38);
        for (int n = 0; n != 2; ++n)
            for (int h = 0; h != e.h; ++h)
                for (int col = 0; col != e.w; ++col)
                    for (int ch = 0; ch != 19; ++ch) want(n, h, col, ch) = e(n, h, col, ch), want(n, h, col, 19 + ch) = b(n, h, col, ch);
        for (int threads : {1, 3})
            for (const auto order : {batch_order::by_layer, batch_order::by_sample})
                require_close(net.predict(x, {.threads = threads, .order = order}).data(), want);
    }
    {
        network net{padding_not_folded()};
        auto w = randomize(net, 73);
        const auto x = random_tensor<shape<7, 6, 8>>(2, 74);
        const array4 p = reference::zero_pad(to_array(x), 1, 1, 1, 1);
        const array4 d = grouped_conv(p, w["dw/depthwise_kernel"], w["dw/bias"], 3, 3, 8, 8, 1, 1, 1, 1, false, 0);
        const array4 d2 = grouped_conv(p, w["dw2/depthwise_kernel"], w["dw2/bias"], 3, 3, 8, 8, 2, 2, 1, 1, false, 0);
        const array4 q = reference::zero_pad(d, 1, 1, 1, 1);
        const array4 e = grouped_conv(q, w["dw3/depthwise_kernel"], w["dw3/bias"], 3, 3, 8, 8, 1, 1, 1, 1, false, 0);
        const array4 c = reference::conv2d(reference::zero_pad(e, 1, 1, 1, 1), w["conv/kernel"], w["conv/bias"], 3, 3, 4, 1, 1, 1, 1, false, 0);
        for (int threads : {1, 3}) {
            const auto [got_q, got_c, got_d2] = net.predict(std::tie(x), {.threads = threads});
            require_close(got_q.data(), q);
            require_close(got_c.data(), c);
            require_close(got_d2.data(), d2);
        }
    }
}

TEST_CASE("folding row producers: the depthwise layers that compute their input's rows equal the naive 1×1 and depthwise layers") {
    network net{produced_rows()};
    auto w = randomize(net, 75);
    auto x = random_tensor<shape<104, 100, 6>>(2, 76);
    for (auto& v : x) v *= 4.0f;
    const auto x2 = random_tensor<shape<6, 400, 8>>(2, 77);
    const array4 in = to_array(x);
    const auto conv1x1 = [&](const array4& t, const std::string& layer, int filters, int act) {
        return reference::conv2d(t, w[layer + "/kernel"], w[layer + "/bias"], 1, 1, filters, 1, 1, 1, 1, false, act);
    };
    array4 e = conv1x1(in, "expand", 27, 0);
    e = capped_at_6(
        batch_norm(e, w["expand_bn/gamma"], w["expand_bn/beta"], w["expand_bn/moving_mean"], w["expand_bn/moving_variance"], 1e-3));
    CHECK(std::count(e.v.begin(), e.v.end(), 6.0f) > 0);
    array4 a = grouped_conv(reference::zero_pad(e, 0, 1, 0, 1), w["dw/depthwise_kernel"], {}, 3, 3, 27, 27, 2, 2, 1, 1, false, 0);
    a = capped_at_6(batch_norm(a, w["dw_bn/gamma"], w["dw_bn/beta"], w["dw_bn/moving_mean"], w["dw_bn/moving_variance"], 1e-3));
    // A depthwise layer `dw` (kernel k, same or valid, stride 1, multiplier 1, activation `act`).
    const auto depthwise = [&](const array4& t, const std::string& dw, int k, bool same, int act) {
        return grouped_conv(t, w[dw + "/depthwise_kernel"], w[dw + "/bias"], k, k, t.c, t.c, 1, 1, 1, 1, same, act);
    };
    const array4 small = depthwise(conv1x1(a, "small", 13, 0), "dw_small", 3, true, 0);
    const array4 f = depthwise(conv1x1(in, "own", 32, 6), "dw5", 5, true, 0);
    array4 few = conv1x1(conv1x1(in, "three", 3, 0), "few", 32, 0);
    few = batch_norm(few, w["few_bn/gamma"], w["few_bn/beta"], w["few_bn/moving_mean"], w["few_bn/moving_variance"], 1e-3);
    for (auto& v : few.v) v = std::max(v, 0.0f);
    const array4 g = depthwise(few, "dw_few", 3, false, 1);
    const array4 wide = depthwise(conv1x1(in, "wide", 90, 1), "dw_wide", 3, true, 6);
    const array4 flat = depthwise(conv1x1(to_array(x2), "flat", 120, 0), "dw_flat", 3, true, 0);
    for (int threads : {1, 2, 3})
        for (const auto order : {batch_order::by_layer, batch_order::by_sample}) {
            const auto [got_small, got_f, got_g, got_wide, got_flat, got_cat] =
                net.predict(std::tie(x, x2), {.threads = threads, .order = order});
            require_close(got_small.data(), small);
            require_close(got_f.data(), f);
            require_close(got_g.data(), g);
            require_close(got_wide.data(), wide);
            require_close(got_flat.data(), flat);
        }
}

TEST_CASE("folding maps after activations: each layer's output mapped after its activation equals the naive layers") {
    const auto mapped = [](array4 t, float scale, float offset) {
        for (auto& v : t.v) v = v * scale + offset;
        return t;
    };
    const auto relu = [](array4 t) {
        for (auto& v : t.v) v = std::max(v, 0.0f);
        return t;
    };
    {
        network net{output_maps()};
        auto w = randomize(net, 81);
        auto x = random_tensor<shape<9, 7, 24>>(2, 82);
        for (auto& v : x) v *= 4.0f;
        const array4 in = to_array(x);
        const auto conv = [&](const array4& t, const std::string& layer, int k, int filters, int act) {
            return reference::conv2d(t, w[layer + "/kernel"], w[layer + "/bias"], k, k, filters, 1, 1, 1, 1, true, act);
        };
        const auto depthwise = [&](const array4& t, const std::string& layer, int k, int filters, int act) {
            return grouped_conv(t, w[layer + "/depthwise_kernel"], w[layer + "/bias"], k, k, filters, t.c, 1, 1, 1, 1, true, act);
        };
        const auto bn = [&](const array4& t, const std::string& layer) {
            return batch_norm(t, w[layer + "/gamma"], w[layer + "/beta"], w[layer + "/moving_mean"], w[layer + "/moving_variance"], 1e-3);
        };
        const array4 k3 = bn(conv(mapped(conv(in, "pw", 1, 40, 6), 0.5f, -0.25f), "k3", 3, 36, 1), "k3_bn");
        const array4 nar = bn(conv(k3, "nar", 1, 5, 1), "nar_bn");
        const array4 dw = bn(depthwise(k3, "dw", 3, 36, 4), "dw_bn");
        array4 res = conv(k3, "res", 3, 36, 0);
        for (std::size_t i = 0; i != res.v.size(); ++i) res.v[i] += dw.v[i];
        const array4 twice = conv(in, "twice", 1, 8, 1);
        array4 lin = bn(bn(conv(in, "lin", 1, 8, 0), "lin_bn"), "lin_bn2");
        for (std::size_t i = 0; i != lin.v.size(); ++i) lin.v[i] += twice.v[i];
        const std::vector<array4> parts{mapped(reference::softmax_channels(conv(k3, "sm", 1, 12, 0)), 2.0f, 1.0f),
                                        mapped(depthwise(dw, "dws", 5, 36, 2), 3.0f, -1.0f),
                                        bn(depthwise(nar, "m2", 3, 10, 1), "m2_bn"),
                                        bn(relu(res), "res_bn"),
                                        mapped(twice, 0.5f, 0.0f),
                                        twice,
                                        relu(bn(conv(in, "after", 1, 8, 1), "after_bn")),
                                        mapped(mapped(conv(in, "two", 1, 8, 1), 0.25f, 1.0f), 4.0f, 0.0f),
                                        lin};
        int channels = 0;
        for (const array4& p : parts) channels += p.c;
        array4 want(in.n, in.h, in.w, channels);
        for (std::size_t pixel = 0, at = 0; pixel != static_cast<std::size_t>(in.n * in.h * in.w); ++pixel)
            for (const array4& p : parts)
                for (int c = 0; c != p.c; ++c) want.v[at++] = p.v[pixel * static_cast<std::size_t>(p.c) + static_cast<std::size_t>(c)];
        for (int threads : {1, 2, 3}) require_close(net(x, {.threads = threads}).data(), want);
    }
    {
        network net{mapped_producers()};
        auto w = randomize(net, 83);
        auto x = random_tensor<shape<64, 64, 8>>(1, 84);
        const array4 in = to_array(x);
        const array4 a = mapped(reference::conv2d(in, w["a/kernel"], w["a/bias"], 1, 1, 64, 1, 1, 1, 1, false, 1), 0.5f, 0.125f);
        array4 b = reference::conv2d(in, w["b/kernel"], w["b/bias"], 1, 1, 64, 1, 1, 1, 1, false, 2);
        b = batch_norm(b, w["b_bn/gamma"], w["b_bn/beta"], w["b_bn/moving_mean"], w["b_bn/moving_variance"], 1e-3);
        const array4 da = grouped_conv(a, w["da/depthwise_kernel"], w["da/bias"], 3, 3, 64, 64, 1, 1, 1, 1, true, 0);
        const array4 db = grouped_conv(b, w["db/depthwise_kernel"], w["db/bias"], 5, 5, 64, 64, 2, 2, 1, 1, true, 0);
        for (int threads : {1, 2}) {
            const auto [got_a, got_b] = net.predict(std::tie(x), {.threads = threads});
            require_close(got_a.data(), da);
            require_close(got_b.data(), db);
        }
    }
}

TEST_CASE("folding: save_weights writes the weights as set, and a write after a prediction is seen by the next") {
    namespace fs = std::filesystem;
    network net{folded_at_output()};
    auto w = randomize(net, 31);
    const auto x = random_tensor<shape<7, 6, 3>>(1, 32);
    const auto before = net(x);

    const auto dir = fs::temp_directory_path() / "ctnn_layers_b_folding";
    fs::create_directories(dir);
    io::save_weights(net, dir / "w.npz");
    const io::npz_reader file(dir / "w.npz");
    for (const auto& entry : w) {
        std::vector<float> saved(entry.second.size());
        file.read(entry.first, saved);
        CHECK_MESSAGE(saved == entry.second, entry.first);
    }
    // The file loads into a network that predicts what the first did.
    auto loaded = io::load_network(folded_at_output(), dir / "w.npz");
    const auto again = loaded(x);
    CHECK(std::equal(before.begin(), before.end(), again.begin()));
    fs::remove_all(dir);

    // Doubling gamma doubles the output's distance from beta.
    auto gamma = net.values("bn", "gamma");
    for (auto& g : gamma) g *= 2.0f;
    const auto after = net(x);
    const auto beta = w["bn/beta"];
    std::size_t bad = 0;
    for (std::size_t i = 0; i != after.size(); ++i) {
        const float b = beta[i % 5], want = 2.0f * (before.data()[i] - b) + b;
        bad += !(std::abs(after.data()[i] - want) <= 1e-4f * (1.0f + std::abs(want)));
    }
    CHECK(bad == 0);
}

// --- Depthwise, grouped, separable -------------------------------------------------------------------

TEST_CASE("DepthwiseConv2D, grouped Conv2D and SeparableConv2D equal naive loops") {
    {
        using L = DepthwiseConv2D<kernel_size<3, 2>, strides<2, 1>, same, depth_multiplier<3>, sigmoid, name<"dw">>;
        auto in = Input<shape<9, 6, 4>, name<"x">>{}();
        network net{Model{in, L{}(in)}};
        auto w = randomize(net, 41);
        const auto x = random_tensor<shape<9, 6, 4>>(2, 42);
        const array4 want = grouped_conv(to_array(x), w["dw/depthwise_kernel"], w["dw/bias"], 3, 2, 12, 4, 2, 1, 1, 1, true, 2);
        for (int threads : {1, 3}) require_close(net(x, {.threads = threads}).data(), want);
    }
    {
        using L = Conv2D<8, kernel_size<3>, dilation_rate<2>, same, groups<4>, relu, name<"conv">>;
        auto in = Input<shape<7, 9, 12>, name<"x">>{}();
        network net{Model{in, L{}(in)}};
        auto w = randomize(net, 43);
        const auto x = random_tensor<shape<7, 9, 12>>(2, 44);
        const array4 want = grouped_conv(to_array(x), w["conv/kernel"], w["conv/bias"], 3, 3, 8, 4, 1, 1, 2, 2, true, 1);
        for (int threads : {1, 3}) require_close(net(x, {.threads = threads}).data(), want);
    }
    {
        // 8 input channels per group: the matrix-product path.
        using L = Conv2D<12, kernel_size<3, 2>, strides<2>, same, groups<3>, ctnn::tanh, name<"conv">>;
        auto in = Input<shape<9, 7, 24>, name<"x">>{}();
        network net{Model{in, L{}(in)}};
        auto w = randomize(net, 47);
        const auto x = random_tensor<shape<9, 7, 24>>(2, 48);
        const array4 want = grouped_conv(to_array(x), w["conv/kernel"], w["conv/bias"], 3, 2, 12, 3, 2, 2, 1, 1, true, 3);
        for (int threads : {1, 3}) require_close(net(x, {.threads = threads}).data(), want);
    }
    {
        using L = SeparableConv2D<7, kernel_size<3>, strides<2>, depth_multiplier<2>, name<"sep">>;
        auto in = Input<shape<9, 8, 3>, name<"x">>{}();
        network net{Model{in, L{}(in)}};
        auto w = randomize(net, 45);
        const auto x = random_tensor<shape<9, 8, 3>>(3, 46);
        const array4 mid = grouped_conv(to_array(x), w["sep/depthwise_kernel"], {}, 3, 3, 6, 3, 2, 2, 1, 1, false, 0);
        const array4 want = reference::conv2d(mid, w["sep/pointwise_kernel"], w["sep/bias"], 1, 1, 7, 1, 1, 1, 1, false, 0);
        for (int threads : {1, 3}) require_close(net(x, {.threads = threads}).data(), want);
    }
}

TEST_CASE("depthwise convolution kernel: drawn shapes, both window sizes, strides 1 to 3, borders, channel tails, equal the naive loop") {
    // Sizes from 1 to 14 (windows that overhang both sides, or no interior at all), channels
    // that leave tails of 8 and of 1 to 7, strides 1 to 3 on either axis (1 and 2 have their own
    // register blocking), `same` and `valid`; one map large enough to be split over 2 threads, and
    // two at stride 3 wide enough for pixels taken by fours.
    std::mt19937 gen(71);
    auto draw = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen); };
    struct config {
        int batch, h, w, c, k, sh, sw;
        bool same;
        int act;  // reference::activate's: 0 linear, 1 relu, 2 sigmoid, 4 relu6, 5 hard sigmoid, 6 hard SiLU
        bool bias;
    };
    std::vector<config> configs{{1, 64, 40, 144, 3, 1, 1, true, 4, true}, {1, 20, 30, 24, 5, 3, 3, true, 1, true},
                                {2, 11, 40, 17, 3, 2, 3, false, 6, false}};
    while (configs.size() != 40) {
        config c{draw(1, 2), draw(1, 14), draw(1, 14), draw(1, 41), draw(0, 1) != 0 ? 5 : 3, draw(1, 3), draw(1, 3), draw(0, 1) != 0,
                 std::array{0, 1, 2, 4, 5, 6}[static_cast<std::size_t>(draw(0, 5))], draw(0, 2) != 0};
        if (!c.same && (c.h < c.k || c.w < c.k)) continue;
        configs.push_back(c);
    }
    for (const config& c : configs) {
        CAPTURE(c.h);
        CAPTURE(c.w);
        CAPTURE(c.c);
        CAPTURE(c.k);
        CAPTURE(c.sh);
        CAPTURE(c.sw);
        CAPTURE(c.same);
        array4 x(c.batch, c.h, c.w, c.c);
        std::vector<float> kernel(static_cast<std::size_t>(c.k * c.k * c.c)), bias(c.bias ? static_cast<std::size_t>(c.c) : 0);
        reference::fill_random(x.v, 72, 3.0f);
        reference::fill_random(kernel, 73);
        reference::fill_random(bias, 74);
        const array4 want = grouped_conv(x, kernel, bias, c.k, c.k, c.c, c.c, c.sh, c.sw, 1, 1, c.same, c.act);
        const int pad_top = c.same ? reference::same_pad_before(c.h, c.k, c.sh, 1) : 0;
        const int pad_left = c.same ? reference::same_pad_before(c.w, c.k, c.sw, 1) : 0;
        const auto act = layer_check::kind_of(c.act);
        const detail::conv2d_op op{{c.h, c.w, c.c}, {want.h, want.w, c.c}, {c.k, c.k}, {c.sh, c.sw}, {1, 1}, pad_top, pad_left, act};
        for (int threads : {1, 2}) {
            std::vector<float> got(want.v.size(), -1.0f);
            detail::depthwise_conv2d(op, 1, {x.v.data(), c.batch, op.in}, {got.data(), c.batch, op.out}, kernel.data(),
                                     c.bias ? bias.data() : nullptr, threads);
            require_close(got.data(), want);
        }
    }
}

// --- Broadcasting merges -------------------------------------------------------------------------------

TEST_CASE("broadcasting merges equal NumPy's broadcasting rule, written out") {
    // H×1×C times 1×W×1 and H×W×C: every axis broadcast somewhere.
    auto x = Input<shape<4, 5, 3>, name<"x">>{}();
    auto rows = AveragePooling2D<pool_size<1, 5>, name<"rows">>{}(x);                                          // 4×1×3
    auto cols = Conv2D<1, kernel_size<4, 1>, name<"cols">>{}(x);                                                // 1×5×1
    auto product = Multiply<name<"product">>{}(rows, cols, x);                                                   // 4×5×3
    auto difference = Subtract<name<"difference">>{}(cols, rows);                                               // 4×5×3
    auto high = Maximum<name<"high">>{}(rows, cols);
    auto low = Minimum<name<"low">>{}(rows, cols, x);
    auto mean = Average<name<"mean">>{}(cols, x);
    network net{Model{x, Concatenate<name<"all">>{}(product, difference, high, low, mean)}};
    auto w = randomize(net, 51);
    const auto in = random_tensor<shape<4, 5, 3>>(2, 52);
    const array4 a = to_array(in);
    array4 want(2, 4, 5, 15);
    for (int n = 0; n != 2; ++n)
        for (int h = 0; h != 4; ++h)
            for (int ww = 0; ww != 5; ++ww)
                for (int c = 0; c != 3; ++c) {
                    double r = 0, k = w["cols/bias"][0];
                    for (int j = 0; j != 5; ++j) r += a(n, h, j, c) / 5.0;
                    for (int i = 0; i != 4; ++i)
                        for (int ci = 0; ci != 3; ++ci) k += double(a(n, i, ww, ci)) * w["cols/kernel"][flat(i, 0, ci, 0, 1, 3, 1)];
                    const double v = a(n, h, ww, c);
                    want(n, h, ww, c) = static_cast<float>(r * k * v);
                    want(n, h, ww, 3 + c) = static_cast<float>(k - r);
                    want(n, h, ww, 6 + c) = static_cast<float>(std::max(r, k));
                    want(n, h, ww, 9 + c) = static_cast<float>(std::min({r, k, v}));
                    want(n, h, ww, 12 + c) = static_cast<float>((k + v) / 2);
                }
    for (int threads : {1, 3}) require_close(net(in, {.threads = threads}).data(), want);
}
