// The layers that keep every value where it is in memory: Flatten and Reshape (only the shape
// changes; NHWC row-major order is Keras' order) and, at inference, Dropout, SpatialDropout2D and
// GaussianNoise. Each copies its input; the memory plan does not alias outputs to inputs yet.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include <ctnn/layers/dropout.hpp>
#include <ctnn/layers/flatten.hpp>
#include <ctnn/layers/reshape.hpp>
#include <ctnn/runtime/node_io.hpp>
#include <ctnn/runtime/tensor.hpp>

namespace ctnn::detail {

/// y = x, as many values as y holds (the same as x's).
[[gnu::noinline]] inline void copy_values(tensor_view x, tensor_view y) {
    const std::int64_t count = y.sample_size() * y.batch;
    if (x.data != y.data) std::copy(x.data, x.data + count, y.data);
}

template <class... O>
void forward(std::type_identity<Flatten<O...>>, const node_io& io) {
    copy_values(io.inputs[0], io.output);
}
template <class... O>
void forward(std::type_identity<Reshape<O...>>, const node_io& io) {
    copy_values(io.inputs[0], io.output);
}
template <class... O>
void forward(std::type_identity<Dropout<O...>>, const node_io& io) {
    copy_values(io.inputs[0], io.output);
}
template <class... O>
void forward(std::type_identity<SpatialDropout2D<O...>>, const node_io& io) {
    copy_values(io.inputs[0], io.output);
}
template <class... O>
void forward(std::type_identity<GaussianNoise<O...>>, const node_io& io) {
    copy_values(io.inputs[0], io.output);
}

}  // namespace ctnn::detail
