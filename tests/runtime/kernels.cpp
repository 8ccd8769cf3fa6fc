// Pooling, cropping, padding, upsampling, activations, a graph of shared nodes and the run-time
// argument checks against the naive references in reference.hpp, on 1 and 3 threads. The
// convolutions' kernels are checked in kernels_conv2d*.cpp.
// SPDX-License-Identifier: BSL-1.0
#include <cmath>
#include <string>
#include <vector>

#include "layer_check.hpp"

namespace {
using namespace layer_check;

template <class L, class InShape, int Batch>
void pool_case(int ph, int pw, int sh, int sw, bool is_same, bool average) {
    check_layer<L, InShape, Batch>(
        [=](const array4& x, const auto&, const auto&) { return reference::pool2d(x, ph, pw, sh, sw, is_same, average); }, 5);
}

}  // namespace

TEST_CASE("pooling matches the direct definition, `same` windows ignoring padding") {
    pool_case<MaxPooling2D<name<"p">>, shape<9, 8, 5>, 2>(2, 2, 2, 2, false, false);
    pool_case<MaxPooling2D<pool_size<3>, strides<2>, same, name<"p">>, shape<9, 8, 5>, 2>(3, 3, 2, 2, true, false);
    pool_case<AveragePooling2D<pool_size<3, 2>, strides<1, 2>, same, name<"p">>, shape<7, 9, 4>, 3>(3, 2, 1, 2, true, true);
    pool_case<AveragePooling2D<pool_size<2>, name<"p">>, shape<7, 9, 4>, 1>(2, 2, 2, 2, false, true);
    pool_case<MaxPooling2D<pool_size<3>, strides<1>, valid, name<"p">>, shape<5, 6, 3>, 1>(3, 3, 1, 1, false, false);
}

TEST_CASE("cropping, zero padding and upsampling move values where the definitions say") {
    check_layer<Cropping2D<cropping<1>, name<"c">>, shape<6, 7, 3>, 2>(
        [](const array4& x, const auto&, const auto&) { return reference::crop(x, 1, 1, 1, 1); }, 21);
    check_layer<Cropping2D<cropping<2, 1>, name<"c">>, shape<6, 7, 3>, 1>(
        [](const array4& x, const auto&, const auto&) { return reference::crop(x, 2, 2, 1, 1); }, 22);
    check_layer<Cropping2D<cropping<0, 3, 2, 1>, name<"c">>, shape<6, 7, 3>, 2>(
        [](const array4& x, const auto&, const auto&) { return reference::crop(x, 0, 3, 2, 1); }, 23);
    // Large enough to be written around the caches (packets.hpp's stream_min_floats; a network's
    // tensors are aligned), its rows split over the threads (one sample: a batch would be split
    // by samples first).
    static_assert(192 * 194 * 64 >= detail::stream_min_floats);
    check_layer<Cropping2D<cropping<3, 5, 2, 4>, name<"c">>, shape<200, 200, 64>, 1>(
        [](const array4& x, const auto&, const auto&) { return reference::crop(x, 3, 5, 2, 4); }, 27);
    check_layer<ZeroPadding2D<name<"z">>, shape<3, 4, 2>, 2>(
        [](const array4& x, const auto&, const auto&) { return reference::zero_pad(x, 1, 1, 1, 1); }, 24);
    check_layer<ZeroPadding2D<padding<2, 0, 1, 3>, name<"z">>, shape<3, 4, 2>, 1>(
        [](const array4& x, const auto&, const auto&) { return reference::zero_pad(x, 2, 0, 1, 3); }, 25);
    check_layer<UpSampling2D<size<2, 3>, name<"u">>, shape<3, 4, 2>, 2>(
        [](const array4& x, const auto&, const auto&) { return reference::upsample(x, 2, 3); }, 26);
    // Rows enough for three threads (parallel_runs: 3 × 2^14 floats), one sample (a batch would
    // be split by samples first).
    static_assert(66 * 40 * 24 >= 3 * detail::min_floats_per_thread);
    check_layer<UpSampling2D<size<3, 2>, name<"u">>, shape<22, 20, 24>, 1>(
        [](const array4& x, const auto&, const auto&) { return reference::upsample(x, 3, 2); }, 28);
}

TEST_CASE("activations: softmax over channels is a stable probability distribution") {
    check_layer<Activation<softmax, name<"s">>, shape<3, 4, 12>, 2>(
        [](const array4& x, const auto&, const auto&) { return reference::softmax_channels(x); }, 31);
    check_layer<Activation<sigmoid, name<"s">>, shape<3, 4, 5>, 1>(
        [](array4 x, const auto&, const auto&) {
            for (auto& v : x.v) v = reference::activate(v, 2);
            return x;
        },
        32);
    // Logits far beyond exp()'s range still give finite probabilities.
    auto in = Input<shape<1, 1, 3>, name<"x">>{}();
    network net{Model{in, Activation<softmax, name<"s">>{}(in)}};
    tensor<shape<1, 1, 3>> x(1);
    x(0, 0, 0, 0) = 1000.0f, x(0, 0, 0, 1) = 999.0f, x(0, 0, 0, 2) = -1000.0f;
    const auto y = net(x);
    CHECK(y(0, 0, 0, 0) == doctest::Approx(1.0 / (1.0 + std::exp(-1.0))));
    CHECK(y(0, 0, 0, 2) == 0.0f);
}

