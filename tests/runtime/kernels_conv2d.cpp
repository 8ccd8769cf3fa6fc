// Conv2D against the direct definition (reference.hpp). Its kernels over 160 configurations drawn
// at run time, each on every path its shapes allow (the kernel in Keras' layout, packed, packed
// where it lies, few input channels; with and without a residual to add; 1×1 ones with their
// input mapped as they read it), on 1 to 3 threads; and
// the layer's glue from its type to those kernels through networks: 8 drawn configurations and
// one for each path. Drawing at run time keeps this file cheap to compile: each network type is
// about a second of the compiler's time, a configuration drawn at run time nothing.
// SPDX-License-Identifier: BSL-1.0
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "layer_check.hpp"

namespace {
using namespace layer_check;

template <std::uint64_t Seed>
void conv_case() {
    static constexpr conv_config c = draw_conv(Seed, false);
    using L = Conv2D<c.cout, kernel_size<c.kh, c.kw>, strides<c.sh, c.sw>, dilation_rate<c.dh, c.dw>,
                     std::conditional_t<c.same == 1, same, valid>, typename activation_of<c.act>::type, name<"conv">>;
    INFO(describe(c));
    check_layer<L, shape<c.h, c.w, c.cin>, c.batch>(
        [](const array4& x, const auto& k, const auto& b) {
            return reference::conv2d(x, k, b, c.kh, c.kw, c.cout, c.sh, c.sw, c.dh, c.dw, c.same == 1, c.act);
        },
        static_cast<std::uint32_t>(Seed));
}

template <std::uint64_t... Seeds>
void conv_cases(std::integer_sequence<std::uint64_t, Seeds...>) {
    (conv_case<Seeds * 7919 + 1>(), ...);
}

/// The reference's linear output with the residual `r` added, then the activation `act`
/// (reference::activate's numbers).
std::vector<float> plus_residual(const array4& linear, const std::vector<float>& r, int act) {
    std::vector<float> v(linear.v.size());
    for (std::size_t i = 0; i != v.size(); ++i) v[i] = reference::activate(linear.v[i] + r[i], act);
    return v;
}
/// The kernel's description of Conv2D `c`, whose output the reference computed as `out`, `same`
/// padding placed as TensorFlow places it.
detail::conv2d_op op_of(const conv_config& c, const array4& out) {
    return {{c.h, c.w, c.cin},
            {out.h, out.w, c.cout},
            {c.kh, c.kw},
            {c.sh, c.sw},
            {c.dh, c.dw},
            c.same ? reference::same_pad_before(c.h, c.kh, c.sh, c.dh) : 0,
            c.same ? reference::same_pad_before(c.w, c.kw, c.sw, c.dw) : 0,
            kind_of(c.act)};
}
/// Conv2D `c` with its kernel packed and a residual added, against the direct definition, on 1, 2
/// and 3 threads, each worth every thread it is given; `path` is the one it must take.
void check_packed_on_threads(const conv_config& c, std::uint32_t seed, detail::conv2d_path path) {
    INFO(describe(c));
    operands drawn = random_operands(c, seed, true);
    const array4 linear = reference::conv2d(drawn.x, drawn.kernel, drawn.bias, c.kh, c.kw, c.cout, c.sh, c.sw, c.dh, c.dw, c.same == 1, 0);
    std::vector<float> residual(linear.v.size());
    reference::fill_random(residual, seed + 1, 4.0f);
    const std::vector<float> want = plus_residual(linear, residual, c.act);
    const detail::conv2d_op op = op_of(c, linear);
    REQUIRE(detail::path_of(op) == path);
    REQUIRE(detail::threads_for(std::int64_t{linear.h} * linear.w * c.cout * c.kh * c.kw * c.cin, 3) == 3);
    const detail::prepared_kernel form = detail::conv2d_packed_form(op);
    const detail::aligned_floats packed(static_cast<std::size_t>(form.floats));
    form.prepare(form, drawn.kernel.data(), packed.data.get(), 1);
    for (const int threads : {1, 2, 3}) {
        CAPTURE(threads);
        detail::workspace ws(threads);
        std::vector<float> got(want.size(), -3.0f);
        detail::conv2d(op, {drawn.x.v.data(), c.batch, op.in}, {got.data(), c.batch, op.out}, packed.data.get(), drawn.bias.data(), ws,
                       true, residual.data());
        CHECK(first_mismatch(got.data(), want) == got.size());
    }
}
}  // namespace

