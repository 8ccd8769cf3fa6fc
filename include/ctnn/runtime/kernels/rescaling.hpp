// Rescaling on the CPU: x·scale + offset, in float as Keras computes it.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <type_traits>

#include <ctnn/layers/rescaling.hpp>
#include <ctnn/runtime/node_io.hpp>
#include <ctnn/runtime/tensor.hpp>

namespace ctnn::detail {

[[gnu::noinline]] inline void rescale(tensor_view x, tensor_view y, float scale, float offset) {
    const std::int64_t count = y.sample_size() * y.batch;
    for (std::int64_t i = 0; i != count; ++i) y.data[i] = x.data[i] * scale + offset;
}

/// Rescaling as a per-channel affine map, for folding (graph/folding.hpp): the same on each channel.
template <class... O>
void scale_shift(std::type_identity<Rescaling<O...>>, std::span<const float* const>, int channels, float* scale, float* shift) {
    std::fill(scale, scale + channels, Rescaling<O...>::factor.as_float());
    std::fill(shift, shift + channels, Rescaling<O...>::shift.as_float());
}

template <class... O>
void forward(std::type_identity<Rescaling<O...>>, const node_io& io) {
    rescale(io.inputs[0], io.output, Rescaling<O...>::factor.as_float(), Rescaling<O...>::shift.as_float());
}

}  // namespace ctnn::detail
