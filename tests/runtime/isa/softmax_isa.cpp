// Softmax's row loops (kernels/packets.hpp: the widest packets, then packets of 4, then single
// values) for every instruction set the tests build: the native one (in runtime_tests), AVX2 and
// the x86-64 baseline (in kernels_avx2, kernels_baseline), where the same row takes other
// packets (AVX-512: 21 = 16 + 4 + 1; AVX2: 8 + 8 + 4 + 1; SSE: five of 4 + 1). Against
// tests/runtime/reference.hpp's definition.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/runtime/kernels/activation.hpp>

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "../reference.hpp"

using reference::array4;

TEST_CASE("softmax over rows of any length: in wide packets, packets of 4 and single values, each row its own") {
    // Lengths that take each kind of packet alone and together, logits up to ±40, and 97 rows,
    // so that a row's values read as its neighbour's would show.
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
