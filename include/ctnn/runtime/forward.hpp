// How each layer runs: the glue from a layer type to its kernel. The layer's hyper-parameters
// are constants; the shapes arrive as run-time values, so each kernel is compiled once.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <type_traits>

#include <ctnn/graph/nested.hpp>
// Every kernel header that ends with its layers' `forward` overloads (generated, so that adding
// a kernel edits no list).
#include <ctnn/runtime/kernels.hpp>
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
    else return &run_layer<kernel_layer_t<typename E::layer_type>>;
}

}  // namespace ctnn::detail
