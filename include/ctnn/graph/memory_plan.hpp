// Activation memory planned at compile time from the static shapes: each intermediate node gets
// an offset in one arena, reused as soon as no later node reads it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include <ctnn/graph/model.hpp>

namespace ctnn {

template <class M, std::size_t N = M::layer_count>
struct memory_plan_result {
    /// Floats per sample before each node's output, in the arena (unused for the input and output
    /// nodes, which live in the caller's tensors).
    std::array<std::int64_t, N> offset{};
    /// Index of the last node that reads each node's output.
    std::array<std::size_t, N> last_use{};
    /// Arena size, in floats per sample.
    std::int64_t peak = 0;
};

namespace detail {
/// Rounded to 16 floats (64 bytes), so that every buffer starts on a cache line at any batch size.
constexpr std::int64_t aligned_floats_count(std::int64_t n) { return (n + 15) / 16 * 16; }

template <class M>
constexpr memory_plan_result<M> make_memory_plan() {
    constexpr std::size_t n = M::layer_count;
    memory_plan_result<M> plan{};
    for (std::size_t i = 0; i != n; ++i) plan.last_use[i] = i;
    for (std::size_t j = 0; j != n; ++j)
        for (std::size_t e = 0; e != M::layers[j].input_count; ++e) {
            const std::size_t i = M::edges[M::layers[j].first_input + e];
            plan.last_use[i] = j;
        }
    constexpr std::size_t input = M::input_index, output = n - 1;

    // First fit among the live buffers, kept sorted by offset.
    std::array<std::size_t, n> live{};
    std::size_t live_count = 0;
    for (std::size_t i = 0; i != n; ++i) {
        std::size_t kept = 0;
        for (std::size_t k = 0; k != live_count; ++k)
            if (plan.last_use[live[k]] >= i) live[kept++] = live[k];
        live_count = kept;
        if (i == input || i == output) continue;
        const std::int64_t size = aligned_floats_count(M::layers[i].output_shape.size());
        std::int64_t at = 0;
        std::size_t pos = 0;
        for (; pos != live_count; ++pos) {
            const std::size_t other = live[pos];
            if (plan.offset[other] - at >= size) break;
            at = plan.offset[other] + aligned_floats_count(M::layers[other].output_shape.size());
        }
        plan.offset[i] = at;
        for (std::size_t k = live_count; k != pos; --k) live[k] = live[k - 1];
        live[pos] = i;
        ++live_count;
        if (at + size > plan.peak) plan.peak = at + size;
    }
    return plan;
}
}  // namespace detail

/// The plan of model type `M`; `memory_plan<M>.peak * 4` bytes per sample is its peak
/// activation memory, besides its input and output tensors.
template <class M>
inline constexpr memory_plan_result<M> memory_plan = detail::make_memory_plan<M>();

}  // namespace ctnn
