// How a batch of several samples goes through a model, decided from the model's type: each layer
// over the whole batch, the layers one sample at a time, or each where it is cheaper.
//
// Layer by layer, a layer reads its weights once for the whole batch, but works in maps as large
// as the batch: at batch 8, ResNet50's 56×56×256 maps are 26 MB each and leave the caches
// between one layer and the next. Sample by sample, a sample's maps stay in cache, and on several
// threads each thread runs samples of its own and waits for no other at every layer; but each
// layer reads its weights once per sample. Which costs more differs along a model: its first
// layers have large maps and small kernels, its last small maps and large kernels (ResNet50's
// stage 5: 7×7 maps, 9.4 MB kernels; VGG16's fc1: 411 MB of weights, read 8 times by sample).
//
// So each layer that runs (not an input, not folded into another: graph/folding.hpp) is given the
// order that reads less: by sample when its maps (inputs and output, per sample) outweigh its
// weights, else by layer; and since every change of order is a point where the threads meet, the
// nodes are cut into segments of one order each by a dynamic programme that charges
// `batch_switch_cost` floats for each change. The network (runtime/network.hpp) runs segment after
// segment: a by-layer segment over the whole batch on all threads, a by-sample segment for each
// sample, on the threads' own samples.
//
// Where each node's output lives follows (`batch_storage`): a map written in a by-layer segment
// lies in the batch's arena, which only by-layer segments write, so by-sample ones may read it;
// a map written and read within one by-sample segment lies in the arena of the thread running
// the sample; a map written in a by-sample segment and read after it (the skip of a U-Net across
// its by-layer bottom) is handed over in memory of its own, where each sample has its slice. (Not
// in the batch's arena: threads running different samples are at different layers, and there one
// sample's slice of a map would overlap another's slice of a map placed at the same offset.)
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include <ctnn/graph/folding.hpp>
#include <ctnn/graph/memory_plan.hpp>
#include <ctnn/graph/model.hpp>

