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
#include <type_traits>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "layer_check.hpp"
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

namespace {
// A chain whose maps between layers (16×16×8, then 8×8×8) need a larger arena than the model
// above's, so that a context kept across the two must grow and shrink.
constexpr auto chain() {
    auto x = Input<shape<16, 16, 3>, name<"x">>{}();
    auto c = Conv2D<8, kernel_size<3>, same, relu, name<"c1">>{}(x);
    auto p = MaxPooling2D<pool_size<2>, name<"p">>{}(c);
    return Model{x, Conv2D<4, kernel_size<3>, same, name<"c2">>{}(p)};
}
constexpr auto chain_model = chain();
static_assert(network<decltype(chain_model)>::activation_bytes_per_sample > network<M>::activation_bytes_per_sample);

template <class T>
bool same_values(const T& a, const T& b) {
    return a.batch() == b.batch() && std::equal(a.data(), a.data() + a.size(), b.data());
}
}  // namespace

TEST_CASE("one context serves networks of different models in turn, each computing what it does with a fresh one") {
    // network<M>::context is one type for every model (network_context), so a thread that runs
    // several networks may keep one: each call sizes its arenas for its own model and batch.
    static_assert(std::is_same_v<network<M>::context, network<decltype(chain_model)>::context>);
    const network net{model, 7};
    const network other{chain_model, 3};
    const auto image = layer_check::random_tensor<shape<9, 7, 3>>(2, 5);
    const auto hint = layer_check::random_tensor<shape<9, 7, 4>>(2, 6);
    const auto x = layer_check::random_tensor<shape<16, 16, 3>>(3, 7);
    network_context kept;
    for (int threads = 1; threads != 3; ++threads) {
        const run_options options{.threads = threads};
        const auto [p, s, h] = net.predict(std::tie(image, hint), options);
        const auto y = other.predict(x, options);
        const auto [p2, s2, h2] = net.predict(std::tie(image, hint), kept, options);
        CHECK(same_values(other.predict(x, kept, options), y));
        CHECK(same_values(p2, p));
        CHECK(same_values(s2, s));
        CHECK(same_values(h2, h));
    }
}
