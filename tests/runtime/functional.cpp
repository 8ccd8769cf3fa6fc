// Keras' functional API beyond one input and one output: a network of two inputs and three
// outputs computes what naive loops compute from the same weights, including an output that is
// also an input and one that other layers read.
// SPDX-License-Identifier: BSL-1.0
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include <ctnn/ctnn.hpp>

#include "reference.hpp"

namespace {
using namespace ctnn;

constexpr auto two_in_three_out() {
    auto image = Input<shape<9, 7, 3>, name<"image">>{}();
    auto hint = Input<shape<9, 7, 4>, name<"hint">>{}();
    auto conv = Conv2D<4, kernel_size<3>, same, relu, name<"conv">>{}(image);
    auto sum = Add<name<"sum">>{}(conv, hint);
    auto pooled = MaxPooling2D<pool_size<2>, name<"pool">>{}(sum);
    return Model{inputs(image, hint), outputs(pooled, sum, hint)};
}
constexpr auto model = two_in_three_out();
using M = decltype(model);
static_assert(M::input_count == 2 && M::output_count == 3);
static_assert(M::input_shapes[1] == shape<9, 7, 4>{} && M::output_shapes[0] == shape<4, 3, 4>{});
static_assert(M::total_params == 3 * 3 * 3 * 4 + 4);

reference::array4 from(const float* p, int n, dims d) {
    reference::array4 a(n, d.height, d.width, d.channels);
    std::copy(p, p + a.v.size(), a.v.begin());
    return a;
}
void check_close(const float* got, const reference::array4& want) {
    for (std::size_t i = 0; i != want.v.size(); ++i) REQUIRE(got[i] == doctest::Approx(want.v[i]).epsilon(1e-5));
}
}  // namespace

TEST_CASE("a model of two inputs and three outputs computes each output as the naive loops do") {
    const network net{model, 7};
    constexpr int batch = 2;
    tensor<shape<9, 7, 3>> image(batch);
    tensor<shape<9, 7, 4>> hint(batch);
    std::vector<float> a(static_cast<std::size_t>(image.size())), b(static_cast<std::size_t>(hint.size()));
    reference::fill_random(a, 1), reference::fill_random(b, 2);
    std::copy(a.begin(), a.end(), image.data()), std::copy(b.begin(), b.end(), hint.data());

    const auto kernel = net.values("conv", "kernel");
    const auto bias = net.values("conv", "bias");
    const auto conv = reference::conv2d(from(image.data(), batch, {9, 7, 3}), {kernel.begin(), kernel.end()},
                                        {bias.begin(), bias.end()}, 3, 3, 4, 1, 1, 1, 1, true, 1);
    reference::array4 sum = conv;
    for (std::size_t i = 0; i != sum.v.size(); ++i) sum.v[i] += b[i];
    const auto pooled = reference::pool2d(sum, 2, 2, 2, 2, false, false);

    const auto [p, s, h] = net(image, hint);
    CHECK(p.batch() == batch);
    check_close(p.data(), pooled);
    check_close(s.data(), sum);
    CHECK(std::equal(h.data(), h.data() + hint.size(), hint.data()));  // an input listed as an output is copied

    // The same through predict with a tuple, on 2 threads.
    const auto [p2, s2, h2] = net.predict(std::tie(image, hint), {.threads = 2});
    CHECK(std::equal(p2.data(), p2.data() + p2.size(), p.data()));
    CHECK(std::equal(s2.data(), s2.data() + s2.size(), s.data()));
}

TEST_CASE("inputs of different batch sizes are refused with an exception") {
    const network net{model};
    tensor<shape<9, 7, 3>> image(2);
    tensor<shape<9, 7, 4>> hint(3);
    CHECK_THROWS_WITH_AS(net(image, hint), "ctnn: the model's inputs have different batch sizes (2 and 3)", std::invalid_argument);
}

namespace {
// One Conv2D applied to two inputs of different sizes, as a Keras layer object called twice.
constexpr auto siamese() {
    auto left = Input<shape<8, 8, 3>, name<"left">>{}();
    auto right = Input<shape<6, 5, 3>, name<"right">>{}();
    constexpr Conv2D<4, kernel_size<3>, same, relu, name<"shared">> shared;
    auto a = shared(left);
    auto b = shared(right);
    auto mixed = Conv2D<2, kernel_size<1>, name<"mix">>{}(b);
    return Model{inputs(left, right), outputs(a, mixed)};
}
constexpr auto shared_model = siamese();
using S = decltype(shared_model);
static_assert(S::layer_count == 5);
static_assert(S::total_params == (3 * 3 * 3 * 4 + 4) + (4 * 2 + 2));  // the shared layer counted once

}  // namespace

TEST_CASE("a layer applied to two inputs shares one set of weights, stored, counted and listed once") {
    const network net{shared_model, 3};
    REQUIRE(net.weights.size() == 4);  // shared/kernel, shared/bias, mix/kernel, mix/bias
    CHECK(net.weights[0].key() == "shared/kernel");

    tensor<shape<8, 8, 3>> left(1);
    tensor<shape<6, 5, 3>> right(1);
    std::vector<float> l(static_cast<std::size_t>(left.size())), r(static_cast<std::size_t>(right.size()));
    reference::fill_random(l, 3), reference::fill_random(r, 4);
    std::copy(l.begin(), l.end(), left.data()), std::copy(r.begin(), r.end(), right.data());

    const auto k = net.values("shared", "kernel"), b = net.values("shared", "bias");
    const std::vector<float> kernel(k.begin(), k.end()), bias(b.begin(), b.end());
    const auto want_a = reference::conv2d(from(left.data(), 1, {8, 8, 3}), kernel, bias, 3, 3, 4, 1, 1, 1, 1, true, 1);
    const auto want_b = reference::conv2d(from(right.data(), 1, {6, 5, 3}), kernel, bias, 3, 3, 4, 1, 1, 1, 1, true, 1);
    const auto mk = net.values("mix", "kernel"), mb = net.values("mix", "bias");
    const auto want_mixed = reference::conv2d(want_b, {mk.begin(), mk.end()}, {mb.begin(), mb.end()}, 1, 1, 2, 1, 1, 1, 1, false, 0);

    const auto [a, mixed] = net(left, right);
    check_close(a.data(), want_a);
    check_close(mixed.data(), want_mixed);

    std::ostringstream text;
    summary(shared_model, text);
    CHECK(text.str().find("shared (Conv2D)      multiple") != std::string::npos);
    CHECK(text.str().find("shared[1][0]") != std::string::npos);
    CHECK(text.str().find("Total params: 122") != std::string::npos);
}
