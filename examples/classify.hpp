// The classify example's parts shared by its translation units: what a model run needs and
// gives, and the one function template every model's file instantiates (each model in a file of
// its own, so that the five long compilations run in parallel and each needs less memory).
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/ctnn.hpp>
#include <ctnn/io/weights.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace classify {

using image_tensor = ctnn::tensor<ctnn::shape<224, 224, 3>>;

struct request {
    std::optional<std::string> weights, save_weights;
    std::uint64_t seed = 42;
    int threads = 1;
};

struct result {
    std::int64_t params = 0;
    std::vector<float> probabilities;
    double seconds = 0;
};

/// Builds the network (loading weights or drawing Glorot-uniform ones), runs it on `x` and
/// saves its weights if asked.
template <class In, class Out, class Name>
result run(ctnn::Model<In, Out, Name> model, const request& r, const image_tensor& x) {
    using M = ctnn::Model<In, Out, Name>;
    static_assert(ctnn::expect_shape<M::input_shape, ctnn::shape<224, 224, 3>{}>);
    static_assert(ctnn::expect_shape<M::output_shape, ctnn::shape<1000>{}>);
    auto net = r.weights ? ctnn::io::load_network(model, *r.weights) : ctnn::network{model, r.seed};
    const auto start = std::chrono::steady_clock::now();
    const auto y = net(x, {.threads = r.threads});
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    if (r.save_weights) ctnn::io::save_weights(net, *r.save_weights);
    return {M::total_params, std::vector<float>(y.data(), y.data() + y.size()), took.count()};
}

// One per model, each defined in its own classify_<model>.cpp.
result run_vgg16(const request&, const image_tensor&);
result run_resnet50(const request&, const image_tensor&);
result run_resnet152(const request&, const image_tensor&);
result run_mobilenet_v2(const request&, const image_tensor&);
result run_densenet121(const request&, const image_tensor&);

}  // namespace classify