namespace ctnn {

/// Where a node's output lives while a batch runs (see above).
enum class batch_storage : unsigned char { batch, sample, handoff };

/// What a change of order costs, in floats read: the threads meet, and a sample segment's first
/// layers find the caches holding another segment's maps. (Charged against maps and weights per
/// sample: 1 MiB.)
inline constexpr std::int64_t batch_switch_cost = std::int64_t{1} << 18;

template <std::size_t N>
struct batch_schedule_result {
    /// Segment s is nodes [start[s], start[s + 1]), run by sample if `by_sample[s]`.
    std::array<std::size_t, N + 1> start{};
    std::array<bool, N> by_sample{};
    std::size_t count = 0;
    /// Per node whose buffer holds an output (folding_result::writes), where it lives.
    std::array<batch_storage, N> storage{};
    /// Per handed-over node, its place in the handoff memory (floats per sample), and that
    /// memory's size.
    std::array<std::int64_t, N> handoff_offset{};
    std::int64_t handoff_floats = 0;
    bool any_batch = false;
    bool any_sample = false;
};

namespace detail {
/// Whether node i runs a kernel of its own: not an input, not folded into another node.
template <class M>
constexpr bool runs(std::size_t i) {
    return M::layers[i].input_count != 0 && folding<M>.folded_into[i] == folding<M>.none;
}

/// Calls read(reader, buffer) for each buffer (a node whose buffer holds an output:
/// folding_result::writes) that each running node reads, its residual included.
template <class M, class Read>
constexpr void for_each_read(Read&& read) {
    constexpr auto& fold = folding<M>;
    for (std::size_t j = 0; j != M::layer_count; ++j) {
        if (!runs<M>(j)) continue;
        for (std::size_t e = 0; e != M::layers[j].input_count; ++e)
            read(j, fold.writes[fold.reads[M::edges[M::layers[j].first_input + e]]]);
        if (fold.residual[j] != fold.none) read(j, fold.writes[fold.reads[fold.residual[j]]]);
    }
}
/// Per buffer, the running node that writes it (itself if none does: an input).
template <class M>
constexpr std::array<std::size_t, M::layer_count> writers() {
    std::array<std::size_t, M::layer_count> writer{};
    for (std::size_t i = 0; i != M::layer_count; ++i) writer[i] = i;
    for (std::size_t i = 0; i != M::layer_count; ++i)
        if (runs<M>(i)) writer[folding<M>.writes[i]] = i;
    return writer;
}

/// The schedule that runs each node in the order `sample_order` gives it (true: by sample; the
/// orders of nodes that do not run are ignored).
template <class M>
constexpr batch_schedule_result<M::layer_count> schedule_from(const std::array<bool, M::layer_count>& sample_order) {
    constexpr std::size_t n = M::layer_count;
    constexpr auto& fold = folding<M>;
    batch_schedule_result<n> s{};
    // Segments: a node that does not run stays with the segment before it.
    std::array<std::size_t, n> segment{};
    bool current = false, started = false;
    for (std::size_t i = 0; i != n; ++i) {
        if (runs<M>(i) && (!started || sample_order[i] != current)) {
            if (started) s.start[++s.count] = i;
            current = sample_order[i], started = true;
            s.by_sample[s.count] = current;
        }
        segment[i] = s.count;
    }
    s.start[++s.count] = n;
    // Where each buffer lives: written by a node of a by-layer segment, in the batch's arena;
    // else in the sample's, unless read from another segment.
    for (std::size_t i = 0; i != n; ++i) {
        if (!runs<M>(i)) continue;
        const bool by_sample = s.by_sample[segment[i]];
        s.storage[fold.writes[i]] = by_sample ? batch_storage::sample : batch_storage::batch;
        (by_sample ? s.any_sample : s.any_batch) = true;
    }
    const auto writer = writers<M>();
    for_each_read<M>([&](std::size_t reader, std::size_t buffer) {
        if (s.storage[buffer] == batch_storage::sample && segment[writer[buffer]] != segment[reader])
            s.storage[buffer] = batch_storage::handoff;
    });
    for (std::size_t i = 0; i != n; ++i)
        if (s.storage[i] == batch_storage::handoff) {
            s.handoff_offset[i] = s.handoff_floats;
            s.handoff_floats += aligned_floats_count(M::layers[i].output_shape.size());
        }
    return s;
}

/// Each running node's order by the rule above: the segmentation of least cost, where a node
/// costs its weights by sample and its maps by layer, and each change of order
/// batch_switch_cost.
template <class M>
constexpr std::array<bool, M::layer_count> cheaper_orders() {
    constexpr std::size_t n = M::layer_count;
    constexpr auto& fold = folding<M>;
    // crossing[i]: the maps written before node i and read from it on, which a change of order
    // before i hands over through memory (a U-Net's skips, across its by-layer bottom, would be
    // kept for the whole batch).
    std::array<std::int64_t, n + 1> crossing{};
    {
        const auto writer = writers<M>();
        std::array<std::size_t, n> last_read{};
        for (std::size_t i = 0; i != n; ++i) last_read[i] = i;
        for_each_read<M>([&](std::size_t reader, std::size_t buffer) { last_read[buffer] = std::max(last_read[buffer], reader); });
        for (std::size_t b = 0; b != n; ++b)
            if (!M::external[b] && last_read[b] > writer[b] && runs<M>(writer[b])) {
                crossing[writer[b] + 1] += M::layers[b].output_shape.size();
                crossing[last_read[b] + 1] -= M::layers[b].output_shape.size();
            }
        for (std::size_t i = 1; i != n + 1; ++i) crossing[i] += crossing[i - 1];
    }
    // cost[k]: least cost of the nodes so far, the last in order k (0: by layer, 1: by sample);
    // from[i][k]: whether the running node before i is by sample on that path.
    std::array<std::int64_t, 2> cost{};
    std::array<std::array<bool, 2>, n> from{};
    std::size_t last = n;
    for (std::size_t i = 0; i != n; ++i) {
        if (!runs<M>(i)) continue;
        std::int64_t maps = M::layers[fold.writes[i]].output_shape.size();
        for (std::size_t e = 0; e != M::layers[i].input_count; ++e)
            maps += M::layers[fold.reads[M::edges[M::layers[i].first_input + e]]].output_shape.size();
        const std::int64_t weights = M::layers[i].params;
        const std::array<std::int64_t, 2> own{maps, weights};
        std::array<std::int64_t, 2> next{};
        for (int k = 0; k != 2; ++k) {
            const std::int64_t stay = cost[static_cast<std::size_t>(k)];
            const std::int64_t change = cost[static_cast<std::size_t>(1 - k)] + batch_switch_cost + crossing[i];
            from[i][static_cast<std::size_t>(k)] = last == n ? k == 1 : (stay <= change ? k == 1 : k == 0);
            next[static_cast<std::size_t>(k)] = (last == n ? 0 : std::min(stay, change)) + own[static_cast<std::size_t>(k)];
        }
        cost = next, last = i;
    }
    std::array<bool, n> order{};
    bool k = cost[1] < cost[0];
    for (std::size_t i = n; i-- != 0;)
        if (runs<M>(i)) order[i] = k, k = from[i][k ? 1 : 0];
    return order;
}
template <std::size_t N>
constexpr std::array<bool, N> all_orders(bool by_sample) {
    std::array<bool, N> order{};
    order.fill(by_sample);
    return order;
}
}  // namespace detail

/// The three schedules of model type `M`: every layer over the whole batch, the whole model one
/// sample at a time, and each node in the order that costs it less (batch_order::automatic).
template <class M>
inline constexpr batch_schedule_result<M::layer_count> batch_schedule_by_layer =
    detail::schedule_from<M>(detail::all_orders<M::layer_count>(false));
template <class M>
inline constexpr batch_schedule_result<M::layer_count> batch_schedule_by_sample =
    detail::schedule_from<M>(detail::all_orders<M::layer_count>(true));
template <class M>
inline constexpr batch_schedule_result<M::layer_count> batch_schedule_mixed = detail::schedule_from<M>(detail::cheaper_orders<M>());

}  // namespace ctnn
