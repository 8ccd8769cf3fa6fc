// Every kernel against the naive references in reference.hpp, over configurations drawn at
// compile time from a seeded generator (kernel, stride, dilation, valid/same, output_padding,
// odd and even sizes, batch > 1), run on 1 and on 3 threads.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>

#include "reference.hpp"

namespace {
using namespace ctnn;
using reference::array4;

template <class Shape>
array4 to_array(const tensor<Shape>& t) {
    array4 a(t.batch(), Shape::value.height, Shape::value.width, Shape::value.channels);
    std::copy(t.begin(), t.end(), a.v.begin());
    return a;
}

template <class Shape>
tensor<Shape> random_tensor(int batch, std::uint32_t seed) {
    tensor<Shape> t(batch);
    std::vector<float> v(t.size());
    reference::fill_random(v, seed);
    std::copy(v.begin(), v.end(), t.begin());
    return t;
}

/// |got − want| ≤ 1e-4·(1 + |want|) everywhere, and the same shape.
template <class Shape>
void require_close(const tensor<Shape>& got, const array4& want) {
    REQUIRE(got.batch() == want.n);
    REQUIRE(Shape::value.height == want.h);
    REQUIRE(Shape::value.width == want.w);
    REQUIRE(Shape::value.channels == want.c);
    std::size_t bad = 0, first = 0;
    for (std::size_t i = 0; i != want.v.size(); ++i)
        if (!(std::abs(got.data()[i] - want.v[i]) <= 1e-4f * (1.0f + std::abs(want.v[i])))) {
            if (bad++ == 0) first = i;
        }
    INFO("first mismatch at " << first << ": got " << got.data()[first] << ", want " << want.v[first]);
    CHECK(bad == 0);
}

/// Builds Input → Layer, randomises weights (biases too), runs on 1 and 3 threads, and compares
/// with `ref(x, kernel, bias)`.
template <class Layer, class InShape, int Batch, class Ref>
void check_layer(Ref ref, std::uint32_t seed) {
    auto in = Input<InShape, name<"x">>{}();
    auto out = Layer{}(in);
    Model model{in, out};
    network net{model, seed};
    std::vector<float> kernel, bias;
    for (std::size_t i = 0; i != decltype(net)::weights.size(); ++i) {
        auto v = net.values(i);
        std::vector<float> fresh(v.size());
        reference::fill_random(fresh, seed + 7 * static_cast<std::uint32_t>(i) + 1, 0.5f);
        std::copy(fresh.begin(), fresh.end(), v.begin());
        (decltype(net)::weights[i].name == "kernel" ? kernel : bias) = fresh;
    }
    const auto x = random_tensor<InShape>(Batch, seed + 100);
    const array4 want = ref(to_array(x), kernel, bias);
    for (int threads : {1, 3}) {
        CAPTURE(threads);
        require_close(net(x, {.threads = threads}), want);
    }
}

// --- A compile-time generator of configurations -------------------------------------------------
constexpr std::uint64_t next(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
constexpr int draw(std::uint64_t& state, int lo, int hi) {  // [lo, hi]
    return lo + static_cast<int>(next(state) % static_cast<std::uint64_t>(hi - lo + 1));
}

struct conv_config {
    int h, w, cin, cout, kh, kw, sh, sw, dh, dw, same, act, batch, op_h, op_w;
};

constexpr conv_config draw_conv(std::uint64_t seed, bool transpose) {
    std::uint64_t s = seed;
    conv_config c{};
    c.kh = draw(s, 1, 5), c.kw = draw(s, 1, 5);
    c.sh = draw(s, 1, 3), c.sw = draw(s, 1, 3);
    const bool dilate = c.sh == 1 && c.sw == 1 && draw(s, 0, 2) == 0;
    c.dh = dilate ? draw(s, 1, 3) : 1, c.dw = dilate ? draw(s, 1, 3) : 1;
    c.same = draw(s, 0, 1);
    const int keh = (c.kh - 1) * c.dh + 1, kew = (c.kw - 1) * c.dw + 1;
    const int lo_h = transpose || c.same ? 1 : keh, lo_w = transpose || c.same ? 1 : kew;
    c.h = draw(s, lo_h, lo_h + (transpose ? 6 : 9)), c.w = draw(s, lo_w, lo_w + (transpose ? 6 : 9));
    c.cin = draw(s, 1, 9), c.cout = draw(s, 1, 20);
    c.act = draw(s, 0, 3), c.batch = draw(s, 1, 3);
    c.op_h = c.op_w = -1;
    if (transpose && draw(s, 0, 1) == 1) {  // output_padding set, < strides
        c.op_h = draw(s, 0, c.sh - 1), c.op_w = draw(s, 0, c.sw - 1);
        // TensorFlow rejects `same` with an even effective kernel and no output padding.
        if (c.same && keh % 2 == 0 && c.op_h == 0) c.op_h = c.sh > 1 ? 1 : -1;
        if (c.same && kew % 2 == 0 && c.op_w == 0) c.op_w = c.sw > 1 ? 1 : -1;
        if (c.op_h < 0 || c.op_w < 0) c.op_h = c.op_w = -1;
    }
    return c;
}

template <int Kind> struct activation_of;
template <> struct activation_of<0> { using type = linear; };
template <> struct activation_of<1> { using type = relu; };
template <> struct activation_of<2> { using type = sigmoid; };
template <> struct activation_of<3> { using type = ctnn::tanh; };  // ::tanh is <cmath>'s

template <std::uint64_t Seed>
void conv_case() {
    static constexpr conv_config c = draw_conv(Seed, false);
    using L = Conv2D<c.cout, kernel_size<c.kh, c.kw>, strides<c.sh, c.sw>, dilation_rate<c.dh, c.dw>,
                     std::conditional_t<c.same == 1, same, valid>, typename activation_of<c.act>::type, name<"conv">>;
    INFO("Conv2D on " << c.batch << "×" << c.h << "×" << c.w << "×" << c.cin << ": filters " << c.cout << ", kernel " << c.kh
                      << "×" << c.kw << ", strides " << c.sh << "×" << c.sw << ", dilation " << c.dh << "×" << c.dw
                      << (c.same ? ", same" : ", valid"));
    check_layer<L, shape<c.h, c.w, c.cin>, c.batch>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::conv2d(x, k, b, c.kh, c.kw, c.cout, c.sh, c.sw, c.dh, c.dw, c.same == 1, c.act);
        },
        static_cast<std::uint32_t>(Seed));
}