TEST_CASE("softmax over many rows: blocks of 256 rows and a remainder, on 1 to 3 threads, equal the definition") {
    // 64×70 pixels of 12 classes (FCN-8's last layer in small), logits up to ±40: 4480 rows, worth
    // 3 threads (parallel_runs), each taking 5 blocks of 256 and a remainder.
    static_assert(64 * 70 * 12 / detail::min_floats_per_thread == 3);
    array4 x(1, 64, 70, 12);
    reference::fill_random(x.v, 41, 40.0f);
    const array4 want = reference::softmax_channels(x);
    for (int threads : {1, 2, 3}) {
        CAPTURE(threads);
        std::vector<float> got = x.v;
        detail::softmax_rows(got.data(), 64 * 70, 12, threads);
        std::size_t bad = 0;
        while (bad != got.size() && std::abs(got[bad] - want.v[bad]) <= 1e-6f + 1e-5f * want.v[bad]) ++bad;
        CHECK(bad == got.size());
    }
}

TEST_CASE("a graph with shared nodes, Add and Concatenate runs each node once, in planned buffers") {
    // x → a → b; Add(a, b) → c; Concatenate(a, c, b) → out: a is read three times.
    auto x = Input<shape<6, 5, 3>, name<"x">>{}();
    auto a = Conv2D<4, kernel_size<3>, same, relu, name<"a">>{}(x);
    auto b = Conv2D<4, kernel_size<1>, name<"b">>{}(a);
    auto c = Add<name<"c">>{}(a, b);
    auto out = Concatenate<name<"out">>{}(a, c, b);
    Model model{x, out};
    using M = decltype(model);
    static_assert(M::layer_count == 5);
    static_assert(M::output_shape == shape<6, 5, 12>{});

    network net{model, 9};
    const auto input = random_tensor<shape<6, 5, 3>>(2, 77);
    const auto ka = net.values("a", "kernel"), kb = net.values("b", "kernel");
    const std::vector<float> va(ka.begin(), ka.end()), vb(kb.begin(), kb.end());
    const auto ra = reference::conv2d(to_array(input), va, std::vector<float>(4), 3, 3, 4, 1, 1, 1, 1, true, 1);
    const auto rb = reference::conv2d(ra, vb, std::vector<float>(4), 1, 1, 4, 1, 1, 1, 1, true, 0);
    array4 want(2, 6, 5, 12);
    for (int n = 0; n < 2; ++n)
        for (int h = 0; h < 6; ++h)
            for (int w = 0; w < 5; ++w)
                for (int ch = 0; ch < 4; ++ch) {
                    want(n, h, w, ch) = ra(n, h, w, ch);
                    want(n, h, w, 4 + ch) = ra(n, h, w, ch) + rb(n, h, w, ch);
                    want(n, h, w, 8 + ch) = rb(n, h, w, ch);
                }
    require_close(net(input), want);
    require_close(net(input, {.threads = 2}), want);  // and again: the arena is reused
}

TEST_CASE("a model with only an Input returns its input") {
    auto x = Input<shape<2, 3, 4>, name<"x">>{}();
    network net{Model{x, x}};
    const auto input = random_tensor<shape<2, 3, 4>>(3, 5);
    const auto y = net(input);
    CHECK(std::equal(y.begin(), y.end(), input.begin()));
}

TEST_CASE("bad run-time arguments throw precise exceptions") {
    using small = tensor<shape<2, 2, 1>>;
    CHECK_THROWS_WITH_AS(small(0), "ctnn::tensor: batch size must be at least 1, got 0", std::invalid_argument);
    small t(1);
    CHECK_THROWS_WITH_AS(t.at(0, 2, 0, 0), "ctnn::tensor: index (0, 2, 0, 0) is outside (1, 2, 2, 1)", std::out_of_range);
    auto x = Input<shape<2, 2, 1>, name<"x">>{}();
    network net{Model{x, Conv2D<1, kernel_size<1>, name<"c">>{}(x)}};
    CHECK_THROWS_WITH_AS(net(t, {.threads = 0}), "ctnn: threads must be at least 1, got 0", std::invalid_argument);
    CHECK_THROWS_WITH_AS(net.values("nope", "kernel"), "the model has no weight array 'nope/kernel'", std::invalid_argument);
}
