// How each layer runs: the glue from a layer type to its kernel. The layer's hyper-parameters
// are constants; the shapes arrive as run-time values, so each kernel is compiled once.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cstdint>
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

/// The row function of a node whose layer produces rows (graph/folding.hpp), else none.
template <class L>
void run_layer_row(const node_io& io, int sample, int row, int rows, int c0, int c1, float* out, std::int64_t ld) {
    forward_rows(std::type_identity<L>{}, io, sample, row, rows, c0, c1, out, ld);
}
template <class E>
constexpr row_kernel row_kernel_of() {
    using L = kernel_layer_t<typename E::layer_type>;
    if constexpr (E::input_count == 0) return nullptr;
    else if constexpr (requires(const node_io& io, float* out) { forward_rows(std::type_identity<L>{}, io, 0, 0, 0, 0, 0, out, 0); })
        return &run_layer_row<L>;
    else return nullptr;
}

}  // namespace ctnn::detail