template <std::uint64_t Seed>
void transpose_case() {
    static constexpr conv_config c = draw_conv(Seed, true);
    using padding_option = std::conditional_t<c.same == 1, same, valid>;
    using act = typename activation_of<c.act>::type;
    using L = std::conditional_t<
        (c.op_h >= 0),
        Conv2DTranspose<c.cout, kernel_size<c.kh, c.kw>, strides<c.sh, c.sw>, dilation_rate<c.dh, c.dw>, padding_option,
                        output_padding<(c.op_h < 0 ? 0 : c.op_h), (c.op_w < 0 ? 0 : c.op_w)>, act, name<"up">>,
        Conv2DTranspose<c.cout, kernel_size<c.kh, c.kw>, strides<c.sh, c.sw>, dilation_rate<c.dh, c.dw>, padding_option, act,
                        name<"up">>>;
    INFO("Conv2DTranspose on " << c.batch << "×" << c.h << "×" << c.w << "×" << c.cin << ": filters " << c.cout
                               << ", kernel " << c.kh << "×" << c.kw << ", strides " << c.sh << "×" << c.sw << ", dilation "
                               << c.dh << "×" << c.dw << (c.same ? ", same" : ", valid") << ", output_padding " << c.op_h
                               << "×" << c.op_w);
    check_layer<L, shape<c.h, c.w, c.cin>, c.batch>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::conv2d_transpose(x, k, b, c.kh, c.kw, c.cout, c.sh, c.sw, c.dh, c.dw, c.same == 1, c.op_h,
                                               c.op_w, c.act);
        },
        static_cast<std::uint32_t>(Seed));
}

template <std::uint64_t... Seeds>
void conv_cases(std::integer_sequence<std::uint64_t, Seeds...>) {
    (conv_case<Seeds * 7919 + 1>(), ...);
}
template <std::uint64_t... Seeds>
void transpose_cases(std::integer_sequence<std::uint64_t, Seeds...>) {
    (transpose_case<Seeds * 104729 + 3>(), ...);
}

template <class L, class InShape, int Batch>
void pool_case(int ph, int pw, int sh, int sw, bool is_same, bool average) {
    check_layer<L, InShape, Batch>(
        [=](const array4& x, const auto&, const auto&) { return reference::pool2d(x, ph, pw, sh, sw, is_same, average); }, 5);
}

}  // namespace

TEST_CASE("Conv2D matches the direct definition over 40 drawn configurations") {
    conv_cases(std::make_integer_sequence<std::uint64_t, 40>{});
}

TEST_CASE("Conv2D takes each of its paths correctly") {
    // 1×1: one GEMM over all pixels.
    check_layer<Conv2D<24, kernel_size<1>, same, relu, name<"c">>, shape<9, 11, 16>, 2>(
        [](const array4& x, const auto& k, const auto& b) { return reference::conv2d(x, k, b, 1, 1, 24, 1, 1, 1, 1, true, 1); }, 1);
    // Many rows: im2col tiles split across threads, several tiles per sample.
    check_layer<Conv2D<32, kernel_size<3>, same, relu, name<"c">>, shape<64, 70, 20>, 2>(
        [](const array4& x, const auto& k, const auto& b) { return reference::conv2d(x, k, b, 3, 3, 32, 1, 1, 1, 1, true, 1); }, 2);
    // conv6's case: a 7×7 kernel on a 7×7 map with `same` (43% of taps on padding): per-tap GEMMs.
    check_layer<Conv2D<256, kernel_size<7>, same, relu, name<"c">>, shape<7, 7, 24>, 2>(
        [](const array4& x, const auto& k, const auto& b) { return reference::conv2d(x, k, b, 7, 7, 256, 1, 1, 1, 1, true, 1); }, 3);
    // Few rows: im2col, the product split by columns.
    check_layer<Conv2D<200, kernel_size<2>, valid, name<"c">>, shape<4, 5, 30>, 1>(
        [](const array4& x, const auto& k, const auto& b) { return reference::conv2d(x, k, b, 2, 2, 200, 1, 1, 1, 1, false, 0); }, 4);
}

