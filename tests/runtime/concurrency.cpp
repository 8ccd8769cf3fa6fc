// One network serving many threads: predictions at once agree bit for bit with one thread's,
// weights replaced while others predict are seen whole or not at all, a batch too large for
// memory is refused with an exception, and every thread of a prediction computes in its
// floating-point mode (denormals flushed) while the caller gets its own back. Built on its own (concurrency_tests), as these are the
// tests ThreadSanitizer runs (preset tsan): its build needs no other test file.
// SPDX-License-Identifier: BSL-1.0
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#endif

#include <doctest/doctest.h>

#include <ctnn/ctnn.hpp>

#include "folded_models.hpp"

namespace {
using namespace ctnn;

// AddressSanitizer's and ThreadSanitizer's operator new report an allocation they cannot make
// and abort, by design, instead of throwing std::bad_alloc: under them, a refused allocation
// cannot be observed.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool allocation_failure_aborts = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool allocation_failure_aborts = true;
#else
constexpr bool allocation_failure_aborts = false;
#endif
#else
constexpr bool allocation_failure_aborts = false;
#endif

// Small, but with every kind of step a prediction takes: convolutions (scratch per thread), a
// pooling, a transposed convolution, a join of two branches.
constexpr auto small_model() {
    auto x = Input<shape<16, 16, 3>, name<"in">>{}();
    auto a = Conv2D<8, kernel_size<3>, same, relu, name<"conv_a">>{}(x);
    auto b = Conv2D<8, kernel_size<3>, strides<2>, same, relu, name<"conv_b">>{}(a);
    auto c = MaxPooling2D<pool_size<2>, strides<1>, same, name<"pool">>{}(b);
    auto d = Conv2DTranspose<8, kernel_size<2>, strides<2>, name<"up">>{}(c);
    auto e = Add<name<"join">>{}(a, d);
    return Model{x, Conv2D<4, kernel_size<1>, name<"head">>{}(e)};
}
constexpr auto model = small_model();
using net_type = network<std::remove_const_t<decltype(model)>>;

net_type::input_tensor sample_input() {
    net_type::input_tensor x(2);
    for (std::size_t i = 0; i != x.size(); ++i) x.data()[i] = static_cast<float>(static_cast<int>(i * 7919 % 263) - 131) / 131.0f;
    return x;
}

bool same_bits(const net_type::output_tensor& a, const net_type::output_tensor& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Both BatchNormalizations fold into the layer before them: the network keeps folded copies of
// those weights, which must change together with the weights they come from.
using test_models::folded_inside;
using folded_net = network<std::remove_const_t<decltype(folded_inside())>>;
static_assert(folding<decltype(folded_inside())>.count == 2);

// Every weight drawn from `seed`: the initialisers leave the BatchNormalizations' statistics at
// 0 and 1, which would fold to nothing worth checking. Variances stay positive.
void randomize(folded_net& net, unsigned seed) {
    for (std::size_t i = 0; i != folded_net::weights.size(); ++i) {
        auto v = net.values(i);
        for (std::size_t j = 0; j != v.size(); ++j) {
            const float u = static_cast<float>(static_cast<int>((j * 7919 + i * 104729 + seed * 15485863) % 211) - 105) / 150.0f;
            v[j] = folded_net::weights[i].name == "moving_variance" ? 0.3f + std::abs(u) : u;
        }
    }
}
}  // namespace

TEST_CASE("8 threads x 50 predictions on one network agree bit for bit with one thread's") {
    const net_type net{model, 7};
    const auto x = sample_input();
    const auto expected = net(x, {.threads = 1});
    std::atomic<int> mismatches{0}, done{0};
    std::vector<std::thread> threads;
    for (int t = 0; t != 8; ++t)
        threads.emplace_back([&, t] {
            net_type::context context;  // each thread its own activations, reused across its calls
            for (int r = 0; r != 50; ++r) {
                // Half the calls split their work over two threads of their own, half make a
                // context per call: every way a caller may use the network.
                const auto y = r % 2 == 0 ? net.predict(x, context, {.threads = 1 + t % 2}) : net(x, {.threads = 1});
                if (!same_bits(y, expected)) ++mismatches;
                ++done;
            }
        });
    for (auto& t : threads) t.join();
    CHECK(done == 400);
    CHECK(mismatches == 0);
}

TEST_CASE("weights replaced while other threads predict are seen whole, never half") {
    net_type net{model, 1};
    const auto x = sample_input();
    const auto with_first = net(x, {.threads = 1});
    net_type other{model, 2};
    const auto with_second = other(x, {.threads = 1});
    REQUIRE_FALSE(same_bits(with_first, with_second));

    auto copy_of = [](const net_type& source) {
        auto storage = net_type::allocate_weights();
        for (std::size_t i = 0; i != net_type::weights.size(); ++i) {
            const auto values = source.values(i);
            std::memcpy(storage[i].data.get(), values.data(), values.size() * sizeof(float));
        }
        return storage;
    };
    std::atomic<bool> stop{false};
    std::atomic<int> torn{0}, predictions{0};
    std::vector<std::thread> readers;
    for (int t = 0; t != 4; ++t)
        readers.emplace_back([&] {
            net_type::context context;
            while (!stop) {
                const auto y = net.predict(x, context, {.threads = 1});
                if (!same_bits(y, with_first) && !same_bits(y, with_second)) ++torn;
                ++predictions;
            }
        });
    const net_type first{model, 1};
    // At least 20 swaps, and on until predictions have run meanwhile (on 2 cores, 5 threads: the
    // readers may not have finished one by the 20th).
    for (int swap = 0; swap < 20 || predictions < 8; ++swap) net.replace_weights(copy_of(swap % 2 == 0 ? other : first));
    stop = true;
    for (auto& t : readers) t.join();
    CHECK(predictions > 0);
    CHECK(torn == 0);
}

TEST_CASE("folding: weights replaced while other threads predict are seen whole, folded copies with them") {
    using net_type = folded_net;
    net_type net{folded_inside(), 1};
    net_type other{folded_inside(), 2};
    randomize(net, 61);
    randomize(other, 62);
    net_type::input_tensor x(2);
    for (std::size_t i = 0; i != x.size(); ++i) x.data()[i] = static_cast<float>(static_cast<int>(i * 7919 % 263) - 131) / 131.0f;
    const auto with_first = net(x, {.threads = 1});
    auto copy_of = [](const net_type& source) {
        auto storage = net_type::allocate_weights();
        for (std::size_t i = 0; i != net_type::weights.size(); ++i) {
            const auto values = source.values(i);
            std::copy(values.begin(), values.end(), storage[i].data.get());
        }
        return storage;
    };
    const auto first = copy_of(net);
    const auto with_second = other(x, {.threads = 1});
    auto same = [](const auto& a, const auto& b) { return std::equal(a.begin(), a.end(), b.begin()); };
    REQUIRE_FALSE(same(with_first, with_second));

    std::atomic<bool> stop{false};
    std::atomic<int> torn{0};
    std::vector<std::thread> readers;
    for (int t = 0; t != 3; ++t)
        readers.emplace_back([&] {
            net_type::context context;
            while (!stop) {
                const auto y = net.predict(x, context, {.threads = 1});
                if (!same(y, with_first) && !same(y, with_second)) ++torn;
            }
        });
    for (int swap = 0; swap != 20; ++swap) {
        if (swap % 2 == 0) {
            net.replace_weights(copy_of(other));
        } else {
            auto storage = net_type::allocate_weights();
            for (std::size_t i = 0; i != first.size(); ++i) std::copy_n(first[i].data.get(), first[i].size, storage[i].data.get());
            net.replace_weights(std::move(storage));
        }
    }
    stop = true;
    for (auto& t : readers) t.join();
    CHECK(torn == 0);
    CHECK(same(net(x, {.threads = 1}), with_first));
}

TEST_CASE("a batch whose activations cannot be allocated is refused with an exception" *
          doctest::skip(allocation_failure_aborts)) {
    // 1x1 in, 4096x4096 in between, 1x1 out: 64 MiB of activations per sample, almost nothing
    // for the input and output tensors.
    constexpr auto wide = [] {
        auto x = Input<shape<1, 1, 1>, name<"in">>{}();
        auto up = UpSampling2D<size<4096>, name<"up">>{}(x);
        return Model{x, MaxPooling2D<pool_size<4096>, name<"pool">>{}(up)};
    }();
    const network net{wide};
    const tensor<shape<1, 1, 1>> x(1 << 20);  // 64 TiB of activations, layer by layer
    CHECK_THROWS_WITH_AS(net.predict(x, {.threads = 1, .order = batch_order::by_layer}),
                         "ctnn: a batch of 1048576 needs 67108864 MiB of activations, more than could be allocated",
                         std::length_error);
}

// Large maps with small kernels, then small maps with large kernels, then large maps again, and a
// skip from the first part to the last: the network's own order (graph/batch_schedule.hpp) runs
// the middle by layer and the rest by sample, handing the skip and the middle's input over.
constexpr auto three_part_model() {
    auto x = Input<shape<64, 64, 4>, name<"in">>{}();
    auto a = Conv2D<16, kernel_size<3>, same, relu, name<"a">>{}(x);
    auto b = Conv2D<16, kernel_size<3>, same, relu, name<"b">>{}(a);
    auto c = Conv2D<16, kernel_size<3>, same, name<"c">>{}(b);
    auto p = MaxPooling2D<pool_size<32>, name<"pool">>{}(c);
    auto d = Conv2D<192, kernel_size<3>, same, relu, name<"d">>{}(p);
    auto e = Conv2D<192, kernel_size<3>, same, relu, name<"e">>{}(d);
    auto f = Conv2D<192, kernel_size<3>, same, relu, name<"f">>{}(e);
    auto g = Conv2D<192, kernel_size<3>, same, relu, name<"g">>{}(f);
    auto h = Conv2D<16, kernel_size<1>, name<"h">>{}(g);
    auto u = UpSampling2D<size<32>, name<"up">>{}(h);
    auto s = Add<name<"skip">>{}(u, c);
    auto t = Conv2D<16, kernel_size<3>, same, relu, name<"t">>{}(s);
    return Model{x, Conv2D<8, kernel_size<3>, same, name<"out">>{}(t)};
}
constexpr auto three_part = three_part_model();
using three_part_type = std::remove_const_t<decltype(three_part)>;
constexpr auto& three_part_schedule = batch_schedule_mixed<three_part_type>;
static_assert(three_part_schedule.count == 3 && three_part_schedule.by_sample[0] && !three_part_schedule.by_sample[1] &&
              three_part_schedule.by_sample[2]);
static_assert(three_part_type::layers[three_part_schedule.start[1]].name == "d" &&
              three_part_type::layers[three_part_schedule.start[2]].name == "up");
// The skip and the pooled map are handed over; the middle's maps lie in the batch's arena, the
// others' in the samples'.
constexpr batch_storage three_part_storage(std::string_view node) {
    return three_part_schedule.storage[three_part_type::index_of_name(node)];
}
static_assert(three_part_storage("c") == batch_storage::handoff && three_part_storage("pool") == batch_storage::handoff);
static_assert(three_part_storage("d") == batch_storage::batch && three_part_storage("h") == batch_storage::batch);
static_assert(three_part_storage("a") == batch_storage::sample && three_part_storage("skip") == batch_storage::sample);
// The small model's maps outweigh its kernels everywhere: all of it by sample.
static_assert(batch_schedule_mixed<std::remove_const_t<decltype(model)>>.count == 1 &&
              batch_schedule_mixed<std::remove_const_t<decltype(model)>>.by_sample[0]);

template <class Net>
void check_batch_orders(const Net& net) {
    typename Net::input_tensor x(5);
    for (std::size_t i = 0; i != x.size(); ++i) x.data()[i] = static_cast<float>(static_cast<int>(i * 7919 % 263) - 131) / 131.0f;
    const auto expected = net.predict(x, {.threads = 1, .order = batch_order::by_layer});
    const auto differences = [&](const typename Net::output_tensor& y) {
        std::size_t n = y.size() == expected.size() ? 0 : 1;
        for (std::size_t i = 0; i != std::min(y.size(), expected.size()); ++i)
            n += !(std::abs(y.data()[i] - expected.data()[i]) <= 1e-5f * (1.0f + std::abs(expected.data()[i])));
        return n;
    };
    std::vector<double> seconds;
    for (const int threads : {1, 2, 3, 7})
        for (const auto order : {batch_order::automatic, batch_order::by_layer, batch_order::by_sample})
            for (const bool timed : {false, true}) {
                // 5 samples on 2 threads: 4 one per thread, the 5th on both; on 3: 3, then 2 on all.
                typename Net::context context;
                const auto y = net.predict(x, context, {.threads = threads, .layer_seconds = timed ? &seconds : nullptr, .order = order});
                CAPTURE(threads);
                CAPTURE(static_cast<int>(order));
                CAPTURE(timed);
                CHECK(differences(y) == 0);
                // Timed, a layer's time is summed over the samples: every layer that computes took some.
                if (timed) CHECK(seconds[Net::model_type::layer_count - 1] > 0.0);
                // The same context again, its arenas and scratch made for the call before.
                CHECK(differences(net.predict(x, context, {.threads = 1 + threads % 2, .order = order})) == 0);
            }
}

TEST_CASE("a batch gives the same values layer by layer and sample by sample, on any number of threads") {
    check_batch_orders(net_type{model, 3});
}

TEST_CASE("a batch run partly by sample and partly by layer gives the same values, its maps handed over between the parts") {
    check_batch_orders(network{three_part, 4});
}

TEST_CASE("parallel_for keeps its threads: many sections, from several threads at once, nested, and after a throw") {
    // Each calling thread owns its workers (runtime/parallel.hpp): 4 callers × 300 sections of
    // uneven sizes must each see every index exactly once, with workers spinning and sleeping
    // between sections; a section inside a task runs serially; a task's exception reaches its
    // caller and the workers go on serving it.
    std::vector<std::thread> callers;
    std::atomic<int> wrong{0};
    for (int c = 0; c != 4; ++c)
        callers.emplace_back([&, c] {
            for (int s = 0; s != 300; ++s) {
                const std::size_t count = static_cast<std::size_t>(1 + (s * 7 + c) % 37);
                std::vector<std::atomic<int>> seen(count);
                ctnn::detail::parallel_for(count, 2 + s % 2, [&](std::size_t i, int worker) {
                    if (worker < 0 || worker > 2) ++wrong;
                    seen[i].fetch_add(1);
                    if (s % 50 == 0) {  // nested: serial on this worker's thread
                        std::atomic<int> inner{0};
                        ctnn::detail::parallel_for(5, 2, [&](std::size_t, int) { inner.fetch_add(1); });
                        if (inner.load() != 5) ++wrong;
                    }
                });
                for (auto& v : seen)
                    if (v.load() != 1) ++wrong;
                if (s % 100 == 99) std::this_thread::sleep_for(std::chrono::milliseconds(2));  // workers go to sleep
            }
            bool thrown = false;
            try {
                ctnn::detail::parallel_for(8, 2, [](std::size_t i, int) {
                    if (i == 5) throw std::runtime_error("task 5");
                });
            } catch (const std::runtime_error& e) {
                thrown = std::string(e.what()) == "task 5";
            }
            if (!thrown) ++wrong;
            std::atomic<int> after{0};
            ctnn::detail::parallel_for(64, 2, [&](std::size_t, int) { after.fetch_add(1); });
            if (after.load() != 64) ++wrong;
        });
    for (auto& t : callers) t.join();
    CHECK(wrong.load() == 0);
}

TEST_CASE("parallel_for on one core: workers that come late find the section closed, and the owner has run every task") {
#if defined(__linux__)
    // A caller and its workers confined to one core (workers inherit the affinity of the thread
    // that starts them): a worker runs only when the owner is preempted, so most sections end
    // before it joins, and it must then skip them; some it joins while the owner still works.
    // The sanitizers' builds would see a worker reading a section that has ended.
    std::atomic<int> wrong{0}, joined{0};
    bool confined = false;
    std::thread caller([&] {
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(std::max(0, sched_getcpu()), &one);
        confined = pthread_setaffinity_np(pthread_self(), sizeof one, &one) == 0;
        for (int s = 0; s != 3000; ++s) {
            const std::size_t count = static_cast<std::size_t>(1 + s % 6);
            std::vector<std::atomic<int>> seen(count);
            // Every 300th section's tasks run for milliseconds: long enough for the scheduler to
            // preempt the owner, so that the worker joins a section still open.
            const bool slow = s % 300 == 299;
            ctnn::detail::parallel_for(count, 2, [&](std::size_t i, int worker) {
                if (worker != 0) ++joined;
                if (worker < 0 || worker > 1) ++wrong;
                seen[i].fetch_add(1);
                for (const auto start = std::chrono::steady_clock::now();
                     slow && std::chrono::steady_clock::now() - start < std::chrono::milliseconds(8);) {
                }
            });
            for (auto& v : seen)
                if (v.load() != 1) ++wrong;
        }
        // A whole prediction so confined, on 2 threads, as on 1.
        const net_type net{model, 3};
        const auto x = sample_input();
        if (!same_bits(net.predict(x, {.threads = 2}), net.predict(x, {.threads = 1}))) ++wrong;
    });
    caller.join();
    if (!confined) MESSAGE("could not confine a thread to one core; ran unconfined");
    MESSAGE("tasks a worker took: " << joined.load() << " (of 10,500)");
    CHECK(wrong.load() == 0);
#else
    MESSAGE("needs Linux's thread affinity");
#endif
}

TEST_CASE("a prediction computes with denormals flushed, on every thread, and gives the caller its mode back") {
#ifdef CTNN_FLOAT_MODE_MXCSR
    if (!detail::denormals_are_zero_supported()) {
        MESSAGE("this CPU cannot read denormals as zero");
        return;
    }
    // A 1×1 convolution over 1024 pixels (worth 2 threads) whose kernel is denormal (1e-39)
    // reading 1e30: unflushed, 64 · 1e-9 per output; read as zero, exactly 0, as TensorFlow gives.
    auto in = Input<shape<32, 32, 64>, name<"in">>{}();
    const Model m{in, Conv2D<64, kernel_size<1>, no_bias, name<"c">>{}(in)};
    network net{m, 1};
    auto kernel = net.values("c", "kernel");
    std::fill(kernel.begin(), kernel.end(), 1e-39f);
    REQUIRE(std::fpclassify(kernel[0]) == FP_SUBNORMAL);
    decltype(net)::input_tensor x(1);
    std::fill(x.data(), x.data() + x.size(), 1e30f);
    // The caller's own mode, unusual (rounding toward zero), must come back after each call.
    const std::uint32_t own = detail::float_mode();
    const std::uint32_t toward_zero = (own & ~std::uint32_t{0x8040}) | 0x6000;
    detail::set_float_mode(toward_zero);
    for (const int threads : {1, 2}) {
        CAPTURE(threads);
        const auto y = net.predict(x, {.threads = threads});
        CHECK(std::count(y.data(), y.data() + y.size(), 0.0f) == static_cast<std::ptrdiff_t>(y.size()));
        CHECK(detail::float_mode() == toward_zero);
    }
    detail::set_float_mode(own);

    // The workers take the owner's mode with each section: a prediction's while one runs, the
    // caller's own after. (Tried until the worker takes a task: on one free core it may not.)
    const auto worker_mode = [] {
        std::atomic<std::uint32_t> seen{0xffffffff};
        for (int attempt = 0; attempt != 500 && seen.load() == 0xffffffff; ++attempt)
            detail::parallel_for(8, 2, [&](std::size_t, int worker) {
                if (worker != 0) seen = detail::float_mode();
                for (const auto start = std::chrono::steady_clock::now();
                     std::chrono::steady_clock::now() - start < std::chrono::microseconds(200);) {
                }
            });
        return seen.load();
    };
    {
        const detail::prediction_float_scope scope;
        CHECK(detail::float_mode() == detail::prediction_float_mode(own));
        CHECK(worker_mode() == detail::prediction_float_mode(own));
    }
    CHECK(detail::float_mode() == own);
    CHECK(worker_mode() == own);
#else
    MESSAGE("the floating-point mode is set on x86 only");
#endif
}
