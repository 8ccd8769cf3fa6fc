// Winograd convolution (kernels/winograd.hpp) against the direct definition in reference.hpp:
// the kernel itself with F(2×2) and F(4×4) over drawn shapes (odd sizes, tiles cut by the
// border, `same` and `valid`, channel counts not multiples of 8, batch > 1, activations), on 1
// and 2 threads and on both of its ways of splitting work; then networks that choose it, whose
// kernels are kept transformed: predictions, reading the kernel back, writing it, saving.
// Against PyTorch: two layers of Winograd shapes (fixtures by tests/oracle/make_fixtures.py), and
// tests/runtime/oracle.cpp's reduced FCN-8, whose blocks 3-5 run Winograd (static_asserts below).
// The other direct Conv2D kernels (packed products, few input channels) against the same definition.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>
#include <ctnn/io/weights.hpp>
#include <ctnn/models/fcn8.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "layer_check.hpp"
#include "reference.hpp"
#include "torch_fixture.hpp"

namespace {
using namespace ctnn;
using reference::array4;

using layer_check::first_mismatch;
using layer_check::kind_of;

// The layer's shapes in the tests below reach the kernel through the network's choice.
using reduced_fcn8 = decltype(models::fcn8<5, 64, 64, 4, 32>());
constexpr int tile_of(std::string_view layer) {
    for (std::size_t i = 0; i != reduced_fcn8::layer_count; ++i)
        if (reduced_fcn8::layers[i].name == layer) {
            const auto& info = reduced_fcn8::layers[i];
            return detail::winograd_tile(3, 3, 1, 1, 1, 1, 1, info.output_shape.height, info.output_shape.width,
                                         reduced_fcn8::layers[reduced_fcn8::edges[info.first_input]].output_shape.channels,
                                         info.output_shape.channels);
        }
    return -1;
}
// oracle.cpp's reduced FCN-8 runs F(4×4) in block 3 and F(2×2) in blocks 4 and 5 against PyTorch.
static_assert(tile_of("block3_conv2") == 4 && tile_of("block4_conv2") == 2 && tile_of("block5_conv3") == 2);
static_assert(tile_of("block1_conv2") == 0);  // 4 channels: direct
// FCN-8's VGG blocks at 224×224 (the benchmark's choice; docs/performance.md).
static_assert(detail::winograd_tile(3, 3, 1, 1, 1, 1, 1, 224, 224, 64, 64) == 4);
static_assert(detail::winograd_tile(3, 3, 1, 1, 1, 1, 1, 224, 224, 3, 64) == 0);
static_assert(detail::winograd_tile(3, 3, 2, 2, 1, 1, 1, 112, 112, 64, 64) == 0);
static_assert(detail::winograd_tile(3, 3, 1, 1, 2, 2, 1, 112, 112, 64, 64) == 0);

/// A drawn 3×3 stride-1 convolution: its shapes, random input, kernel and bias, and the
/// reference's output.
struct drawn_conv {
    int m, h, w, cin, cout, batch, act, threads;
    bool same;
    array4 x;
    std::vector<float> kernel, bias;
    array4 want;

    drawn_conv(int m_, bool same_, int h_, int w_, int cin_, int cout_, int batch_, int act_, int threads_, std::uint32_t seed)
        : m(m_), h(h_), w(w_), cin(cin_), cout(cout_), batch(batch_), act(act_), threads(threads_), same(same_), x(batch, h, w, cin),
          kernel(static_cast<std::size_t>(9 * cin * cout)), bias(static_cast<std::size_t>(cout)), want(1, 1, 1, 1) {
        reference::fill_random(x.v, seed);
        reference::fill_random(kernel, seed + 1, 0.5f);
        reference::fill_random(bias, seed + 2, 0.5f);
        want = reference::conv2d(x, kernel, bias, 3, 3, cout, 1, 1, 1, 1, same, act);
    }
    std::string describe() const {
        std::ostringstream o;
        o << "F(" << m << "), " << (same ? "same" : "valid") << ", " << h << "x" << w << ", " << cin << " -> " << cout << ", batch "
          << batch << ", activation " << act << ", " << threads << " thread(s)";
        return o.str();
    }
    dims in() const { return {h, w, cin}; }
    dims out() const { return {want.h, want.w, cout}; }
};
}  // namespace

