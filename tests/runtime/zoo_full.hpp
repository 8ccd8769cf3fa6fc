// What every full-size zoo model must do once on Glorot-random weights at 224×224: give a
// probability vector (each value in [0, 1], summing to 1), the same on 1 and on 2 threads. One
// test file per model, so that their long compilations run in parallel and each stays small.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/ctnn.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdio>

namespace zoo_full {

template <class M>
void check_classifier(M model) {
    static_assert(ctnn::expect_shape<M::input_shape, ctnn::shape<224, 224, 3>{}>);
    static_assert(ctnn::expect_shape<M::output_shape, ctnn::shape<1000>{}>);
    ctnn::network net{model, 7};
    ctnn::tensor<ctnn::shape<224, 224, 3>> image(1);
    for (std::size_t i = 0; i != image.size(); ++i) image.data()[i] = static_cast<float>((i * 7919) % 256) / 127.5f - 1.0f;

    const auto start = std::chrono::steady_clock::now();
    const auto two = net(image, {.threads = 2});
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    MESSAGE("forward at 224x224 on 2 threads: " << took.count() << " s");
    const auto one = net(image, {.threads = 1});

    std::size_t bad_values = 0, differ = 0;
    double sum = 0;
    for (int c = 0; c != 1000; ++c) {
        const float p = one.data()[c];
        if (!(p >= 0.0f && p <= 1.0f)) ++bad_values;
        if (!(std::abs(p - two.data()[c]) <= 1e-5f)) ++differ;
        sum += p;
    }
    CHECK(bad_values == 0);
    CHECK(std::abs(sum - 1.0) < 1e-4);
    CHECK(differ == 0);
}

}  // namespace zoo_full
