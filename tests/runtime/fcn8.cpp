// The full FCN-8 at 224×224, run once: a valid probability map, the same on any thread count,
// in the activation memory the compile-time plan promises.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>
#include <ctnn/models/fcn8.hpp>

#include <doctest/doctest.h>

#include <cmath>

namespace {
constexpr auto model = ctnn::models::fcn8<12>();
using M = decltype(model);

// The plan's peak is block1_conv1 and block1_conv2 alive together: 2 × 224·224·64 floats.
static_assert(ctnn::network<M>::activation_bytes_per_sample == 2 * 224 * 224 * 64 * 4);
}  // namespace

TEST_CASE("FCN-8 at 224x224 gives a probability map, the same on 1 and 2 threads") {
    ctnn::network net{model, 42};
    ctnn::tensor<ctnn::shape<224, 224, 3>> image(1);
    for (std::size_t i = 0; i != image.size(); ++i) image.data()[i] = static_cast<float>((i * 7919) % 256) / 255.0f;

    const auto one = net(image, {.threads = 1});
    const auto two = net(image, {.threads = 2});
    REQUIRE(one.batch() == 1);
    std::size_t bad_sums = 0, bad_values = 0, differ = 0;
    for (int h = 0; h != 224; ++h)
        for (int w = 0; w != 224; ++w) {
            double sum = 0;
            for (int c = 0; c != 12; ++c) {
                const float p = one(0, h, w, c);
                if (!(p >= 0.0f && p <= 1.0f)) ++bad_values;
                if (std::abs(p - two(0, h, w, c)) > 1e-5f) ++differ;
                sum += p;
            }
            if (std::abs(sum - 1.0) > 1e-5) ++bad_sums;
        }
    CHECK(bad_values == 0);
    CHECK(bad_sums == 0);
    CHECK(differ == 0);
    // Glorot-initialised weights do not make every pixel the same: the map carries the image.
    CHECK(one(0, 0, 0, 0) != one(0, 112, 112, 0));
}