TEST_CASE("Winograd layers match PyTorch: F(4x4) with same padding, F(2x2) valid, batch 2") {
    using F4 = Conv2D<19, kernel_size<3>, same, relu, name<"conv">>;
    using F2 = Conv2D<23, kernel_size<3>, valid, ctnn::tanh, name<"conv">>;
    static_assert(detail::prepared_kernel_of(std::type_identity<F4>{}, dims{19, 17, 21}, dims{19, 17, 19}).form == 4);
    static_assert(detail::prepared_kernel_of(std::type_identity<F2>{}, dims{11, 10, 19}, dims{9, 8, 23}).form == 2);
    torch_fixture::check_against_torch(torch_fixture::one_layer<F4, shape<19, 17, 21>>(), "conv2d_winograd_f4_same");
    torch_fixture::check_against_torch(torch_fixture::one_layer<F2, shape<11, 10, 19>>(), "conv2d_winograd_f2_valid");
}

TEST_CASE("Winograd F(2x2) and F(4x4) match the direct definition over 48 drawn shapes") {
    std::mt19937 rng(2024);
    auto draw = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (int c = 0; c != 48; ++c) {
        const int m = c % 2 == 0 ? 2 : 4;
        const bool same = draw(0, 1) == 1;
        const int h = draw(same ? 1 : 3, 19), w = draw(same ? 1 : 3, 19);
        const int cin = draw(1, 37), cout = draw(1, 41), batch = draw(1, 3), act = draw(0, 3);
        drawn_conv d(m, same, h, w, cin, cout, batch, act, 1 + c % 3, static_cast<std::uint32_t>(3 * c + 1));
        INFO(d.describe());
        const int threads = d.threads;
        array4& x = d.x;
        const std::vector<float>& kernel = d.kernel;
        const std::vector<float>& bias = d.bias;
        const array4& want = d.want;

        // Aligned as the network's are: the packed products load it with aligned loads.
        const detail::aligned_floats kept(static_cast<std::size_t>(detail::winograd_kernel_floats(m, cin, cout)));
        float* transformed = kept.data.get();
        detail::winograd_transform_kernel(m, kernel.data(), cin, cout, transformed, threads);
        std::vector<float> got(want.v.size(), -7.0f);
        detail::workspace ws(threads);
        const dims in{h, w, cin}, out{want.h, want.w, cout};
        detail::winograd_conv2d(m, in, out, same ? 1 : 0, same ? 1 : 0, kind_of(act), {x.v.data(), batch, in},
                                {got.data(), batch, out}, transformed, c % 4 == 3 ? nullptr : bias.data(), ws);
        if (c % 4 == 3) {  // no bias: the reference's without
            const array4 unbiased = reference::conv2d(x, kernel, {}, 3, 3, cout, 1, 1, 1, 1, same, act);
            const auto bad = first_mismatch(got.data(), unbiased.v);
            INFO("first mismatch at " << bad);
            CHECK(bad == unbiased.v.size());
        } else {
            const auto bad = first_mismatch(got.data(), want.v);
            INFO("first mismatch at " << bad << ": got " << got[std::min(bad, got.size() - 1)]);
            CHECK(bad == want.v.size());
        }

        // The kernel back from its transform, within rounding of the kernel's scale.
        std::vector<float> back(kernel.size());
        detail::winograd_restore_kernel(m, transformed, cin, cout, back.data());
        float worst = 0.0f;
        for (std::size_t i = 0; i != kernel.size(); ++i) worst = std::max(worst, std::abs(back[i] - kernel[i]));
        CHECK(worst <= 4e-7f);
    }
}

