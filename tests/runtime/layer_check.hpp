// Shared by the kernel tests (kernels*.cpp): a one-layer network Input → Layer checked against a
// naive reference from reference.hpp on 1 and 3 threads, and a seeded, constexpr generator of
// convolution configurations (kernel, stride, dilation, valid/same, output_padding, odd and even
// sizes, batch > 1): at compile time for networks of a drawn type, at run time for the kernels
// themselves. Each network type costs the compiler about a second, so the kernels
// take most of the draws at run time and a few typed cases check the glue.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/ctnn.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "activation_numbers.hpp"
#include "reference.hpp"

namespace layer_check {
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

/// Index of the first value with |got − want| > 1e-4·(1 + |want|), or want's size if none.
inline std::size_t first_mismatch(const float* got, const std::vector<float>& want) {
    for (std::size_t i = 0; i != want.size(); ++i)
        if (!(std::abs(got[i] - want[i]) <= 1e-4f * (1.0f + std::abs(want[i])))) return i;
    return want.size();
}

/// |got − want| ≤ 1e-4·(1 + |want|) everywhere, and the same shape.
template <class Shape>
void require_close(const tensor<Shape>& got, const array4& want) {
    REQUIRE(got.batch() == want.n);
    REQUIRE(Shape::value.height == want.h);
    REQUIRE(Shape::value.width == want.w);
    REQUIRE(Shape::value.channels == want.c);
    const std::size_t first = first_mismatch(got.data(), want.v);
    INFO("first mismatch at " << first << ": got " << got.data()[std::min(first, want.v.size() - 1)] << ", want "
                              << want.v[std::min(first, want.v.size() - 1)]);
    CHECK(first == want.v.size());
}

/// Builds Input → Layer, randomises weights (biases too), runs on 1 and 3 threads, and compares
/// with `ref(x, kernel, bias)`; then reads the weights back: as set, bit for bit, whatever form
/// the network keeps them in.
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
    for (std::size_t i = 0; i != decltype(net)::weights.size(); ++i) {
        const auto v = std::as_const(net).values(i);
        const auto& set = decltype(net)::weights[i].name == "kernel" ? kernel : bias;
        CHECK(std::equal(v.begin(), v.end(), set.begin(), set.end()));
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
    c.act = draw(s, 0, 6), c.batch = draw(s, 1, 3);
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

/// A drawn configuration's random input, kernel (kh·kw·Cin·Cout values: Conv2D's layout, or
/// Conv2DTranspose's (kh, kw, Cout, Cin)) and, if `with_bias`, bias.
struct operands {
    array4 x;
    std::vector<float> kernel, bias;
};
inline operands random_operands(const conv_config& c, std::uint32_t seed, bool with_bias) {
    operands o{array4(c.batch, c.h, c.w, c.cin), std::vector<float>(static_cast<std::size_t>(c.kh * c.kw * c.cin * c.cout)), {}};
    reference::fill_random(o.x.v, seed + 1);
    reference::fill_random(o.kernel, seed + 2, 0.5f);
    if (with_bias) o.bias.resize(static_cast<std::size_t>(c.cout)), reference::fill_random(o.bias, seed + 3, 0.5f);
    return o;
}

/// "Conv2D on 2×5×7×3: filters 9, kernel 3×3, strides 1×2, dilation 1×1, same[, output_padding 1×0]"
inline std::string describe(const conv_config& c, bool transpose = false) {
    std::ostringstream o;
    o << (transpose ? "Conv2DTranspose" : "Conv2D") << " on " << c.batch << "×" << c.h << "×" << c.w << "×" << c.cin << ": filters "
      << c.cout << ", kernel " << c.kh << "×" << c.kw << ", strides " << c.sh << "×" << c.sw << ", dilation " << c.dh << "×" << c.dw
      << (c.same ? ", same" : ", valid") << ", activation " << c.act;
    if (transpose) o << ", output_padding " << c.op_h << "×" << c.op_w;
    return o.str();
}

using reference::kind_of;

template <int Kind> struct activation_of;
template <> struct activation_of<0> { using type = linear; };
template <> struct activation_of<1> { using type = relu; };
template <> struct activation_of<2> { using type = sigmoid; };
template <> struct activation_of<3> { using type = ctnn::tanh; };  // ::tanh is <cmath>'s
template <> struct activation_of<4> { using type = relu6; };
template <> struct activation_of<5> { using type = hard_sigmoid; };
template <> struct activation_of<6> { using type = hard_silu; };
}  // namespace layer_check
