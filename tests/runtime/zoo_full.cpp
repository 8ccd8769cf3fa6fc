// The full-size Keras Applications (224×224, 1000 classes) each run once on Glorot-random
// weights: a probability vector (each value in [0, 1], summing to 1), the same on 1 and on 2
// threads. The networks are the classify example's (examples/classify_<model>.cpp), linked in
// rather than instantiated again: a full model is up to a minute of compiling (ResNet152 with
// GCC 12), and the suite paid it twice per build when this file had its own.
// SPDX-License-Identifier: BSL-1.0
#include "classify.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>

namespace {
using run_function = classify::result (*)(const classify::request&, const classify::image_tensor&);

void check_classifier(run_function run) {
    classify::image_tensor image(1);
    for (std::size_t i = 0; i != image.size(); ++i) image.data()[i] = static_cast<float>((i * 7919) % 256) / 127.5f - 1.0f;
    classify::request r;
    r.seed = 7;
    r.threads = 2;
    const classify::result two = run(r, image);
    MESSAGE("forward at 224x224 on 2 threads: " << two.seconds << " s");
    r.threads = 1;
    const classify::result one = run(r, image);

    REQUIRE(one.probabilities.size() == 1000);
    REQUIRE(two.probabilities.size() == 1000);
    std::size_t bad_values = 0, differ = 0;
    double sum = 0;
    for (std::size_t c = 0; c != 1000; ++c) {
        const float p = one.probabilities[c];
        if (!(p >= 0.0f && p <= 1.0f)) ++bad_values;
        if (!(std::abs(p - two.probabilities[c]) <= 1e-5f)) ++differ;
        sum += p;
    }
    CHECK(bad_values == 0);
    CHECK(std::abs(sum - 1.0) < 1e-4);
    CHECK(differ == 0);
}
}  // namespace

TEST_CASE("VGG16 at 224x224 gives a probability vector, the same on 1 and 2 threads") { check_classifier(classify::run_vgg16); }
TEST_CASE("ResNet50 at 224x224 gives a probability vector, the same on 1 and 2 threads") { check_classifier(classify::run_resnet50); }
TEST_CASE("ResNet152 at 224x224 gives a probability vector, the same on 1 and 2 threads") { check_classifier(classify::run_resnet152); }
TEST_CASE("MobileNetV2 at 224x224 gives a probability vector, the same on 1 and 2 threads") {
    check_classifier(classify::run_mobilenet_v2);
}
TEST_CASE("DenseNet121 at 224x224 gives a probability vector, the same on 1 and 2 threads") {
    check_classifier(classify::run_densenet121);
}