TEST_CASE("Winograd gives the same results however its tiles are split over threads") {
    // Per size: 70×66 (306 tiles of 4×4 in a batch of 2), several chunks per thread; 6×5 (18
    // tiles of 2×2), one chunk per thread; 3×3 (2 tiles of 4×4), fewer tiles than 3 threads. The
    // channels make each worth several threads (threads_for).
    struct size_case { int h, w, cin, cout; };
    for (const auto& size : {size_case{70, 66, 40, 24}, size_case{6, 5, 64, 48}, size_case{3, 3, 128, 64}}) {
        const int h = size.h, w = size.w, cin = size.cin, cout = size.cout, batch = 2;
        array4 x(batch, h, w, cin);
        std::vector<float> kernel(static_cast<std::size_t>(9 * cin * cout)), bias(static_cast<std::size_t>(cout));
        reference::fill_random(x.v, 11);
        reference::fill_random(kernel, 12, 0.2f);
        reference::fill_random(bias, 13);
        const array4 want = reference::conv2d(x, kernel, bias, 3, 3, cout, 1, 1, 1, 1, true, 1);
        for (int m : {2, 4}) {
            const detail::aligned_floats kept(static_cast<std::size_t>(detail::winograd_kernel_floats(m, cin, cout)));
            float* transformed = kept.data.get();
            detail::winograd_transform_kernel(m, kernel.data(), cin, cout, transformed, 1);
            const std::int64_t tiles = std::int64_t{(h + m - 1) / m} * ((w + m - 1) / m) * batch;
            CHECK(detail::threads_for(tiles * (m + 2) * (m + 2) * cin * cout, 3) >= 2);
            for (int threads : {1, 2, 3}) {
                CAPTURE(h);
                CAPTURE(m);
                CAPTURE(threads);
                std::vector<float> got(want.v.size());
                detail::workspace ws(threads);
                const dims in{h, w, cin}, out{h, w, cout};
                detail::winograd_conv2d(m, in, out, 1, 1, activation_kind::relu, {x.v.data(), batch, in}, {got.data(), batch, out},
                                        transformed, bias.data(), ws);
                CHECK(first_mismatch(got.data(), want.v) == want.v.size());
            }
        }
    }
}

namespace {
// A network whose two 3×3 convolutions choose F(4×4) and F(2×2), the second `valid`.
constexpr auto winograd_model() {
    auto x = Input<shape<23, 21, 20>, name<"x">>{}();
    auto a = Conv2D<24, kernel_size<3>, same, relu, name<"wide">>{}(x);
    auto b = Conv2D<18, kernel_size<3>, valid, ctnn::tanh, name<"narrow">>{}(MaxPooling2D<pool_size<2>, name<"pool">>{}(a));
    return Model{x, b};
}
using winograd_net = network<decltype(winograd_model())>;
static_assert(detail::winograd_tile(3, 3, 1, 1, 1, 1, 1, 23, 21, 20, 24) == 4);
static_assert(detail::winograd_tile(3, 3, 1, 1, 1, 1, 1, 9, 8, 24, 18) == 2);

std::vector<float> copy(std::span<const float> s) { return {s.begin(), s.end()}; }

/// The reference's output of winograd_model for the weights `w` (kernel, bias, kernel, bias).
array4 expected(const array4& x, const std::vector<std::vector<float>>& w) {
    const array4 a = reference::conv2d(x, w[0], w[1], 3, 3, 24, 1, 1, 1, 1, true, 1);
    const array4 p = reference::pool2d(a, 2, 2, 2, 2, false, false);
    return reference::conv2d(p, w[2], w[3], 3, 3, 18, 1, 1, 1, 1, false, 3);
}
}  // namespace

TEST_CASE("a network keeps Winograd kernels transformed: predicts, reads back, rewrites and saves them exactly") {
    winograd_net net{winograd_model(), 5};
    std::vector<std::vector<float>> set(4);
    for (std::size_t i = 0; i != 4; ++i) {
        auto v = net.values(i);
        set[i].resize(v.size());
        reference::fill_random(set[i], static_cast<std::uint32_t>(20 + i), 0.3f);
        std::copy(set[i].begin(), set[i].end(), v.begin());
    }
    winograd_net::input_tensor x(2);
    std::vector<float> xv(x.size());
    reference::fill_random(xv, 30);
    std::copy(xv.begin(), xv.end(), x.begin());
    array4 xa(2, 23, 21, 20);
    xa.v = xv;

    const auto check = [&](const winograd_net& n, const std::vector<std::vector<float>>& w) {
        const array4 want = expected(xa, w);
        for (int threads : {1, 2}) {
            const auto y = n(x, {.threads = threads});
            CHECK(first_mismatch(y.data(), want.v) == want.v.size());
        }
    };
    check(net, set);

    // Read back after predicting: the kernels as set, bit for bit.
    const winograd_net& reader = net;
    for (std::size_t i = 0; i != 4; ++i) CHECK(copy(reader.values(i)) == set[i]);

    // Written again: the next prediction uses the new kernel.
    reference::fill_random(set[0], 40, 0.3f);
    const auto kernel = net.values(0);
    std::copy(set[0].begin(), set[0].end(), kernel.begin());
    check(net, set);

    // Saved and loaded: the same outputs, bit for bit.
    const auto dir = std::filesystem::temp_directory_path() / "ctnn_winograd_test";
    std::filesystem::create_directories(dir);
    io::save_weights(net, dir / "w.npz");
    const auto loaded = io::load_network(winograd_model(), dir / "w.npz");
    check(loaded, set);
    const auto a = net(x, {.threads = 1}), b = loaded(x, {.threads = 1});
    CHECK(std::equal(a.begin(), a.end(), b.begin()));
    std::filesystem::remove_all(dir);

    // Initialised again from a seed: the same as a fresh network of that seed.
    net.initialize(9);
    const winograd_net fresh{winograd_model(), 9};
    for (std::size_t i = 0; i != 4; ++i) CHECK(copy(std::as_const(net).values(i)) == copy(fresh.values(i)));
}

