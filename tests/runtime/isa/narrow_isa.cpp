// A 1×1 Conv2D to a few channels (kernels/conv2d.hpp's conv2d_narrow: narrow products in
// registers, pixels in packets) built for an instruction set other than this machine's best, as
// tile_gemm_isa.cpp is: with AVX2 (8 lanes, 16 registers) the tiles are 6 pixels and the packets
// 8 wide; the x86-64 baseline (4 lanes, no interleaving) takes the panels throughout, as every
// target does above tile_gemm::most_narrow channels. Against tests/runtime/reference.hpp's direct
// loops: 1 to 16 channels, 37 input channels (pack_rows' square and its tail), a batch of 2, on 1
// and 2 threads, the kernel as set and packed.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/runtime/kernels/conv2d.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "../activation_numbers.hpp"
#include "../reference.hpp"

TEST_CASE("Conv2D 1×1 to 1-16 channels on this build's instruction set equals the definition") {
    using reference::array4;
    namespace detail = ctnn::detail;
    const int h = 13, w = 17, cin = 37, batch = 2;
    for (const int cout : {1, 2, 3, 7, 8, 9, 12, 16}) {
        CAPTURE(cout);
        array4 x(batch, h, w, cin);
        std::vector<float> kernel(static_cast<std::size_t>(cin * cout)), bias(static_cast<std::size_t>(cout));
        reference::fill_random(x.v, 21);
        reference::fill_random(kernel, 22);
        reference::fill_random(bias, 23);
        const array4 want = reference::conv2d(x, kernel, bias, 1, 1, cout, 1, 1, 1, 1, true, 4);  // ReLU6
        const detail::conv2d_op op{{h, w, cin}, {h, w, cout}, {1, 1}, {1, 1}, {1, 1}, 0, 0, reference::kind_of(4)};
        REQUIRE(detail::path_of(op) == detail::conv2d_path::pointwise);
        const detail::prepared_kernel form = detail::conv2d_packed_form(op);
        const detail::aligned_floats packed(static_cast<std::size_t>(form.floats));
        form.prepare(form, kernel.data(), packed.data.get(), 1);
        for (const bool is_packed : {false, true})
            for (const int threads : {1, 2}) {
                CAPTURE(is_packed);
                CAPTURE(threads);
                detail::workspace ws(threads);
                std::vector<float> got(want.v.size(), -1.0f);
                detail::conv2d(op, {x.v.data(), batch, op.in}, {got.data(), batch, op.out}, is_packed ? packed.data.get() : kernel.data(),
                               bias.data(), ws, is_packed);
                int wrong = 0;
                for (std::size_t i = 0; i != want.v.size(); ++i)
                    wrong += !(std::abs(got[i] - want.v[i]) <= 1e-4f * (1.0f + std::abs(want.v[i])));
                CHECK(wrong == 0);
            }
    }
}
