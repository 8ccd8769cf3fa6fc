// What a layer's kernel is handed for one node: its inputs, its output, its weights, its scratch.
// Each kernel header ends with the `forward` overload that unpacks this for its layers, so that
// a layer's run-time story is in one file; runtime/forward.hpp gathers them.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <ctnn/options.hpp>
#include <ctnn/runtime/kernels/activation.hpp>
#include <ctnn/runtime/tensor.hpp>
#include <ctnn/runtime/workspace.hpp>

namespace ctnn::detail {

struct node_io;
/// A row producer's run-time half (graph/folding.hpp's producer): computes rows [row, row + rows)
/// of sample `sample` of the layer's output, channels [c0, c1) (c0 a multiple of
/// tile_gemm::width), into `out`, pixel after pixel `ld` floats apart, for the node `io`
/// describes, whose `output` names the shape and no memory.
using row_kernel = void (*)(const node_io& io, int sample, int row, int rows, int c0, int c1, float* out, std::int64_t ld);

/// What one node reads and writes.
struct node_io {
    std::span<const tensor_view> inputs;
    tensor_view output;
    /// The node's weight arrays, in the order its layer declares them.
    std::span<const float* const> weights;
    workspace& ws;
    /// Where a BatchNormalization was folded into this node (graph/folding.hpp), the folded
    /// shift: it replaces the layer's own bias, or is added where the layer declares none. (The
    /// folded kernel stands in `weights` in place of the layer's own.)
    const float* folded_bias = nullptr;
    /// The form `weights[0]` is kept in (kernels/conv2d.hpp's prepared_kernel): 0 Keras'
    /// layout, 1 packed for the GEMM micro-kernel, 2 or 4 Winograd-transformed for that tile.
    int kernel_form = 0;
    /// Where an activation layer was folded into this node (graph/folding.hpp), its function: the
    /// kernel applies it in place of the layer's own, which is then linear.
    activation_kind folded_activation = activation_kind::linear;
    /// Where a ZeroPadding2D before this node was folded into it (graph/folding.hpp), its
    /// margins: `inputs[0]` is the padding's input, to be read as if surrounded by these zeros.
    margins input_padding{};
    /// Activation memory no live tensor holds while this node runs (graph/memory_plan.hpp's
    /// `spare`), for kernels that can use more scratch than the workspace's bounded share.
    std::span<float> spare{};
    /// Where an Add after this node was folded into it (graph/folding.hpp), its other input: the
    /// kernel adds it, before the activation, and writes the sum (`data` null if none).
    tensor_view residual{};
    /// Where a BatchNormalization before this node folded into it (graph/folding.hpp's
    /// input_affine), its scale and shift and the activation folded into it: the kernel applies
    /// them to `inputs[0]`, the BatchNormalization's input, as it reads it (`scale` null if none).
    channel_map input_map{};
    /// Where a BatchNormalization or Rescaling after this node's activation folded into it
    /// (graph/folding.hpp's output_affine), its scale and shift: the kernel maps its output by
    /// them after the activation (`scale` null if none).
    channel_map output_map{};
    /// Where a row producer before this node folded into it (graph/folding.hpp's producer): what
    /// that layer would run with, and its function computing a band of its rows; `inputs[0]` is then
    /// that layer's input (`producer` null if none).
    const node_io* producer = nullptr;
    row_kernel produce_rows = nullptr;

    /// The bias a layer adds: the folded one if any, else its weight `index` if it has a bias.
    const float* bias(bool declared, std::size_t index) const {
        return folded_bias != nullptr ? folded_bias : declared ? weights[index] : nullptr;
    }
    /// The activation a layer applies: the folded one if any, else its own.
    activation_kind activation(activation_kind own) const {
        return folded_activation != activation_kind::linear ? folded_activation : own;
    }
};

}  // namespace ctnn::detail