TEST_CASE("Conv2D of few input channels (an image's first layer): drawn shapes equal the definition") {
    // Windows of 1 to 5 (up to 32 values deep), strides 1 to 3, dilation 1 or 2, `same` and
    // `valid`, maps from 1 to 40 wide (borders only, or interiors that leave each register block
    // of 12, 6, 4 and 1 pixels), output channels from 1 to 100 (blocks of 64, 32, 16, 8 and 1),
    // 1 to 4 input channels, activations applied in registers (ReLU, ReLU6) and after the store
    // (sigmoid, tanh); and MobileNetV2's Conv1, VGG's block1_conv1 and ResNet50's conv1 shapes,
    // on 2 threads too.
    std::mt19937 gen(91);
    auto draw = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen); };
    struct config {
        int batch, h, w, cin, cout, k, s, d;
        bool same;
        int act;
    };
    std::vector<config> configs{{1, 160, 160, 3, 32, 3, 2, 1, true, 4}, {1, 30, 47, 3, 64, 3, 1, 1, true, 1},
                                {2, 33, 45, 3, 64, 7, 2, 1, true, 1}};
    while (configs.size() != 40) {
        config c{draw(1, 2), draw(1, 13), draw(1, 40), draw(1, 4), draw(1, 100), draw(1, 5), draw(1, 3), draw(1, 2), draw(0, 1) != 0, draw(0, 4)};
        const int span = (c.k - 1) * c.d + 1;
        if (c.k * c.k * c.cin > 32 || (!c.same && (c.h < span || c.w < span))) continue;
        configs.push_back(c);
    }
    for (const config& c : configs) {
        CAPTURE(c.h);
        CAPTURE(c.w);
        CAPTURE(c.cin);
        CAPTURE(c.cout);
        CAPTURE(c.k);
        CAPTURE(c.s);
        CAPTURE(c.d);
        CAPTURE(c.same);
        array4 x(c.batch, c.h, c.w, c.cin);
        std::vector<float> kernel(static_cast<std::size_t>(c.k * c.k * c.cin * c.cout)), bias(static_cast<std::size_t>(c.cout));
        reference::fill_random(x.v, 92);
        reference::fill_random(kernel, 93, c.act == 4 ? 4.0f : 1.0f);  // ReLU6: sums beyond 6 too
        reference::fill_random(bias, 94);
        const array4 want = reference::conv2d(x, kernel, bias, c.k, c.k, c.cout, c.s, c.s, c.d, c.d, c.same, c.act);
        const int pad_top = c.same ? reference::same_pad_before(c.h, c.k, c.s, c.d) : 0;
        const int pad_left = c.same ? reference::same_pad_before(c.w, c.k, c.s, c.d) : 0;
        const auto act = std::array{activation_kind::linear, activation_kind::relu, activation_kind::sigmoid,
                                    activation_kind::tanh, activation_kind::relu6}[static_cast<std::size_t>(c.act)];
        const detail::conv2d_op op{{c.h, c.w, c.cin}, {want.h, want.w, c.cout}, {c.k, c.k}, {c.s, c.s}, {c.d, c.d}, pad_top, pad_left, act};
        REQUIRE(detail::conv2d_few_inputs_path(op));
        for (int threads : {1, 2}) {
            std::vector<float> got(want.v.size(), -1.0f);
            detail::conv2d_few_inputs(op, {x.v.data(), c.batch, op.in}, {got.data(), c.batch, op.out}, kernel.data(), bias.data(), threads);
            CHECK(first_mismatch(got.data(), want.v) == want.v.size());
        }
    }
}

