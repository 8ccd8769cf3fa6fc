// ELU on the CPU: x for x > 0, alpha·(eˣ − 1) otherwise (expm1, exact near 0).
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

#include <ctnn/layers/elu.hpp>
#include <ctnn/runtime/node_io.hpp>
#include <ctnn/runtime/tensor.hpp>

namespace ctnn::detail {

[[gnu::noinline]] inline void elu(tensor_view x, tensor_view y, float alpha) {
    const std::int64_t count = y.sample_size() * y.batch;
    for (std::int64_t i = 0; i != count; ++i) {
        const float v = x.data[i];
        y.data[i] = v > 0.0f ? v : alpha * std::expm1(v);
    }
}

template <class... O>
void forward(std::type_identity<ELU<O...>>, const node_io& io) {
    elu(io.inputs[0], io.output, ELU<O...>::alpha_value.as_float());
}

}  // namespace ctnn::detail