TEST_CASE("Conv2D's kernels match the direct definition over 160 drawn configurations, on every path each allows") {
    int packed_in_place = 0, few_inputs = 0, by_taps = 0, pointwise = 0, narrow = 0;
    for (std::uint64_t i = 0; i != 160; ++i) {
        conv_config c = draw_conv(i * 6007 + 5, false);
        // Every third: deeper products and several panels of output channels.
        if (i % 3 == 2) c.cin = 8 + static_cast<int>(i % 29), c.cout = 17 + static_cast<int>(i * 7 % 48);
        // Every eighth: 1×1 of stride 1, the pointwise path (the map keeps its size, `same` or not).
        if (i % 8 == 5) c.kh = c.kw = c.sh = c.sw = c.dh = c.dw = 1;
        INFO(describe(c));
        const int threads = 1 + static_cast<int>(i % 3);
        CAPTURE(threads);
        const auto seed = static_cast<std::uint32_t>(i);
        // Named, not bound: Clang 14 cannot capture a structured binding in the lambda below.
        operands drawn = random_operands(c, seed, i % 5 != 4);
        array4& x = drawn.x;  // a tensor_view's data is not const
        const std::vector<float>& kernel = drawn.kernel;
        const std::vector<float>& bias = drawn.bias;
        const array4 want = reference::conv2d(x, kernel, bias, c.kh, c.kw, c.cout, c.sh, c.sw, c.dh, c.dw, c.same == 1, c.act);
        const array4 linear = reference::conv2d(x, kernel, bias, c.kh, c.kw, c.cout, c.sh, c.sw, c.dh, c.dw, c.same == 1, 0);
        std::vector<float> residual(want.v.size());
        reference::fill_random(residual, seed + 4);
        const std::vector<float> want_with_residual = plus_residual(linear, residual, c.act);

        const detail::conv2d_op op = op_of(c, want);
        by_taps += detail::path_of(op) == detail::conv2d_path::by_taps;
        pointwise += detail::path_of(op) == detail::conv2d_path::pointwise;
        narrow += detail::path_of(op) == detail::conv2d_path::pointwise && c.cout <= detail::tile_gemm::most_narrow;
        detail::workspace ws(threads);
        const float* b = bias.empty() ? nullptr : bias.data();
        // A 1×1 convolution maps its input as it reads it where a BatchNormalization folded into it
        // from before (scale and shift per input channel, then an activation).
        std::vector<float> scale(static_cast<std::size_t>(c.cin)), shift(scale.size());
        reference::fill_random(scale, seed + 5);
        reference::fill_random(shift, seed + 6);
        const int map_act = static_cast<int>(i % 3);  // linear, relu, sigmoid
        array4 mapped_x = x;
        for (std::size_t k = 0; k != x.v.size(); ++k) {
            const std::size_t ch = k % scale.size();
            mapped_x.v[k] = reference::activate(x.v[k] * scale[ch] + shift[ch], map_act);
        }
        const std::vector<float> want_mapped =
            reference::conv2d(mapped_x, kernel, bias, c.kh, c.kw, c.cout, c.sh, c.sw, c.dh, c.dw, c.same == 1, c.act).v;
        const detail::channel_map map{scale.data(), shift.data(), kind_of(map_act)};
        const auto run = [&](const std::string& path, const float* k, bool packed, const float* r) {
            CAPTURE(path);
            CAPTURE(r != nullptr);
            std::vector<float> got(want.v.size(), -3.0f);
            detail::conv2d(op, {x.v.data(), c.batch, op.in}, {got.data(), c.batch, op.out}, k, b, ws, packed, r);
            CHECK(first_mismatch(got.data(), r != nullptr ? want_with_residual : want.v) == got.size());
            if (detail::path_of(op) == detail::conv2d_path::pointwise) {
                std::fill(got.begin(), got.end(), -3.0f);
                detail::conv2d(op, {x.v.data(), c.batch, op.in}, {got.data(), c.batch, op.out}, k, b, ws, packed, nullptr, map);
                CHECK(first_mismatch(got.data(), want_mapped) == got.size());
            }
        };
        run("Keras' layout", kernel.data(), false, nullptr);
        run("Keras' layout", kernel.data(), false, residual.data());

        // Packed as a network keeps it: the products read it aligned; it gives the kernel back exactly.
        const detail::prepared_kernel form = detail::conv2d_packed_form(op);
        const detail::aligned_floats packed(static_cast<std::size_t>(form.floats));
        form.prepare(form, kernel.data(), packed.data.get(), threads);
        run("packed", packed.data.get(), true, nullptr);
        run("packed", packed.data.get(), true, residual.data());
        std::vector<float> back(kernel.size());
        form.restore(form, packed.data.get(), back.data());
        CHECK(back == kernel);
        if (form.prepare_in_place != nullptr) {
            ++packed_in_place;
            REQUIRE(form.floats == static_cast<std::int64_t>(kernel.size()));
            const detail::aligned_floats here(kernel.size());
            std::copy(kernel.begin(), kernel.end(), here.data.get());
            form.prepare_in_place(form, here.data.get());
            CHECK(std::equal(here.data.get(), here.data.get() + kernel.size(), packed.data.get()));
        }

        if (detail::conv2d_few_inputs_path(op)) {
            ++few_inputs;
            std::vector<float> got(want.v.size(), -3.0f);
            detail::conv2d_few_inputs(op, {x.v.data(), c.batch, op.in}, {got.data(), c.batch, op.out}, kernel.data(), b, threads);
            CHECK(first_mismatch(got.data(), want.v) == got.size());
        }
    }
    // The draw reaches each path (its counts change only with the draw).
    CHECK(packed_in_place > 0);
    CHECK(few_inputs > 0);
    CHECK(by_taps > 0);
    CHECK(pointwise > 0);
    CHECK(narrow > 0);
}