TEST_CASE("packed kernels: every direct Conv2D path matches the definition, deep products and partial panels included") {
    struct config {
        int h, w, cin, cout, k, stride;
        bool same;
        int batch;
    };
    // im2col with 333- and 360-deep rows (several depth blocks); a few-rows im2col whose columns
    // are split over threads; 1×1 convolutions of 800 channels on 40 rows (columns split) and of
    // 300 on 600 rows (rows split), 800 = 3 depth blocks of 256 and 32; per-tap products (a 3×3
    // kernel on a 3×3 map, 272 deep, split by columns). Output channels that are not whole panels
    // (the last one partial, packed into new memory) and that are (packed in place).
    for (const config& c : {config{9, 11, 37, 50, 3, 2, true, 2}, config{10, 7, 40, 53, 3, 1, false, 1},
                            config{5, 4, 800, 130, 1, 1, true, 2}, config{5, 4, 800, 160, 1, 1, true, 2},
                            config{4, 3, 300, 600, 2, 1, false, 1}, config{3, 3, 272, 150, 3, 1, true, 2},
                            config{3, 3, 272, 192, 3, 1, true, 2}, config{20, 30, 300, 7, 1, 1, true, 1},
                            config{20, 30, 300, 64, 1, 1, true, 1}}) {
        // ReLU and ReLU6 are applied to the accumulators in registers (the bias scaled so that
        // some values pass 6), sigmoid after the product.
        for (const auto& activation : {std::pair{1, activation_kind::relu}, std::pair{4, activation_kind::relu6},
                                       std::pair{2, activation_kind::sigmoid}}) {
            const int act = activation.first;  // the reference's number (no structured binding: CAPTURE is a lambda)
            const activation_kind kind = activation.second;
            for (int threads : {1, 2}) {
                CAPTURE(c.h);
                CAPTURE(c.cin);
                CAPTURE(c.cout);
                CAPTURE(threads);
                CAPTURE(act);
                array4 x(c.batch, c.h, c.w, c.cin);
                std::vector<float> kernel(static_cast<std::size_t>(c.k * c.k * c.cin * c.cout)), bias(static_cast<std::size_t>(c.cout));
                reference::fill_random(x.v, 51);
                reference::fill_random(kernel, 52, 0.1f);
                reference::fill_random(bias, 53, 8.0f);
                const array4 want = reference::conv2d(x, kernel, bias, c.k, c.k, c.cout, c.stride, c.stride, 1, 1, c.same, act);
                const dims in{c.h, c.w, c.cin}, out{want.h, want.w, c.cout};
                const int pad_top = c.same ? reference::same_pad_before(c.h, c.k, c.stride, 1) : 0;
                const int pad_left = c.same ? reference::same_pad_before(c.w, c.k, c.stride, 1) : 0;
                const detail::conv2d_op op{in, out, {c.k, c.k}, {c.stride, c.stride}, {1, 1}, pad_top, pad_left, kind};
                const detail::aligned_floats packed(static_cast<std::size_t>(detail::conv2d_packed_floats(op)));
                detail::conv2d_pack_kernel(op, kernel.data(), packed.data.get());
                std::vector<float> back(kernel.size());
                detail::conv2d_unpack_kernel(op, packed.data.get(), back.data());
                CHECK(back == kernel);  // exactly: packing only moves values
                if (detail::conv2d_packs_in_place(op)) {
                    std::vector<float> in_place = kernel;
                    detail::conv2d_pack_kernel_in_place(op, in_place.data());
                    CHECK(std::equal(in_place.begin(), in_place.end(), packed.data.get()));
                }
                std::vector<float> got(want.v.size());
                detail::workspace ws(threads);
                detail::conv2d(op, {x.v.data(), c.batch, in}, {got.data(), c.batch, out}, packed.data.get(), bias.data(), ws, true);
                CHECK(first_mismatch(got.data(), want.v) == want.v.size());
            }
        }
    }
}

