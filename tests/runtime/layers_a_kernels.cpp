// The Dense kernel against a naive loop, on 1, 2 and 4 threads: parallel_gemm splits short
// matrices (a vector batch has a few rows) by columns and tall ones by rows, and the bias,
// activation and softmax must land on every part. The oracle fixtures run one thread count only.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace {
using namespace ctnn;

/// Deterministic values in [-1, 1) (a linear congruential generator: no code shared with ctnn).
void fill(std::span<float> v, std::uint32_t seed) {
    for (float& x : v) {
        seed = seed * 1664525u + 1013904223u;
        x = static_cast<float>(seed >> 8) / 8388608.0f - 1.0f;
    }
}

/// y[r][u] = f(b[u] + Σ_i x[r][i]·K[i][u]) row by row, with relu or softmax over u as `f`.
std::vector<float> naive_dense(const std::vector<float>& x, const std::vector<float>& k, const std::vector<float>& b,
                               std::size_t rows, std::size_t in, std::size_t units, bool softmax) {
    std::vector<float> y(rows * units);
    for (std::size_t r = 0; r != rows; ++r) {
        for (std::size_t u = 0; u != units; ++u) {
            double s = b[u];
            for (std::size_t i = 0; i != in; ++i) s += double{x[r * in + i]} * double{k[i * units + u]};
            y[r * units + u] = softmax ? static_cast<float>(s) : std::max(static_cast<float>(s), 0.0f);
        }
        if (softmax) {
            double top = y[r * units], total = 0;
            for (std::size_t u = 0; u != units; ++u) top = std::max(top, double{y[r * units + u]});
            for (std::size_t u = 0; u != units; ++u) total += std::exp(double{y[r * units + u]} - top);
            for (std::size_t u = 0; u != units; ++u)
                y[r * units + u] = static_cast<float>(std::exp(double{y[r * units + u]} - top) / total);
        }
    }
    return y;
}

template <class Layer, class Shape>
void check_dense(int batch, bool softmax) {
    auto in = Input<Shape, name<"x">>{}();
    network net{Model{in, Layer{}(in)}};
    constexpr dims s = Shape::value;
    const auto units = static_cast<std::size_t>(Layer::units), cin = static_cast<std::size_t>(s.channels);
    fill(net.values("fc", "kernel"), 7);
    fill(net.values("fc", "bias"), 11);
    tensor<Shape> x(batch);
    fill({x.data(), x.size()}, 3);
    const std::vector<float> xs(x.begin(), x.end());
    const auto k = net.values("fc", "kernel"), b = net.values("fc", "bias");
    const std::size_t rows = x.size() / cin;
    const auto want = naive_dense(xs, {k.begin(), k.end()}, {b.begin(), b.end()}, rows, cin, units, softmax);
    for (int threads : {1, 2, 4}) {
        CAPTURE(threads);
        const auto got = net(x, {.threads = threads});
        REQUIRE(got.size() == want.size());
        std::size_t bad = 0;
        for (std::size_t i = 0; i != want.size(); ++i) bad += !(std::abs(got.data()[i] - want[i]) <= 1e-4f * (1.0f + std::abs(want[i])));
        CHECK(bad == 0);
    }
}
}  // namespace

TEST_CASE("Dense matches a naive loop on 1, 2 and 4 threads: short (split by columns) and tall (by rows)") {
    check_dense<Dense<96, relu, name<"fc">>, shape<37>>(3, false);           // 3 rows, 96 columns
    check_dense<Dense<40, softmax, name<"fc">>, shape<50>>(2, true);         // softmax over split columns
    check_dense<Dense<9, relu, name<"fc">>, shape<12, 11, 6>>(2, false);     // 264 rows, per pixel
    check_dense<Dense<33, softmax, name<"fc">>, shape<70, 5>>(1, true);      // rank 2, 70 rows
}
