// Rescaling on the CPU: x·scale + offset, in float as Keras computes it.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cstdint>
#include <type_traits>

#include <ctnn/layers/rescaling.hpp>
#include <ctnn/runtime/node_io.hpp>
#include <ctnn/runtime/tensor.hpp>

namespace ctnn::detail {

[[gnu::noinline]] inline void rescale(tensor_view x, tensor_view y, float scale, float offset) {
    const std::int64_t count = y.sample_size() * y.batch;
    for (std::int64_t i = 0; i != count; ++i) y.data[i] = x.data[i] * scale + offset;
}

template <class... O>
void forward(std::type_identity<Rescaling<O...>>, const node_io& io) {
    rescale(io.inputs[0], io.output, Rescaling<O...>::factor.as_float(), Rescaling<O...>::shift.as_float());
}

}  // namespace ctnn::detail