TEST_CASE("a panel's worth of columns packs as its row-major matrix, zero-padded (what the streamed kernel transform writes)") {
    constexpr std::int64_t width = detail::tile_gemm::width;
    for (const std::int64_t w : {std::int64_t{1}, width / 2 + 1, width}) {
        for (const std::int64_t k : {std::int64_t{37}, detail::tile_gemm::depth_block}) {
            CAPTURE(w);
            CAPTURE(k);
            std::vector<float> b(static_cast<std::size_t>(k * w)), want(static_cast<std::size_t>(k * width), 0.0f);
            for (std::size_t i = 0; i != b.size(); ++i) b[i] = static_cast<float>(i + 1);
            for (std::int64_t r = 0; r != k; ++r)
                for (std::int64_t c = 0; c != w; ++c) want[static_cast<std::size_t>(r * width + c)] = b[static_cast<std::size_t>(r * w + c)];
            REQUIRE(detail::tile_gemm::size(k, w) == k * width);
            const detail::aligned_floats packed(static_cast<std::size_t>(detail::tile_gemm::size(k, w)));
            detail::tile_gemm::pack(b.data(), k, w, w, packed.data.get());
            CHECK(std::equal(want.begin(), want.end(), packed.data.get()));
        }
    }
}

TEST_CASE("Winograd with the kernel transformed by each call matches the direct definition, in one pass or several") {
    // Drawn shapes as above, plus `spare` memory of every kind: none (thread 0's scratch), room
    // for all tiles, for about a third of them (several passes), and too little to use.
    std::mt19937 rng(77);
    auto draw = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (int c = 0; c != 24; ++c) {
        const int m = c % 2 == 0 ? 2 : 4;
        const bool same = draw(0, 1) == 1;
        const int h = draw(same ? 4 : 6, 30), w = draw(same ? 4 : 6, 30);
        // Output channels on both sides of a panel: the last block's transform is zero-padded.
        const int cin = draw(1, 70), cout = c % 3 == 0 ? draw(1, 15) : draw(16, 130), batch = draw(1, 3), act = draw(0, 3);
        const int threads = 1 + c % 3, spare_kind = c % 4;
        drawn_conv d(m, same, h, w, cin, cout, batch, act, threads, static_cast<std::uint32_t>(5 * c + 1));
        INFO(d.describe() << ", spare " << spare_kind);
        const array4& want = d.want;
        const dims in = d.in(), out = d.out();
        const std::int64_t tiles = std::int64_t{(want.h + m - 1) / m} * ((want.w + m - 1) / m) * batch;
        const std::int64_t spare_floats = spare_kind == 0   ? 0
                                          : spare_kind == 1 ? detail::winograd_streamed_floats(m, cin, cout, tiles, threads)
                                          : spare_kind == 2 ? detail::winograd_streamed_floats(m, cin, cout, std::max<std::int64_t>(tiles / 3, 64), threads)
                                                            : detail::winograd_streamed_floats(m, cin, cout, 3, threads);
        std::vector<float> spare(static_cast<std::size_t>(spare_floats) + 16, -5.0f);
        // Aligned as the arena is.
        auto* aligned = reinterpret_cast<float*>((reinterpret_cast<std::uintptr_t>(spare.data()) + 63) / 64 * 64);
        std::vector<float> got(want.v.size(), -7.0f);
        detail::workspace ws(threads);
        detail::winograd_conv2d_streamed(m, in, out, same ? 1 : 0, same ? 1 : 0, kind_of(act), {d.x.v.data(), batch, in},
                                         {got.data(), batch, out}, d.kernel.data(), d.bias.data(),
                                         std::span<float>(aligned, static_cast<std::size_t>(spare_floats)), ws);
        const auto bad = first_mismatch(got.data(), want.v);
        INFO("first mismatch at " << bad << " of " << want.v.size());
        CHECK(bad == want.v.size());
    }
}

