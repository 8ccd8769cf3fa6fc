// Activation memory planned at compile time from the static shapes: each intermediate node gets
// an offset in one arena, reused as soon as no later node reads it. While a node runs, the part
// of the arena no live tensor holds is lent to its kernel as scratch (`spare`): the arena is
// sized for the widest moment of the model (FCN-8's block 1), so deeper layers find most of it
// free, and a kernel that wants more than the workspace's bounded scratch (a Winograd layer
// that transforms its kernel as it runs) uses it without adding to peak memory.
//
// A node folded into the layer before it (graph/folding.hpp) is skipped at run time: that layer
// writes straight into the buffer of the last node folded into it, which is therefore placed
// when that layer runs. A zero padding folded into the layer after it has no buffer: that layer
// reads the padding's input, which therefore lives until then. An Add folded into the convolution
// before it is such a node: the sum's buffer is placed when the convolution runs, while the Add's
// other input, which the convolution reads, is still live, so the two never share memory.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include <ctnn/graph/folding.hpp>
#include <ctnn/graph/model.hpp>

namespace ctnn {

template <class M, std::size_t N = M::layer_count>
struct memory_plan_result {
    /// Floats per sample before each node's output, in the arena (unused for the model's inputs
    /// and outputs, which live in the caller's tensors).
    std::array<std::int64_t, N> offset{};
    /// Index of the last node that reads each node's output.
    std::array<std::size_t, N> last_use{};
    /// Arena size, in floats per sample.
    std::int64_t peak = 0;
    /// Per node, the largest run of the arena that no tensor live while it runs holds (floats
    /// per sample, from `spare_offset`): scratch its kernel may use (runtime/node_io.hpp).
    std::array<std::int64_t, N> spare_offset{};
    std::array<std::int64_t, N> spare_size{};
};

namespace detail {
/// Rounded to 16 floats (64 bytes), so that every buffer starts on a cache line at any batch size.
constexpr std::int64_t aligned_floats_count(std::int64_t n) { return (n + 15) / 16 * 16; }

/// The plan so far, and the buffers live at that point, sorted by offset.
template <class M, std::size_t N = M::layer_count>
struct plan_state {
    memory_plan_result<M> plan{};
    std::array<std::size_t, N> live{};
    std::size_t live_count = 0;
    /// Per node, the end of the highest buffer live while it runs: the arena above it is free
    /// too, up to the peak known only at the end.
    std::array<std::int64_t, N> top{};
};

template <class M>
constexpr plan_state<M> start_plan() {
    constexpr std::size_t n = M::layer_count;
    plan_state<M> state{};
    for (std::size_t i = 0; i != n; ++i) state.plan.last_use[i] = i;
    // A node that reads a folded zero padding reads the padding's input.
    constexpr auto& fold = folding<M>;
    for (std::size_t j = 0; j != n; ++j)
        for (std::size_t e = 0; e != M::layers[j].input_count; ++e) {
            const std::size_t i = M::edges[M::layers[j].first_input + e];
            state.plan.last_use[i] = state.plan.last_use[fold.reads[i]] = j;
        }
    return state;
}

/// Places the outputs of nodes [first, last): first fit among the live buffers.
template <class M>
constexpr plan_state<M> place(plan_state<M> state, std::size_t first, std::size_t last) {
    auto& plan = state.plan;
    auto& live = state.live;
    for (std::size_t i = first; i != last; ++i) {
        std::size_t kept = 0;
        for (std::size_t k = 0; k != state.live_count; ++k)
            if (plan.last_use[live[k]] >= i) live[kept++] = live[k];
        state.live_count = kept;
        // A folded node's buffer was placed with the layer that writes it; that layer's own is
        // the last folded node's (in the caller's tensor if that node is a model output).
        constexpr auto& fold = folding<M>;
        const std::size_t target = fold.writes[i];
        if (!M::external[i] && fold.folded_into[i] == fold.none && !M::external[target]) {
            const std::int64_t size = aligned_floats_count(M::layers[target].output_shape.size());
            std::int64_t at = 0;
            std::size_t pos = 0;
            for (; pos != state.live_count; ++pos) {
                const std::size_t other = live[pos];
                if (plan.offset[other] - at >= size) break;
                at = plan.offset[other] + aligned_floats_count(M::layers[other].output_shape.size());
            }
            plan.offset[target] = plan.offset[i] = at;
            for (std::size_t k = state.live_count; k != pos; --k) live[k] = live[k - 1];
            live[pos] = target;
            ++state.live_count;
            if (at + size > plan.peak) plan.peak = at + size;
        }
        // The free runs between the buffers live now; the one above them is settled at the end.
        std::int64_t end = 0;
        for (std::size_t k = 0; k != state.live_count; ++k) {
            const std::size_t other = live[k];
            if (plan.offset[other] - end > plan.spare_size[i]) plan.spare_size[i] = plan.offset[other] - end, plan.spare_offset[i] = end;
            end = plan.offset[other] + aligned_floats_count(M::layers[other].output_shape.size());
        }
        state.top[i] = end;
    }
    return state;
}

// The plan is made 64 nodes at a time, each chunk a constant evaluation of its own that goes on
// from the last: a compiler limits the steps of one evaluation (Clang to a million), and a
// U-Net keeps a hundred skip buffers live across a thousand layers.
inline constexpr std::size_t plan_chunk_size = 64;
template <class M, std::size_t Chunk>
inline constexpr plan_state<M> plan_until = place<M>(plan_until<M, Chunk - 1>, (Chunk - 1) * plan_chunk_size,
                                                     std::min(Chunk * plan_chunk_size, M::layer_count));
template <class M>
inline constexpr plan_state<M> plan_until<M, 0> = start_plan<M>();

template <class M>
constexpr memory_plan_result<M> make_memory_plan() {
    constexpr std::size_t chunks = (M::layer_count + plan_chunk_size - 1) / plan_chunk_size;
    constexpr auto& state = plan_until<M, chunks>;
    memory_plan_result<M> plan = state.plan;
    for (std::size_t i = 0; i != M::layer_count; ++i)
        if (plan.peak - state.top[i] > plan.spare_size[i]) plan.spare_size[i] = plan.peak - state.top[i], plan.spare_offset[i] = state.top[i];
    return plan;
}
}  // namespace detail

/// The plan of model type `M`; `memory_plan<M>.peak * 4` bytes per sample is its peak
/// activation memory, besides its input and output tensors.
template <class M>
inline constexpr memory_plan_result<M> memory_plan = detail::make_memory_plan<M>();

}  // namespace ctnn
