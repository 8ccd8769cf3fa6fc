// The Softmax layer on the CPU: the softmax over the last axis that Activation<softmax> runs.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <type_traits>

#include <ctnn/layers/softmax.hpp>
#include <ctnn/runtime/kernels/reshape.hpp>
#include <ctnn/runtime/node_io.hpp>

namespace ctnn::detail {

template <class... O>
void forward(std::type_identity<Softmax<O...>>, const node_io& io) {
    activation(io.inputs[0], io.output, activation_kind::softmax, io.ws.threads());
}

}  // namespace ctnn::detail
