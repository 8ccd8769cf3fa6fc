// LayerNormalization: its declarations (shape, parameters, Keras' weights), its kernel against
// values PyTorch's nn.LayerNorm computed (pasted below, made by the script in the comment), and
// against a naive double-precision loop on every rank it takes, including scale<false> and
// center<false>.
// SPDX-License-Identifier: BSL-1.0
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "reference.hpp"

namespace {
using namespace ctnn;

using ln = LayerNormalization<epsilon<"1e-6">, name<"ln">>;
static_assert(ln::params<dims{14, 14, 96}> == 2 * 96);
static_assert(ln::weights<dims{14, 14, 96}>[0].name == "gamma" && ln::weights<dims{14, 14, 96}>[1].name == "beta");
static_assert(ln::weights<dims{14, 14, 96}>[1].trainable);
static_assert(LayerNormalization<center<false>, name<"n">>::params<dims{4, 4, 8}> == 8);
static_assert(LayerNormalization<scale<false>, center<false>, name<"n">>::weights<dims{4, 4, 8}>.empty());
static_assert(std::is_same_v<output_shape_t<ln, shape<768>>, shape<768>>);

/*  The PyTorch values, from /usr/bin/python3 with Debian's python3-torch 1.13:
    torch.manual_seed(7); x = torch.randn(1, 2, 3, 5) * 3 + 10; g = torch.randn(5); b = torch.randn(5)
    ln = torch.nn.LayerNorm(5, eps=1e-6); ln.weight.copy_(g); ln.bias.copy_(b); y = ln(x)   (NHWC)  */
const std::vector<float> torch_x{7.539597f, 11.18689f, 12.69673f, 5.834788f, 9.499012f, 10.85545f, 8.076725f, 7.319034f,
                                 12.77963f, 8.393463f, 6.520839f, 8.619529f, 12.12562f, 13.03827f, 5.845116f, 11.51069f,
                                 9.749415f, 9.929566f, 10.52313f, 16.89503f, 12.87131f, 8.014398f, 14.19676f, 14.21756f,
                                 5.796247f, 13.89201f, 14.9228f, 6.829947f, 9.21524f, 9.249602f};
const std::vector<float> torch_gamma{-0.7484297f, 1.986337f, -0.2901737f, -2.422009f, 0.2915177f};
const std::vector<float> torch_beta{-0.4632738f, 1.187578f, -0.3220371f, 1.220225f, 0.7588269f};
const std::vector<float> torch_y{0.08819383f, 2.670309f,  -0.7168154f, 4.684065f, 0.7763267f, -0.9686589f, -0.1904594f,
                                 -0.01240522f, -2.711332f, 0.6020754f, 0.2358119f, 0.7695626f, -0.6117603f, -1.960181f,
                                 0.4186087f,  -0.4039147f, -0.2857762f, -0.1264635f, 2.311933f,  1.326059f,  -0.8632f,
                                 -0.5344951f, -0.5880601f, -1.014742f, 0.3195275f, -1.210872f, 3.837887f,  0.05485057f,
                                 2.486335f,  0.6096947f};

template <class Layer, class Shape>
constexpr auto one_layer() {
    auto in = Input<Shape, name<"in">>{}();
    return Model{in, Layer{}(in)};
}

/// The naive loop: each position's mean and biased variance in double.
std::vector<float> naive(const std::vector<float>& x, int channels, const float* gamma, const float* beta, double eps) {
    std::vector<float> y(x.size());
    for (std::size_t p = 0; p < x.size(); p += static_cast<std::size_t>(channels)) {
        double mean = 0, var = 0;
        for (int c = 0; c != channels; ++c) mean += x[p + static_cast<std::size_t>(c)];
        mean /= channels;
        for (int c = 0; c != channels; ++c) var += (x[p + static_cast<std::size_t>(c)] - mean) * (x[p + static_cast<std::size_t>(c)] - mean);
        var /= channels;
        for (int c = 0; c != channels; ++c) {
            const double n = (x[p + static_cast<std::size_t>(c)] - mean) / std::sqrt(var + eps);
            y[p + static_cast<std::size_t>(c)] = static_cast<float>(n * (gamma ? gamma[c] : 1.0) + (beta ? beta[c] : 0.0));
        }
    }
    return y;
}

template <class Model>
std::vector<float> run(const Model& model, const std::vector<float>& x, const std::vector<float>& gamma,
                       const std::vector<float>& beta, int batch, int threads) {
    network net{model};
    using M = std::remove_cvref_t<Model>;
    for (std::size_t i = 0; i != network<M>::weights.size(); ++i) {
        const auto& source = network<M>::weights[i].name == "gamma" ? gamma : beta;
        std::copy(source.begin(), source.end(), net.values(i).begin());
    }
    tensor<shape_of<M::input_shape>> in(batch);
    std::copy(x.begin(), x.end(), in.data());
    const auto out = net.predict(in, {.threads = threads});
    return {out.data(), out.data() + out.size()};
}
}  // namespace

TEST_CASE("LayerNormalization computes what PyTorch's LayerNorm computes") {
    constexpr auto model = one_layer<ln, shape<2, 3, 5>>();
    const auto y = run(model, torch_x, torch_gamma, torch_beta, 1, 1);
    for (std::size_t i = 0; i != y.size(); ++i) CHECK(y[i] == doctest::Approx(torch_y[i]).epsilon(1e-5));
}

TEST_CASE("LayerNormalization agrees with the naive loop on every rank, batch and thread count") {
    std::vector<float> gamma(37), beta(37);
    reference::fill_random(gamma, 3), reference::fill_random(beta, 4);
    auto check = [&](const auto& model, int batch, int threads, const float* g, const float* b) {
        using M = std::remove_cvref_t<decltype(model)>;
        std::vector<float> x(static_cast<std::size_t>(M::input_shape.size() * batch));
        reference::fill_random(x, 5, 4.0f);
        for (auto& v : x) v += 20.0f;  // a mean far from 0: two passes keep the variance exact
        const auto y = run(model, x, gamma, beta, batch, threads);
        const auto want = naive(x, 37, g, b, 1e-3);
        for (std::size_t i = 0; i != y.size(); ++i) REQUIRE(y[i] == doctest::Approx(want[i]).epsilon(2e-4));
    };
    using plain = LayerNormalization<name<"ln">>;
    check(one_layer<plain, shape<37>>(), 3, 1, gamma.data(), beta.data());
    check(one_layer<plain, shape<9, 37>>(), 2, 2, gamma.data(), beta.data());
    check(one_layer<plain, shape<40, 41, 37>>(), 2, 2, gamma.data(), beta.data());  // several chunks
    check(one_layer<LayerNormalization<scale<false>, name<"ln">>, shape<5, 5, 37>>(), 1, 2, nullptr, beta.data());
    check(one_layer<LayerNormalization<center<false>, name<"ln">>, shape<5, 5, 37>>(), 1, 1, gamma.data(), nullptr);
}
