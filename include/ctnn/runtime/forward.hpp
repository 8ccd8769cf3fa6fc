// How each layer runs: the glue from a layer type to its kernel. The layer's hyper-parameters
// are constants; the shapes arrive as run-time values, so each kernel is compiled once.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <type_traits>

// One line per kernel header; each ends with the `forward` overloads of its layers.
#include <ctnn/runtime/kernels/batch_normalization.hpp>
#include <ctnn/runtime/kernels/conv2d.hpp>
#include <ctnn/runtime/kernels/conv2d_transpose.hpp>
#include <ctnn/runtime/kernels/dense.hpp>
#include <ctnn/runtime/kernels/depthwise_conv2d.hpp>
#include <ctnn/runtime/kernels/elu.hpp>
#include <ctnn/runtime/kernels/global_pooling.hpp>
#include <ctnn/runtime/kernels/identity.hpp>
#include <ctnn/runtime/kernels/merge.hpp>
#include <ctnn/runtime/kernels/pooling.hpp>
#include <ctnn/runtime/kernels/prelu.hpp>
#include <ctnn/runtime/kernels/relu.hpp>
#include <ctnn/runtime/kernels/rescaling.hpp>
#include <ctnn/runtime/kernels/reshape.hpp>
#include <ctnn/runtime/kernels/softmax.hpp>
#include <ctnn/runtime/kernels/winograd.hpp>
#include <ctnn/runtime/node_io.hpp>

namespace ctnn::detail {

/// What the executor calls for a node of layer type `L`.
using layer_kernel = void (*)(const node_io&);
template <class L>
void run_layer(const node_io& io) {
    forward(std::type_identity<L>{}, io);
}
/// The kernel of a node; none for an Input, whose values the caller provides.
template <class E>
constexpr layer_kernel kernel_of() {
    if constexpr (E::input_count == 0) return nullptr;
    else return &run_layer<typename E::layer_type>;
}

}  // namespace ctnn::detail
