// What a layer's kernel is handed for one node: its inputs, its output, its weights, its scratch.
// Each kernel header ends with the `forward` overload that unpacks this for its layers, so that
// a layer's run-time story is in one file; runtime/forward.hpp gathers them.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <span>

#include <ctnn/runtime/tensor.hpp>
#include <ctnn/runtime/workspace.hpp>

namespace ctnn::detail {

/// What one node reads and writes.
struct node_io {
    std::span<const tensor_view> inputs;
    tensor_view output;
    /// The node's weight arrays, in the order its layer declares them.
    std::span<const float* const> weights;
    workspace& ws;
};

}  // namespace ctnn::detail
