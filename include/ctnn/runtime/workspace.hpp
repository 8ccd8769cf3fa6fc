// Execution context of one prediction: thread count, batch order and bounded per-thread scratch
// memory.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

#include <ctnn/runtime/tensor.hpp>

namespace ctnn {

/// How a batch of several samples goes through the model (the results are the same).
enum class batch_order {
    /// Each part of the model in the order that suits it, chosen from the model's maps and
    /// weights (graph/batch_schedule.hpp): by sample where its maps outweigh its weights, by layer
    /// where its weights do (ResNet50: by sample up to its stage 4, by layer from there).
    automatic,
    /// Each layer over the whole batch before the next layer.
    by_layer,
    /// The whole model over one sample before the next, and on several threads, one sample per
    /// thread at a time.
    by_sample,
};

/// How a prediction runs.
struct run_options {
    /// Threads one prediction uses (≥ 1); defaults to every core.
    int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    /// When set, receives each layer's run time in seconds, in the order of Model::layers (the
    /// input layer's is 0), summed over the batch's samples. For benchmarks; costs two clock
    /// reads per layer, and runs a batch taken by sample one sample at a time.
    std::vector<double>* layer_seconds = nullptr;
    batch_order order = batch_order::automatic;
};

namespace detail {

/// Scratch memory for the kernels, per thread. Kernels tile their work (im2col rows, gathered
/// taps) to fit `budget` floats, so no layer needs more, however large its maps: the naive
/// im2col of FCN-8's block1_conv2 alone would be 115 MB.
class workspace {
public:
    static constexpr std::size_t budget = std::size_t{1} << 18;  // floats per thread (1 MiB)

    explicit workspace(int threads) : threads_(std::max(1, threads)), scratch_(static_cast<std::size_t>(threads_)) {}

    int threads() const { return threads_; }

    /// At least `n` floats for `worker`, kept for reuse. `n` exceeds the budget only when a
    /// single row of work does (e.g. one im2col row of a huge kernel).
    float* scratch(int worker, std::size_t n) {
        auto& s = scratch_[static_cast<std::size_t>(worker)];
        if (s.size < n) s = aligned_floats(std::max(n, budget));
        return s.data.get();
    }

private:
    int threads_;
    std::vector<aligned_floats> scratch_;
};

}  // namespace detail
}  // namespace ctnn
