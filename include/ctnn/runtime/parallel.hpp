// Splitting one prediction's work across threads. Threads are started per parallel section:
// a section is a layer or a large part of one (milliseconds), so starting threads (tens of
// microseconds) costs well under 1% and needs no pool to manage.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace ctnn::detail {

/// Calls task(i, worker) for every i in [0, count), on up to `threads` threads; `worker` in
/// [0, threads) names the calling thread so that it can use its own scratch memory. Tasks are
/// taken dynamically, so uneven tasks balance out.
template <class Task>
void parallel_for(std::size_t count, int threads, Task&& task) {
    const auto workers = static_cast<std::size_t>(std::max(1, std::min<int>(threads, static_cast<int>(count))));
    if (workers <= 1) {
        for (std::size_t i = 0; i != count; ++i) task(i, 0);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::atomic<bool> failed{false};
    auto run = [&](std::size_t worker) {
        try {
            for (std::size_t i; (i = next.fetch_add(1)) < count && !failed.load();) task(i, static_cast<int>(worker));
        } catch (...) {
            if (!failed.exchange(true)) failure = std::current_exception();
        }
    };
    std::vector<std::jthread> pool;
    pool.reserve(workers - 1);
    for (std::size_t w = 1; w != workers; ++w) pool.emplace_back(run, w);
    run(0);
    pool.clear();  // joins
    if (failure) std::rethrow_exception(failure);
}

/// [begin, end) of part `i` of `parts` near-equal parts of [0, n).
inline std::pair<std::size_t, std::size_t> split(std::size_t n, std::size_t parts, std::size_t i) {
    return {n * i / parts, n * (i + 1) / parts};
}

}  // namespace ctnn::detail
