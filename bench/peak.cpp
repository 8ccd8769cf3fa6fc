// The machine's measured limits, which bench/run sets each layer's speed against: the
// multiply-add throughput of the widest FMA units the compiler targets (-march=native), on 1 and
// 2 threads, and the memory read bandwidth on 1 and 2 threads. Prints
//   peak_gflops_threads_T=G   (2 flops per multiply-add, best of 5)
//   read_gbs_threads_T=B      (GB/s summing a 512 MiB array, best of 5)
// Timed in each thread's CPU time, so that other processes on a shared machine do not lower it.
// SPDX-License-Identifier: BSL-1.0
#include <immintrin.h>

#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <thread>
#include <vector>

namespace {
#if defined(__AVX512F__)
using vec = __m512;
constexpr int lanes = 16;
vec splat(float v) { return _mm512_set1_ps(v); }
vec fma(vec a, vec b, vec c) { return _mm512_fmadd_ps(a, b, c); }
vec add(vec a, vec b) { return _mm512_add_ps(a, b); }
vec load(const float* p) { return _mm512_load_ps(p); }
float sum(vec v) { return _mm512_reduce_add_ps(v); }
#elif defined(__FMA__)
using vec = __m256;
constexpr int lanes = 8;
vec splat(float v) { return _mm256_set1_ps(v); }
vec fma(vec a, vec b, vec c) { return _mm256_fmadd_ps(a, b, c); }
vec add(vec a, vec b) { return _mm256_add_ps(a, b); }
vec load(const float* p) { return _mm256_load_ps(p); }
float sum(vec v) {
    alignas(32) float f[8];
    _mm256_store_ps(f, v);
    float s = 0;
    for (float x : f) s += x;
    return s;
}
#else
#error "bench/peak.cpp needs FMA (build with -march=native on an x86-64 machine that has it)"
#endif

// Independent chains to cover the FMA latency on every unit. How many runs fastest depends on
// the core (on this Zen 5, 8 and 16 chains reach 2 AVX-512 FMAs per cycle, 12 and 24 a half or a
// third of that), so the peak is the best over a few counts.
constexpr long iterations = 50'000'000;

template <int chains>
float fma_loop(float seed) {
    vec acc[chains];
    for (int c = 0; c != chains; ++c) acc[c] = splat(seed + static_cast<float>(c));
    const vec a = splat(0.999999f), b = splat(1e-7f);
    for (long i = 0; i != iterations; ++i)
        for (int c = 0; c != chains; ++c) acc[c] = fma(acc[c], a, b);
    vec s = acc[0];
    for (int c = 1; c != chains; ++c) s = add(s, acc[c]);
    return sum(s);
}

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

float read_loop(const float* p, std::size_t n) {
    vec s0 = splat(0), s1 = splat(0), s2 = splat(0), s3 = splat(0);
    for (std::size_t i = 0; i + 4 * lanes <= n; i += 4 * lanes) {
        s0 = add(s0, load(p + i));
        s1 = add(s1, load(p + i + lanes));
        s2 = add(s2, load(p + i + 2 * lanes));
        s3 = add(s3, load(p + i + 3 * lanes));
    }
    return sum(add(add(s0, s1), add(s2, s3)));
}

// Runs work(t) on `threads` threads at once, 5 times; the best of the slowest thread's CPU time.
// CPU time, not wall time: on a shared machine a thread is descheduled part of the time, and the
// peak is what the core does while it runs.
double best_seconds(int threads, const std::function<float(int)>& work) {
    double best = 1e30;
    volatile float sink = 0;
    for (int rep = 0; rep != 5; ++rep) {
        std::vector<float> results(static_cast<std::size_t>(threads));
        std::vector<double> cpu(static_cast<std::size_t>(threads));
        std::vector<std::thread> pool;
        for (int t = 0; t != threads; ++t)
            pool.emplace_back([&, t] {
                const double start = thread_cpu_seconds();
                results[static_cast<std::size_t>(t)] = work(t);
                cpu[static_cast<std::size_t>(t)] = thread_cpu_seconds() - start;
            });
        for (auto& th : pool) th.join();
        best = std::min(best, *std::max_element(cpu.begin(), cpu.end()));
        for (float r : results) sink = sink + r;
    }
    return best;
}

template <int chains>
double fma_gflops(int threads) {
    const double s = best_seconds(threads, [](int t) { return fma_loop<chains>(static_cast<float>(t)); });
    return 2.0 * lanes * chains * static_cast<double>(iterations) * threads / s * 1e-9;
}
}  // namespace

int main() {
    for (int threads : {1, 2}) {
        const double best = std::max({fma_gflops<8>(threads), fma_gflops<10>(threads), fma_gflops<16>(threads)});
        std::printf("peak_gflops_threads_%d=%.1f\n", threads, best);
    }
    constexpr std::size_t n = std::size_t{512} << 18;  // 512 MiB of floats
    auto* data = static_cast<float*>(std::aligned_alloc(64, n * sizeof(float)));
    for (std::size_t i = 0; i != n; ++i) data[i] = static_cast<float>(i & 1023);
    for (int threads : {1, 2}) {
        const std::size_t part = n / static_cast<std::size_t>(threads);
        const double s = best_seconds(threads, [&](int t) { return read_loop(data + part * static_cast<std::size_t>(t), part); });
        std::printf("read_gbs_threads_%d=%.1f\n", threads, static_cast<double>(n * sizeof(float)) / s * 1e-9);
    }
    std::free(data);
}