TEST_CASE("products of few rows split over threads by tile_gemm::grid_part: C covered once, equal shares") {
    namespace tg = detail::tile_gemm;
    for (const std::int64_t m : {1, 2, 7, 16, 49, 50, 300})
        for (const std::int64_t n : {1, 33, 100, 160, 224, 300})
            for (const std::size_t parts : {1u, 2u, 3u, 4u}) {
                CAPTURE(m);
                CAPTURE(n);
                CAPTURE(parts);
                const std::int64_t np = tg::padded(n);
                std::vector<int> covered(static_cast<std::size_t>(m * n), 0);
                std::vector<std::int64_t> work(parts, 0);
                for (std::size_t i = 0; i != parts; ++i) {
                    int rectangles = 0;
                    tg::grid_part(m, n, parts, i, [&](std::int64_t r0, std::int64_t r1, std::int64_t c0, std::int64_t c1) {
                        ++rectangles;
                        CHECK((0 <= r0 && r0 < r1 && r1 <= m && 0 <= c0 && c0 < c1 && c1 <= n && c0 % tg::width == 0));
                        for (std::int64_t r = r0; r != r1; ++r)
                            for (std::int64_t c = c0; c != c1; ++c) ++covered[static_cast<std::size_t>(r * n + c)];
                        work[i] += (r1 - r0) * (tg::padded(c1) - c0);  // a partial panel costs a whole one
                    });
                    CHECK(rectangles <= 3);
                }
                CHECK(std::count(covered.begin(), covered.end(), 1) == m * n);
                // Shares equal but for rows rounded to whole micro-kernel tiles: at most half a
                // tile's rows (and one for the division) in each of two partial panels.
                const std::int64_t panels = np / tg::width;
                const auto p = static_cast<std::int64_t>(parts);
                if (panels >= p && m >= p)
                    for (const std::int64_t w : work) CHECK(std::abs(w * p - m * np) <= 2 * (tg::rows / 2 + 1) * tg::width * p);
            }
    // And the products themselves, where the panels do not go evenly over the threads: a 1×1
    // convolution of 160 output channels on a 7×7 map (MobileNetV2's last blocks), a 3×3 `valid`
    // one of 100 on 9×9 (49 im2col rows, each thread filling those of its rectangles), a residual
    // added.
    check_packed_on_threads({7, 7, 128, 160, 1, 1, 1, 1, 1, 1, 1, 4, 1, 0, 0}, 71, detail::conv2d_path::pointwise);
    check_packed_on_threads({9, 9, 128, 100, 3, 3, 1, 1, 1, 1, 0, 4, 1, 0, 0}, 71, detail::conv2d_path::im2col);
}

TEST_CASE("Conv2D 1×1 to a few channels: narrow products over runs of pixels on 1-3 threads") {
    // As the U-Net's last layer (64 → 2), deeper and with 1 to most_narrow channels (products of 2
    // and of 8 columns): each thread's run ends inside a tile of pixels somewhere, and a batch of 2
    // runs on from one sample into the next.
    for (const int cout : {1, 2, 3, 5, detail::tile_gemm::most_narrow}) {
        CAPTURE(cout);
        check_packed_on_threads({60, 60, 224, cout, 1, 1, 1, 1, 1, 1, 1, 2, 2, 0, 0}, 79, detail::conv2d_path::pointwise);
    }
}

TEST_CASE("Conv2D's per-tap products split over threads by output channels or by output rows") {
    // 3×3 `same` on 7×7 maps (ResNet50's and DenseNet121's last stages): 82% of the taps read the
    // input. 160 channels go by columns on 2 threads (3 panels and 2) and by rows on 3 (64 a
    // thread is the least split by columns); 100 and 24 by rows on 2 and 3.
    for (const int cout : {24, 100, 160}) {
        CAPTURE(cout);
        check_packed_on_threads({7, 7, 128, cout, 3, 3, 1, 1, 1, 1, 1, 1, 2, 0, 0}, 73, detail::conv2d_path::by_taps);
    }
}

TEST_CASE("Conv2D layers reach those kernels from their types: 8 drawn configurations") {
    conv_cases(std::make_integer_sequence<std::uint64_t, 8>{});
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
