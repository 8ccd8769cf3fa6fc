// Runs a model on a PyTorch oracle fixture (tests/oracle/make_*fixtures.py): loads its weights,
// runs its input on 1 and 3 threads, and compares with PyTorch's output within 1e-4 relative.
// Shared by the oracle test files; the fixtures, not this code, are the independent side.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <ctnn/ctnn.hpp>

namespace torch_fixture {

inline const std::string directory = std::string(CTNN_TEST_SOURCE_DIR) + "/fixtures/oracle/";

/// Checks `model` against the fixture `name` (<name>.weights.npz, <name>.io.npz with x and y in
/// Keras' batch shapes: (N, n), (N, W, C) or (N, H, W, C)).
template <class In, class Out, class Name>
void check_against_torch(ctnn::Model<In, Out, Name> model, const std::string& name) {
    using namespace ctnn;
    INFO("fixture " << name);
    network net{model};
    io::load_weights(net, directory + name + ".weights.npz");
    const io::npz_reader arrays(directory + name + ".io.npz");

    constexpr dims in = Model<In, Out, Name>::input_shape, out = Model<In, Out, Name>::output_shape;
    const auto x_shape = arrays.header("x").shape, y_shape = arrays.header("y").shape;
    REQUIRE(!x_shape.empty());
    const int batch = static_cast<int>(x_shape[0]);
    REQUIRE(x_shape == io::batch_shape(batch, in));
    REQUIRE(y_shape == io::batch_shape(batch, out));

    tensor<shape_of<in>> x(batch);
    arrays.read("x", {x.data(), x.size()});
    std::vector<float> want(static_cast<std::size_t>(batch) * static_cast<std::size_t>(out.size()));
    arrays.read("y", want);

    for (const int threads : {1, 3}) {
        CAPTURE(threads);
        const auto got = net(x, {.threads = threads});
        std::size_t bad = 0;
        float worst = 0.0f;
        for (std::size_t i = 0; i != want.size(); ++i) {
            const float error = std::abs(got.data()[i] - want[i]) / (1.0f + std::abs(want[i]));
            worst = std::max(worst, error);
            bad += !(error <= 1e-4f);
        }
        INFO("worst relative error " << worst);
        CHECK(bad == 0);
    }
}

/// A model of one layer on an input of shape `Shape`.
template <class Layer, class Shape>
auto one_layer() {
    auto x = ctnn::Input<Shape, ctnn::name<"x">>{}();
    return ctnn::Model{x, Layer{}(x)};
}

}  // namespace torch_fixture
