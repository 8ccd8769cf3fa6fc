// A Model applied as a layer (graph/nested.hpp): its layers join the caller's graph under
// prefixed names, its weights are reachable by those names, applying it twice shares them, and
// the result is what running the nested model on its own and the head after it gives.
// SPDX-License-Identifier: BSL-1.0
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <ctnn/ctnn.hpp>
#include <ctnn/models/mobilenet_v2.hpp>

#include "reference.hpp"

namespace {
using namespace ctnn;

/// A residual block with a BatchNormalization to fold, named as a Keras sub-model would be.
constexpr auto make_base() {
    auto in = Input<shape<9, 7, 3>, name<"base_input">>{}();
    auto conv = Conv2D<4, kernel_size<3>, same, name<"conv">>{}(in);
    auto bn = BatchNormalization<name<"bn">>{}(conv);
    auto act = ReLU<name<"relu">>{}(bn);
    auto proj = Conv2D<4, kernel_size<1>, name<"proj">>{}(act);
    return Model{in, Add<name<"add">>{}(act, proj), name<"base">{}};
}
constexpr auto base = make_base();
using B = decltype(base);
static_assert(B::model_name == "base");

constexpr auto make_classifier() {
    auto image = Input<shape<9, 7, 3>, name<"image">>{}();
    auto features = base(image);
    return Model{image, Conv2D<2, kernel_size<1>, name<"head">>{}(features)};
}
constexpr auto classifier = make_classifier();
using C = decltype(classifier);
static_assert(C::layer_count == 7);  // image, the base's five layers, head
static_assert(C::total_params == B::total_params + 4 * 2 + 2);
static_assert(C::non_trainable_params == B::non_trainable_params);
static_assert(node_named<"base/conv">(classifier).params == 3 * 3 * 3 * 4 + 4);
static_assert(node_named_t<C, "base/add">::output_shape == shape<9, 7, 4>{});

/// One nested model applied to two inputs: a Siamese pair, its weights stored once.
constexpr auto make_siamese() {
    auto left = Input<shape<9, 7, 3>, name<"left">>{}();
    auto right = Input<shape<9, 7, 3>, name<"right">>{}();
    auto both = Concatenate<name<"both">>{}(base(left), base(right));
    return Model{inputs(left, right), Conv2D<1, kernel_size<1>, name<"score">>{}(both)};
}
constexpr auto siamese = make_siamese();
using S = decltype(siamese);
static_assert(S::total_params == B::total_params + 8 + 1);

/// A nested model of two outputs gives a tuple of nodes; a nested model nests again.
constexpr auto make_two_heads() {
    auto in = Input<shape<9, 7, 3>, name<"in">>{}();
    auto features = base(in);
    auto pooled = MaxPooling2D<pool_size<2>, name<"pool">>{}(features);
    return Model{in, outputs(features, pooled), name<"two_heads">{}};
}
constexpr auto two_heads = make_two_heads();
constexpr auto make_outer() {
    auto in = Input<shape<9, 7, 3>, name<"x">>{}();
    auto [features, pooled] = two_heads(in);
    return Model{in, outputs(Conv2D<2, kernel_size<1>, name<"dense_map">>{}(features), pooled)};
}
constexpr auto outer = make_outer();
using O = decltype(outer);
static_assert(O::total_params == B::total_params + 10);
static_assert(node_named<"two_heads/base/bn">(outer).params == 16);
static_assert(O::output_shapes[1] == shape<4, 3, 4>{});

// Keras' transfer-learning idiom: an application without its top, nested under its own name.
constexpr models::application mobilenet_options{.include_top = false, .input_shape = {96, 96, 3}, .width_divisor = 8};
constexpr auto make_transfer() {
    constexpr auto backbone = models::MobileNetV2<mobilenet_options>();
    static_assert(decltype(backbone)::model_name == "mobilenetv2_1.00_96");
    auto image = Input<shape<96, 96, 3>, name<"image">>{}();
    auto pooled = GlobalAveragePooling2D<name<"pool">>{}(backbone(image));
    return Model{image, Dense<5, softmax, name<"classes">>{}(pooled)};
}
constexpr auto transfer = make_transfer();
using T = decltype(transfer);
static_assert(T::total_params == decltype(models::MobileNetV2<mobilenet_options>())::total_params + T::output_shape.channels +
                                     node_named_t<T, "pool">::output_shape.channels * 5);
static_assert(node_named_t<T, "mobilenetv2_1.00_96/Conv1">::kind == "Conv2D");

template <class Net>
void randomize(Net& net, std::uint32_t seed) {
    for (std::size_t i = 0; i != Net::weights.size(); ++i) {
        auto v = net.values(i);
        std::vector<float> r(v.size());
        reference::fill_random(r, seed + static_cast<std::uint32_t>(i));
        // Variances must stay positive.
        if (Net::weights[i].name == "moving_variance")
            for (auto& x : r) x = 0.5f + x * x;
        std::copy(r.begin(), r.end(), v.begin());
    }
}

/// The base network with the weights the bigger network holds under `prefix`.
template <class Big>
network<B> base_from(const Big& big, const std::string& prefix) {
    network<B> net{base};
    for (std::size_t i = 0; i != network<B>::weights.size(); ++i) {
        const auto& spec = network<B>::weights[i];
        const auto from = big.values(prefix + std::string(spec.layer), spec.name);
        std::copy(from.begin(), from.end(), net.values(i).begin());
    }
    return net;
}

template <class Shape>
tensor<Shape> random_tensor(int batch, std::uint32_t seed) {
    tensor<Shape> t(batch);
    std::vector<float> v(static_cast<std::size_t>(t.size()));
    reference::fill_random(v, seed);
    std::copy(v.begin(), v.end(), t.data());
    return t;
}

void check_close(const float* got, const float* want, std::size_t n) {
    for (std::size_t i = 0; i != n; ++i) REQUIRE(got[i] == doctest::Approx(want[i]).epsilon(1e-5));
}

/// head(x): a 1×1 convolution by the naive loop.
std::vector<float> pointwise(const float* x, std::int64_t pixels, int cin, std::span<const float> kernel,
                             std::span<const float> bias) {
    const int cout = static_cast<int>(bias.size());
    std::vector<float> y(static_cast<std::size_t>(pixels * cout));
    for (std::int64_t p = 0; p != pixels; ++p)
        for (int o = 0; o != cout; ++o) {
            double s = bias[static_cast<std::size_t>(o)];
            for (int c = 0; c != cin; ++c) s += double{x[p * cin + c]} * kernel[static_cast<std::size_t>(c * cout + o)];
            y[static_cast<std::size_t>(p * cout + o)] = static_cast<float>(s);
        }
    return y;
}
}  // namespace

