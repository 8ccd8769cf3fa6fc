// Splitting one prediction's work across threads. A prediction runs hundreds of parallel
// sections, some of a few microseconds (MobileNetV2's late layers), so threads are kept between
// sections: starting and joining them for each section (tens of microseconds) made 2 threads
// slower than 1 on small models. Each thread that calls parallel_for owns its own workers, so
// predictions running at once on different threads never wait for each other.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include <ctnn/runtime/float_mode.hpp>

namespace ctnn::detail {

/// Worker threads kept by one calling thread. A section is published by bumping `generation_`;
/// a worker takes part only if it joins the section before the owner closes it, and the owner
/// waits for those that joined, not for the others. So a worker that cannot run at the moment
/// (its core busy with the owner itself, as a VM's scheduler sometimes leaves them for the whole
/// run) costs the owner nothing: the owner takes the section's tasks itself and goes on. Waiting
/// for every worker's acknowledgement, as before, made such a section cost ~100 µs more than its
/// work (the owner spun until it yielded, then the worker until it did): on a 2-core Xeon VM, a
/// 49 × 1152 × 32 product run back to back (22 µs on one thread) took 127 µs on two in 8 of 20
/// processes, 14 in the others; now 10-14 µs, or 15-24 where the owner does it all.
class thread_pool {
public:
    thread_pool() = default;
    thread_pool(const thread_pool&) = delete;
    thread_pool& operator=(const thread_pool&) = delete;
    ~thread_pool() {
        stopping_ = true;
        generation_.fetch_add(1, std::memory_order_release);
        generation_.notify_all();
        for (auto& t : threads_) t.join();
    }

    /// Calls body(w) for w in [0, width): 0 on the calling thread, the others on the workers that
    /// join in time, in the calling thread's floating-point mode. So `body` must take any work
    /// left by a w that never comes (parallel_for's tasks are taken dynamically). Returns when
    /// every call made has returned. `body` must not throw. A body that calls run again on the
    /// same thread (a nested section) gets its section run serially.
    template <class Body>
    void run(int width, Body& body) {
        if (width <= 1 || busy_) {
            body(0);
            return;
        }
        grow(static_cast<std::size_t>(width - 1));
        busy_ = true;
        call_ = [](void* b, int w) { (*static_cast<Body*>(b))(w); };
        body_ = &body;
        width_ = width;
        mode_ = float_mode();
        const std::uint32_t generation = generation_.load(std::memory_order_relaxed) + 1;
        done_.store(0, std::memory_order_relaxed);
        // The section's description above is published by this release, and read by a worker
        // only once its join (an acquire on the same word) succeeded.
        joined_.store(std::uint64_t{generation} << 32, std::memory_order_release);
        generation_.store(generation, std::memory_order_release);
        generation_.notify_all();
        body(0);
        // Closed: no worker joins from here on; wait for those that did.
        const auto joined = static_cast<std::uint32_t>(joined_.fetch_or(closed, std::memory_order_acq_rel) & count_mask);
        if (joined != 0) wait_until(done_, joined);
        busy_ = false;
    }

private:
    /// How long a waiting thread stays awake before it sleeps: longer than the serial gaps
    /// between one layer's sections and the next's (a sleeping worker took ~100 µs to wake on
    /// this VM, and with a 100 µs spin ResNet50 spent 5 ms of 25 waking workers on 2 threads),
    /// far shorter than anything a person would notice. After `pause_time` it yields at each
    /// check, so that other threads with work (other predictions) get the core meanwhile.
    static constexpr auto spin_time = std::chrono::microseconds(2000);
    static constexpr auto pause_time = std::chrono::microseconds(50);
    /// `joined_`: the section's generation in the high 32 bits, `closed` once the owner has
    /// finished its own share, and in the low bits the count of workers that joined.
    static constexpr std::uint64_t closed = std::uint64_t{1} << 31;
    static constexpr std::uint64_t count_mask = closed - 1;

    static void pause() {
#if defined(__x86_64__) || defined(__i386__)
        _mm_pause();
#endif
    }
    /// One step of waiting, `spins` checks and the time since `start` into it: false once the
    /// thread should sleep.
    static bool keep_spinning(unsigned spins, std::chrono::steady_clock::time_point start) {
        if (spins % 64 != 63) {
            pause();
            return true;
        }
        const auto waited = std::chrono::steady_clock::now() - start;
        if (waited > spin_time) return false;
        if (waited > pause_time) std::this_thread::yield();
        return true;
    }
    /// Waits until `flag` holds `target`: spins, then sleeps (a futex on Linux) until the
    /// flag changes.
    static void wait_until(std::atomic<std::uint32_t>& flag, std::uint32_t target) {
        const auto start = std::chrono::steady_clock::now();
        for (unsigned spins = 0;; ++spins) {
            const std::uint32_t now = flag.load(std::memory_order_acquire);
            if (now == target) return;
            if (!keep_spinning(spins, start)) flag.wait(now, std::memory_order_acquire);
        }
    }

