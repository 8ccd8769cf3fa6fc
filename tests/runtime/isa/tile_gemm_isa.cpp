// tile_gemm (kernels/tile_gemm.hpp) built for each instruction set: tests/runtime/CMakeLists.txt
// builds this file natively (AVX-512 here: 16-float packets, 14 rows in registers), for the
// x86-64 baseline (SSE2: 4-float packets, 6 rows) and for AVX2 + FMA (8-float packets, 6 rows).
// The same code takes other tile sizes and panel widths in each, so each build is
// checked against a naive product: packing and unpacking (B as itself and as its transpose), partial panels and row tiles, several
// depth blocks, bias, a residual tensor, the activations applied in registers (ReLU6, hard
// sigmoid, hard SiLU), both ways of splitting work over threads, and A as it lies and
// interleaved (products of 520 columns have enough panels for it on every target that has it).
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/runtime/kernels/tile_gemm.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "../activation_numbers.hpp"
#include "../reference.hpp"

TEST_CASE("tile_gemm on this build's instruction set equals a naive product, its tile sizes and panel widths included") {
    namespace tg = ctnn::detail::tile_gemm;
    MESSAGE("packet of " << tg::lanes << " floats, " << tg::rows << " rows in registers");
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> draw(-1.0f, 1.0f);
    for (const std::int64_t m : {1, 5, 13, 29, 300})
        for (const std::int64_t k : {1, 7, 256, 300})
            for (const std::int64_t n : {1, 9, 32, 45, 100, 300, 520})
                for (const int threads : {1, 2}) {
                    CAPTURE(m);
                    CAPTURE(k);
                    CAPTURE(n);
                    CAPTURE(threads);
                    const auto size = [](std::int64_t count) { return static_cast<std::size_t>(count); };
                    std::vector<float> a(size(m * k)), b(size(k * n)), bias(size(n)), c(size(m * n), -9.0f);
                    for (auto& v : a) v = draw(rng);
                    for (auto& v : b) v = draw(rng);
                    for (auto& v : bias) v = 4.0f * draw(rng);
                    const ctnn::detail::aligned_floats packed(size(tg::size(k, n)));
                    tg::pack(b.data(), k, n, n, packed.data.get());
                    std::vector<float> back(b.size());
                    tg::unpack(packed.data.get(), k, n, back.data());
                    CHECK(back == b);
                    // The same B given as its transpose (a Conv2DTranspose's kernel): the same
                    // packed values, and its transpose back exactly.
                    std::vector<float> bt(b.size());
                    for (std::int64_t p = 0; p != k; ++p)
                        for (std::int64_t j = 0; j != n; ++j) bt[size(j * k + p)] = b[size(p * n + j)];
                    const ctnn::detail::aligned_floats packed_t(size(tg::size(k, n)));
                    tg::pack_transposed(bt.data(), k, n, k, packed_t.data.get());
                    CHECK(std::equal(packed.data.get(), packed.data.get() + tg::size(k, n), packed_t.data.get()));
                    std::vector<float> back_t(bt.size());
                    tg::unpack_transposed(packed_t.data.get(), k, n, back_t.data());
                    CHECK(back_t == bt);
                    // A residual tensor (a folded Add) on every other case, so both epilogues run.
                    std::vector<float> residual;
                    if ((m + k + n) % 2 == 0) {
                        residual.resize(c.size());
                        for (auto& v : residual) v = 2.0f * draw(rng);
                    }
                    // reference::activate's ReLU6, hard sigmoid and hard SiLU, by turns.
                    const int act = std::array{4, 5, 6}[static_cast<std::size_t>((m + k + n + threads) % 3)];
                    CAPTURE(act);
                    tg::parallel_multiply(a.data(), k, packed.data.get(), n, c.data(), n, m, k, bias.data(), reference::kind_of(act),
                                          threads, residual.empty() ? nullptr : residual.data());
                    std::int64_t wrong = 0;
                    for (std::int64_t i = 0; i != m; ++i)
                        for (std::int64_t j = 0; j != n; ++j) {
                            double want = bias[size(j)] + (residual.empty() ? 0.0 : residual[size(i * n + j)]);
                            for (std::int64_t p = 0; p != k; ++p) want += double{a[size(i * k + p)]} * double{b[size(p * n + j)]};
                            want = reference::activate(static_cast<float>(want), act);
                            wrong += !(std::abs(double{c[size(i * n + j)]} - want) <= 1e-4 * (1.0 + std::abs(want)));
                        }
                    CHECK(wrong == 0);
                }
}
