// The loops over a pixel's channels (kernels/packets.hpp: the widest packets, then packets of 4,
// then single values) in softmax and in the per-channel map of a BatchNormalization (folded
// into a 1×1 convolution, or a node), for every instruction set the tests build: the native one
// (in runtime_tests), AVX2 and the x86-64 baseline (in kernels_avx2, kernels_baseline), where
// the same row takes other packets (AVX-512: 21 = 16 + 4 + 1; AVX2: 8 + 8 + 4 + 1; SSE: five of
// 4 + 1). Against tests/runtime/reference.hpp's definitions.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/runtime/kernels/activation.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "../reference.hpp"

using reference::array4;

TEST_CASE("softmax over rows of any length: in wide packets, packets of 4 and single values, each row its own") {
    // Lengths that take each kind of packet alone and together, logits up to ±40, and 97 rows,
    // so that a row's values read as its neighbour's would show; rows of at most a packet's
    // channels go a packet of rows at a time (softmax_short_rows, with masked loads: AVX, AVX-512),
    // the last row alone.
    for (const int channels : {1, 2, 3, 4, 5, 8, 12, 16, 17, 21, 33, 64, 1000}) {
        CAPTURE(channels);
        array4 x(1, 1, 97, channels);
        reference::fill_random(x.v, static_cast<std::uint32_t>(100 + channels), 40.0f);
        const array4 want = reference::softmax_channels(x);
        std::vector<float> got = x.v;
        ctnn::detail::softmax_rows(got.data(), 97, channels);
        std::size_t bad = 0;
        while (bad != got.size() && std::abs(got[bad] - want.v[bad]) <= 1e-6f + 1e-5f * want.v[bad]) ++bad;
        CHECK(bad == got.size());
    }
}

TEST_CASE("a per-channel map and its activation over pixels of any length: in packets, each channel its own") {
    // ReLU, ReLU6 and the hard ones are applied in the packets, sigmoid after; scales and shifts all
    // differ, so that one channel's read for another's shows; in place too (a BatchNormalization
    // node's output may be its input).
    using kind = ctnn::activation_kind;
    const std::pair<kind, int> activations[] = {{kind::linear, 0}, {kind::relu, 1},         {kind::sigmoid, 2},
                                                {kind::relu6, 4},  {kind::hard_sigmoid, 5}, {kind::hard_silu, 6}};
    for (const int channels : {1, 3, 4, 5, 12, 16, 21, 24, 33, 128}) {
        const int pixels = 29;
        std::vector<float> x(static_cast<std::size_t>(pixels * channels)), scale(static_cast<std::size_t>(channels)),
            shift(static_cast<std::size_t>(channels));
        reference::fill_random(x, static_cast<std::uint32_t>(200 + channels), 4.0f);
        reference::fill_random(scale, static_cast<std::uint32_t>(300 + channels), 2.0f);
        reference::fill_random(shift, static_cast<std::uint32_t>(400 + channels), 3.0f);
        for (const auto& named : activations) {
            const int reference_kind = named.second;  // named, not bound: Clang 14's CAPTURE cannot capture a binding
            CAPTURE(channels);
            CAPTURE(reference_kind);
            std::vector<float> want(x.size());
            for (std::size_t i = 0; i != x.size(); ++i) {
                const std::size_t c = i % static_cast<std::size_t>(channels);
                want[i] = reference::activate(x[i] * scale[c] + shift[c], reference_kind);
            }
            std::vector<float> got(x.size()), in_place = x;
            const ctnn::detail::channel_map map{scale.data(), shift.data(), named.first};
            ctnn::detail::map_pixels(x.data(), pixels, channels, map, got.data());
            ctnn::detail::map_pixels(in_place.data(), pixels, channels, map, in_place.data());
            // (Not bit for bit alike: Eigen's vectorised exp, for sigmoid, starts its packets where
            // the array is aligned.)
            const auto close = [&](const std::vector<float>& v, std::size_t i) {
                return std::abs(v[i] - want[i]) <= 1e-5f + 1e-5f * std::abs(want[i]);
            };
            std::size_t bad = 0;
            while (bad != got.size() && close(got, bad) && close(in_place, bad)) ++bad;
            CHECK(bad == got.size());
        }
    }
}
