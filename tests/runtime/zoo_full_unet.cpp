// The full-size 2015 U-Net (572×572×1 → 388×388×2) run once on Glorot-random weights: finite
// outputs, the same on 1 and 2 threads. (The full-size Keras Applications: zoo_full.cpp.)
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>
#include <ctnn/models/unet.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstddef>

TEST_CASE("the 2015 U-Net at 572x572 gives finite 388x388x2 maps, the same on 1 and 2 threads") {
    constexpr auto model = ctnn::models::UNet();
    static_assert(ctnn::expect_shape<decltype(model)::output_shape, ctnn::shape<388, 388, 2>{}>);
    ctnn::network net{model, 7};
    ctnn::tensor<ctnn::shape<572, 572, 1>> image(1);
    for (std::size_t i = 0; i != image.size(); ++i) image.data()[i] = static_cast<float>((i * 7919) % 256) / 255.0f;
    const auto start = std::chrono::steady_clock::now();
    const auto two = net(image, {.threads = 2});
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    MESSAGE("forward at 572x572 on 2 threads: " << took.count() << " s");
    const auto one = net(image, {.threads = 1});
    std::size_t bad = 0, differ = 0;
    for (std::size_t i = 0; i != one.size(); ++i) {
        bad += !std::isfinite(one.data()[i]);
        differ += !(std::abs(one.data()[i] - two.data()[i]) <= 1e-5f * (1.0f + std::abs(one.data()[i])));
    }
    CHECK(bad == 0);
    CHECK(differ == 0);
    CHECK(one.data()[0] != one.data()[one.size() / 2]);
}