TEST_CASE("Conv2DTranspose matches the scatter-add definition over 40 drawn configurations") {
    transpose_cases(std::make_integer_sequence<std::uint64_t, 40>{});
}

TEST_CASE("Conv2DTranspose places TF's odd `same` pixel after, and FCN-8's upsamplers are right") {
    // k=3, s=2, same: cut (0, 1); k=4, s=1: cut (1, 2); k=1, s=2: one zero row appended.
    check_layer<Conv2DTranspose<5, kernel_size<3>, strides<2>, same, name<"u">>, shape<4, 5, 3>, 2>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::conv2d_transpose(x, k, b, 3, 3, 5, 2, 2, 1, 1, true, -1, -1, 0);
        },
        11);
    check_layer<Conv2DTranspose<5, kernel_size<4>, strides<1>, same, name<"u">>, shape<4, 5, 3>, 1>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::conv2d_transpose(x, k, b, 4, 4, 5, 1, 1, 1, 1, true, -1, -1, 0);
        },
        12);
    check_layer<Conv2DTranspose<5, kernel_size<1>, strides<2>, same, name<"u">>, shape<4, 5, 3>, 1>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::conv2d_transpose(x, k, b, 1, 1, 5, 2, 2, 1, 1, true, -1, -1, 0);
        },
        13);
    check_layer<Conv2DTranspose<12, kernel_size<4>, strides<2>, no_bias, name<"u">>, shape<7, 7, 64>, 1>(
        [](const array4& x, const auto& k, const auto&) {
            return reference::conv2d_transpose(x, k, {}, 4, 4, 12, 2, 2, 1, 1, false, -1, -1, 0);
        },
        14);
    check_layer<Conv2DTranspose<12, kernel_size<8>, strides<8>, no_bias, name<"u">>, shape<28, 28, 12>, 1>(
        [](const array4& x, const auto& k, const auto&) {
            return reference::conv2d_transpose(x, k, {}, 8, 8, 12, 8, 8, 1, 1, false, -1, -1, 0);
        },
        15);
}

TEST_CASE("Conv2DTranspose with strides equal to its kernel copies each product to its own block") {
    // 13 chunks of 256 input pixels over threads (kernel 4×4, 64 filters: 1024 products a pixel),
    // relu in the products; `same`, which cuts nothing here.
    check_layer<Conv2DTranspose<64, kernel_size<4>, strides<4>, relu, name<"u">>, shape<40, 40, 8>, 2>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::conv2d_transpose(x, k, b, 4, 4, 64, 4, 4, 1, 1, false, -1, -1, 1);
        },
        16);
    check_layer<Conv2DTranspose<6, kernel_size<2, 3>, strides<2, 3>, same, ctnn::tanh, name<"u">>, shape<9, 7, 5>, 2>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::conv2d_transpose(x, k, b, 2, 3, 6, 2, 3, 1, 1, true, -1, -1, 3);
        },
        17);
    // PP-OCRv4's head: one filter, sigmoid; and FCN-8's last upsampler with its softmax.
    check_layer<Conv2DTranspose<1, kernel_size<2>, strides<2>, sigmoid, name<"u">>, shape<30, 31, 24>, 2>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::conv2d_transpose(x, k, b, 2, 2, 1, 2, 2, 1, 1, false, -1, -1, 2);
        },
        18);
    check_layer<Conv2DTranspose<12, kernel_size<8>, strides<8>, softmax, no_bias, name<"u">>, shape<9, 10, 12>, 1>(
        [](const array4& x, const auto& k, const auto&) {
            return reference::softmax_channels(reference::conv2d_transpose(x, k, {}, 8, 8, 12, 8, 8, 1, 1, false, -1, -1, 0));
        },
        19);
    // output_padding past the last block leaves cells no window covers: the general path.
    check_layer<Conv2DTranspose<5, kernel_size<2>, strides<2>, output_padding<1, 1>, name<"u">>, shape<6, 5, 3>, 2>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::conv2d_transpose(x, k, b, 2, 2, 5, 2, 2, 1, 1, false, 1, 1, 0);
        },
        20);
}

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
    check_layer<ZeroPadding2D<name<"z">>, shape<3, 4, 2>, 2>(
        [](const array4& x, const auto&, const auto&) { return reference::zero_pad(x, 1, 1, 1, 1); }, 24);
    check_layer<ZeroPadding2D<padding<2, 0, 1, 3>, name<"z">>, shape<3, 4, 2>, 1>(
        [](const array4& x, const auto&, const auto&) { return reference::zero_pad(x, 2, 0, 1, 3); }, 25);
    check_layer<UpSampling2D<size<2, 3>, name<"u">>, shape<3, 4, 2>, 2>(
        [](const array4& x, const auto&, const auto&) { return reference::upsample(x, 2, 3); }, 26);
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