namespace {
// 180 → 182 channels: a kernel too large to keep transformed, so the network keeps it as set and
// the layer transforms it as it runs, in the arena's spare memory.
constexpr auto streamed_model() {
    auto x = Input<shape<17, 16, 180>, name<"x">>{}();
    auto a = Conv2D<182, kernel_size<3>, same, relu, name<"wide">>{}(x);
    return Model{x, Conv2D<4, kernel_size<1>, name<"head">>{}(a)};
}
using streamed_net = network<decltype(streamed_model())>;
static_assert(detail::winograd_tile(3, 3, 1, 1, 1, 1, 1, 17, 16, 180, 182) == 4 && !detail::winograd_kept(4, 180, 182));
static_assert(detail::prepared_kernel_of(std::type_identity<Conv2D<182, kernel_size<3>, same, relu, name<"wide">>>{}, dims{17, 16, 180},
                                         dims{17, 16, 182})
                  .form == 0);

// The bound is on the transform's size: ResNet50's 14×14×256 layers keep theirs (F(2×2), 4 MiB
// each), its 7×7×512 ones (16 MiB) run direct convolution.
static_assert(detail::winograd_tile(3, 3, 1, 1, 1, 1, 1, 14, 14, 256, 256) == 2 && detail::winograd_kept(2, 256, 256));
static_assert(detail::winograd_tile(3, 3, 1, 1, 1, 1, 1, 7, 7, 512, 512) == 0);
// A kept kernel must halve the products: DenseNet121's 7×7 layers (128 → 32 channels: 256
// against 441) run direct convolution, an 8×8 map (256 against 576) F(2×2), and so does a 4×4
// one (64 against 144: the reduced FCN-8's block 5).
static_assert(detail::winograd_tile(3, 3, 1, 1, 1, 1, 1, 7, 7, 128, 32) == 0);
static_assert(detail::winograd_tile(3, 3, 1, 1, 1, 1, 1, 7, 6, 24, 18) == 0);
static_assert(detail::winograd_tile(3, 3, 1, 1, 1, 1, 1, 8, 8, 128, 32) == 2);
static_assert(detail::winograd_tile(3, 3, 1, 1, 1, 1, 1, 4, 4, 128, 32) == 2);

// FCN-8 at 224×224: each of blocks 3-4's layers finds a pass over all its tiles in the arena
// (the blocks of block 3, 1.8 MB a thread, go to the threads' scratch), so memory holds its
// kernels once and the peak stays the plan's. Block 5 (14×14) runs direct convolution.
using full_fcn8 = decltype(models::fcn8<12>());
constexpr bool streams_in_spare(std::string_view layer) {
    const auto i = full_fcn8::index_of_name(layer);
    const auto& info = full_fcn8::layers[i];
    const dims in = full_fcn8::layers[full_fcn8::edges[info.first_input]].output_shape, out = info.output_shape;
    const int m = detail::winograd_tile(3, 3, 1, 1, 1, 1, 1, out.height, out.width, in.channels, out.channels);
    if (m == 0) return false;
    const std::int64_t tiles = std::int64_t{(out.height + m - 1) / m} * ((out.width + m - 1) / m);
    return !detail::winograd_kept(m, in.channels, out.channels) &&
           detail::winograd::streamed_pass_floats(m, in.channels, out.channels, tiles) <= memory_plan<full_fcn8>.spare_size[i];
}
static_assert(streams_in_spare("block3_conv1") && streams_in_spare("block3_conv3") && streams_in_spare("block4_conv2") &&
              streams_in_spare("block4_conv3") && !streams_in_spare("block5_conv1"));
}  // namespace

TEST_CASE("a network runs a kernel too large to keep transformed by Winograd as it is set, and saves it exactly") {
    streamed_net net{streamed_model(), 3};
    std::vector<std::vector<float>> set(4);
    for (std::size_t i = 0; i != 4; ++i) {
        auto v = net.values(i);
        set[i].resize(v.size());
        reference::fill_random(set[i], static_cast<std::uint32_t>(60 + i), 0.2f);
        std::copy(set[i].begin(), set[i].end(), v.begin());
    }
    for (int batch : {1, 3}) {
        streamed_net::input_tensor x(batch);
        std::vector<float> xv(x.size());
        reference::fill_random(xv, 70);
        std::copy(xv.begin(), xv.end(), x.begin());
        array4 xa(batch, 17, 16, 180);
        xa.v = xv;
        const array4 a = reference::conv2d(xa, set[0], set[1], 3, 3, 182, 1, 1, 1, 1, true, 1);
        const array4 want = reference::conv2d(a, set[2], set[3], 1, 1, 4, 1, 1, 1, 1, true, 0);
        for (int threads : {1, 2}) {
            CAPTURE(batch);
            CAPTURE(threads);
            const auto y = net(x, {.threads = threads});
            CHECK(first_mismatch(y.data(), want.v) == want.v.size());
        }
    }
    const streamed_net& reader = net;
    for (std::size_t i = 0; i != 4; ++i) CHECK(copy(reader.values(i)) == set[i]);
}
