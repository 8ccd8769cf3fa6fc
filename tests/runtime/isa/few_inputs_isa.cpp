// conv2d_few_inputs (kernels/conv2d.hpp: an image's first layer) natively and built for an
// instruction set other than this machine's best, as tile_gemm_isa.cpp is: with 16 registers
// (AVX2, the x86-64 baseline) its register blocks hold fewer pixels (2 × 4 packets, 6 × 2, 12 × 1
// with AVX2) and spill differently, and its streamed stores are other instructions. Each build
// against tests/runtime/reference.hpp's direct loops: 1 to 4 input channels, strides 1 to 3,
// every block of output channels, `same` borders, and the activations applied in registers (ReLU,
// ReLU6, hard sigmoid, hard SiLU) and after the store (sigmoid); and an output large enough to be
// written around the caches, aligned and not.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/runtime/kernels/conv2d.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "../activation_numbers.hpp"
#include "../reference.hpp"

TEST_CASE("conv2d_few_inputs on this build's instruction set equals the definition") {
    using reference::array4;
    struct config {
        int h, w, cin, cout, k, s;
        bool same;
        int act;  // reference::activate's: 1 ReLU, 2 sigmoid, 4 ReLU6, 5 hard sigmoid, 6 hard SiLU
    };
    const std::array configs{config{23, 37, 3, 32, 3, 2, true, 4}, config{19, 41, 3, 64, 3, 1, true, 1},
                             config{21, 30, 3, 100, 7, 2, true, 2}, config{17, 29, 1, 64, 3, 1, false, 4},
                             config{15, 33, 1, 24, 5, 2, true, 6},  config{13, 26, 2, 40, 3, 1, true, 5},
                             config{16, 31, 4, 17, 3, 3, false, 2}, config{9, 44, 3, 8, 1, 2, false, 4}};
    for (const config& c : configs)
        for (const int threads : {1, 2}) {
            CAPTURE(c.cin);
            CAPTURE(c.cout);
            CAPTURE(c.k);
            CAPTURE(c.s);
            CAPTURE(c.act);
            CAPTURE(threads);
            const int batch = 2;
            array4 x(batch, c.h, c.w, c.cin);
            std::vector<float> kernel(static_cast<std::size_t>(c.k * c.k * c.cin * c.cout)), bias(static_cast<std::size_t>(c.cout));
            reference::fill_random(x.v, 11);
            reference::fill_random(kernel, 12, 4.0f);  // sums beyond ReLU6's cap
            reference::fill_random(bias, 13);
            const array4 want = reference::conv2d(x, kernel, bias, c.k, c.k, c.cout, c.s, c.s, 1, 1, c.same, c.act);
            const int pad_top = c.same ? reference::same_pad_before(c.h, c.k, c.s, 1) : 0;
            const int pad_left = c.same ? reference::same_pad_before(c.w, c.k, c.s, 1) : 0;
            const ctnn::detail::conv2d_op op{{c.h, c.w, c.cin}, {want.h, want.w, c.cout}, {c.k, c.k}, {c.s, c.s}, {1, 1},
                                             pad_top, pad_left, reference::kind_of(c.act)};
            REQUIRE(ctnn::detail::conv2d_few_inputs_path(op));
            std::vector<float> got(want.v.size(), -1.0f);
            ctnn::detail::conv2d_few_inputs(op, {x.v.data(), batch, op.in}, {got.data(), batch, op.out}, kernel.data(), bias.data(),
                                            threads);
            int wrong = 0;
            for (std::size_t i = 0; i != want.v.size(); ++i)
                wrong += !(std::abs(got[i] - want.v[i]) <= 1e-4f * (1.0f + std::abs(want.v[i])));
            CHECK(wrong == 0);
        }
}

TEST_CASE("conv2d_few_inputs writes a large output around the caches, and a misaligned one as before") {
    // 128×128×128 (8 MiB: packets.hpp's stream_min_floats) from one input channel, ReLU in
    // registers: stream_store where the output is aligned to a packet, ordinary stores one float
    // off; both against the definition, on 2 threads.
    namespace detail = ctnn::detail;
    using reference::array4;
    const int h = 130, w = 130, cout = 128;
    array4 x(1, h, w, 1);
    std::vector<float> kernel(static_cast<std::size_t>(9 * cout)), bias(static_cast<std::size_t>(cout));
    reference::fill_random(x.v, 31);
    reference::fill_random(kernel, 32);
    reference::fill_random(bias, 33);
    const array4 want = reference::conv2d(x, kernel, bias, 3, 3, cout, 1, 1, 1, 1, false, 1);
    const detail::conv2d_op op{{h, w, 1}, {want.h, want.w, cout}, {3, 3}, {1, 1}, {1, 1}, 0, 0, reference::kind_of(1)};
    REQUIRE(detail::conv2d_few_inputs_path(op));
    const std::size_t size = want.v.size();
    const detail::aligned_floats out(size + detail::packet_lanes);
    for (const int offset : {0, 1}) {
        CAPTURE(offset);
        float* y = out.data.get() + offset;
        CHECK(detail::streams_output(static_cast<std::int64_t>(size), y, cout) == (detail::streams && offset == 0));
        std::fill(y, y + size, -1.0f);
        detail::conv2d_few_inputs(op, {x.v.data(), 1, op.in}, {y, 1, op.out}, kernel.data(), bias.data(), 2);
        int wrong = 0;
        for (std::size_t i = 0; i != size; ++i) wrong += !(std::abs(y[i] - want.v[i]) <= 1e-4f * (1.0f + std::abs(want.v[i])));
        CHECK(wrong == 0);
    }
}