TEST_CASE("a nested model's weights are reachable by prefixed names, and it computes what it computes alone") {
    network net{classifier};
    randomize(net, 11);
    CHECK(network<C>::weights[0].key() == "base/conv/kernel");
    CHECK_THROWS_WITH(net.values("conv", "kernel"), "the model has no weight array 'conv/kernel'");

    const auto x = random_tensor<shape<9, 7, 3>>(2, 5);
    const auto base_net = base_from(net, "base/");
    const auto features = base_net(x);
    const auto want = pointwise(features.data(), 2 * 9 * 7, 4, net.values("head", "kernel"), net.values("head", "bias"));
    const auto y = net(x);
    check_close(y.data(), want.data(), y.size());

    std::ostringstream text;
    summary(classifier, text);
    CHECK(text.str().find("base/conv (Conv2D)") != std::string::npos);
    CHECK(text.str().find("base/relu[0][0]") != std::string::npos);
    std::ostringstream named;
    summary(base, named);
    CHECK(named.str().rfind("Model: \"base\"", 0) == 0);
}

TEST_CASE("a nested model applied twice shares its weights and runs on each input") {
    network net{siamese};
    randomize(net, 23);
    CHECK(network<S>::weights.size() == network<B>::weights.size() + 2);

    const auto left = random_tensor<shape<9, 7, 3>>(1, 7), right = random_tensor<shape<9, 7, 3>>(1, 8);
    const auto base_net = base_from(net, "base/");
    const auto a = base_net(left), b = base_net(right);
    std::vector<float> both(static_cast<std::size_t>(a.size() + b.size()));
    for (std::int64_t p = 0; p != 9 * 7; ++p) {
        std::copy_n(a.data() + p * 4, 4, both.begin() + p * 8);
        std::copy_n(b.data() + p * 4, 4, both.begin() + p * 8 + 4);
    }
    const auto want = pointwise(both.data(), 9 * 7, 8, net.values("score", "kernel"), net.values("score", "bias"));
    const auto [y] = net(left, right);
    check_close(y.data(), want.data(), y.size());

    std::ostringstream text;
    summary(siamese, text);
    // Each inner layer listed once, with both of its applications (Keras' "[1][0]" for the second).
    CHECK(text.str().find("base/bn[1][0]") != std::string::npos);
    CHECK(text.str().find("base/add[1][0]") != std::string::npos);
    CHECK(text.str().find("Total params: 157") != std::string::npos);
}

TEST_CASE("a nested model of two outputs nests again, and each output is the inner model's") {
    network net{outer};
    randomize(net, 31);
    const auto x = random_tensor<shape<9, 7, 3>>(1, 9);
    const auto base_net = base_from(net, "two_heads/base/");
    const auto features = base_net(x);
    const auto want_map = pointwise(features.data(), 9 * 7, 4, net.values("dense_map", "kernel"), net.values("dense_map", "bias"));
    const auto [map, pooled] = net(x);
    check_close(map.data(), want_map.data(), map.size());
    for (int h = 0; h != 4; ++h)
        for (int w = 0; w != 3; ++w)
            for (int c = 0; c != 4; ++c) {
                float m = -1e30f;
                for (int dh = 0; dh != 2; ++dh)
                    for (int dw = 0; dw != 2; ++dw) m = std::max(m, features.data()[((2 * h + dh) * 7 + 2 * w + dw) * 4 + c]);
                REQUIRE(pooled.data()[(h * 3 + w) * 4 + c] == m);
            }
}
