// What one node of a running network reads and writes: the argument of every layer's `forward`.
// A header of its own so that a kernel header can end with its layer's `forward` glue.
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