    void grow(std::size_t workers) {
        while (threads_.size() < workers) {
            const int index = static_cast<int>(threads_.size()) + 1;
            threads_.emplace_back([this, index, seen = generation_.load(std::memory_order_relaxed)] { work(index, seen); });
        }
    }

    /// Joins section `generation` unless the owner has closed it (or moved on to a later one).
    bool join(std::uint32_t generation) {
        std::uint64_t state = joined_.load(std::memory_order_relaxed);
        for (;;) {
            if (state >> 32 != generation || (state & closed) != 0) return false;
            if (joined_.compare_exchange_weak(state, state + 1, std::memory_order_acquire, std::memory_order_relaxed)) return true;
        }
    }

    void work(int index, std::uint32_t seen) {
        for (;;) {
            const auto start = std::chrono::steady_clock::now();
            std::uint32_t now;
            for (unsigned spins = 0; (now = generation_.load(std::memory_order_acquire)) == seen; ++spins)
                if (!keep_spinning(spins, start)) generation_.wait(seen, std::memory_order_acquire);
            seen = now;
            if (stopping_) return;
            if (!join(now)) continue;
            if (index < width_) {
                set_float_mode(mode_);  // the owner's: a prediction's flushes denormals (float_mode.hpp)
                call_(body_, index);
            }
            done_.fetch_add(1, std::memory_order_release);
            done_.notify_one();
        }
    }

    std::vector<std::thread> threads_;
    std::atomic<std::uint32_t> generation_{0};
    std::atomic<std::uint64_t> joined_{0};
    std::atomic<std::uint32_t> done_{0};
    // The section: written by the owner before it is published, read by workers that joined, and
    // not written again before each of those has counted itself into `done_`.
    void (*call_)(void*, int) = nullptr;
    void* body_ = nullptr;
    int width_ = 0;
    std::uint32_t mode_ = 0;  // the owner's floating-point mode
    std::atomic<bool> stopping_{false};
    bool busy_ = false;  // the owner is inside run (only the owner reads or writes it)
};

/// The calling thread's workers, started when it first needs them and joined when it ends.
inline thread_pool& local_thread_pool() {
    static thread_local thread_pool pool;
    return pool;
}

/// Calls task(i, worker) for every i in [0, count), on up to `threads` threads; `worker` in
/// [0, threads) names the calling thread so that it can use its own scratch memory. Tasks are
/// taken dynamically, so uneven tasks balance out. The first exception a task throws is
/// rethrown here, after the others have stopped taking tasks.
template <class Task>
void parallel_for(std::size_t count, int threads, Task&& task) {
    const int workers = static_cast<int>(std::max<std::size_t>(1, std::min<std::size_t>(static_cast<std::size_t>(std::max(1, threads)), count)));
    if (workers <= 1) {
        for (std::size_t i = 0; i != count; ++i) task(i, 0);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::atomic<bool> failed{false};
    auto body = [&](int worker) {
        try {
            for (std::size_t i; !failed.load(std::memory_order_relaxed) && (i = next.fetch_add(1)) < count;) task(i, worker);
        } catch (...) {
            if (!failed.exchange(true)) failure = std::current_exception();
        }
    };
    local_thread_pool().run(workers, body);
    if (failure) std::rethrow_exception(failure);
}

/// [begin, end) of part `i` of `parts` near-equal parts of [0, n).
inline std::pair<std::size_t, std::size_t> split(std::size_t n, std::size_t parts, std::size_t i) {
    return {n * i / parts, n * (i + 1) / parts};
}

/// Floats an element-wise pass must touch per thread before a second thread is worth waking.
inline constexpr std::int64_t min_floats_per_thread = std::int64_t{1} << 14;

/// Calls run(begin, end) over [0, n) in near-equal runs, one per thread, as many threads as
/// `floats_per_item` · n floats are worth. For the element-wise layers (BatchNormalization,
/// activations, Add, Concatenate): they read what the layer before wrote, and on 2 threads half
/// of that sits in the other core's cache, so run by one thread they took twice as long as on
/// a single-threaded prediction (DenseNet121). Equal runs in order put each half where the
/// convolutions before, which split their rows the same way, left it.
template <class Run>
void parallel_runs(std::int64_t n, std::int64_t floats_per_item, int threads, Run&& run) {
    const std::int64_t worth = n * floats_per_item / min_floats_per_thread;
    const auto parts = static_cast<std::size_t>(std::clamp<std::int64_t>(worth, 1, std::max(1, threads)));
    parallel_for(parts, static_cast<int>(parts), [&](std::size_t i, int) {
        const auto [b, e] = split(static_cast<std::size_t>(n), parts, i);
        if (b != e) run(static_cast<std::int64_t>(b), static_cast<std::int64_t>(e));
    });
}

}  // namespace ctnn::detail
