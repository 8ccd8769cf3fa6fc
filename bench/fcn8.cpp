// FCN-8 at 224×224, batch 1: per-layer time and GFLOP/s, forward time (median of 15 runs after
// warm-up) on 1 and 2 threads, and peak RSS. A benchmark prints figures; it asserts nothing.
//   fcn8_bench [--runs N]
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>
#include <ctnn/graph/cost.hpp>
#include <ctnn/models/fcn8.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {
double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}
double peak_rss_mib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}
}  // namespace

int main(int argc, char** argv) {
    int runs = 15;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
        else {
            std::fprintf(stderr, "usage: %s [--runs N]\n", argv[0]);
            return 2;
        }
    }
    constexpr auto model = ctnn::models::fcn8<12>();
    using M = decltype(model);
    ctnn::network net{model, 1};
    ctnn::tensor<ctnn::shape<224, 224, 3>> image(1);
    for (std::size_t i = 0; i != image.size(); ++i) image.data()[i] = static_cast<float>(i % 251) / 250.0f;

    std::printf("FCN-8, 224x224x3, batch 1; %.1f GFLOP dense, %.1f GFLOP real (no padding taps)\n",
                2e-9 * static_cast<double>(ctnn::total_cost<M>.dense), 2e-9 * static_cast<double>(ctnn::total_cost<M>.real));
    for (int threads : {1, 2}) {
        const ctnn::run_options options{.threads = threads};
        decltype(net)::context context;  // kept across calls, as a serving thread would
        net.predict(image, context, options);  // warm-up: arena, scratch, caches
        std::vector<double> totals;
        std::vector<std::vector<double>> per_layer(M::layer_count);
        std::vector<double> seconds;
        for (int r = 0; r != runs; ++r) {
            const auto start = std::chrono::steady_clock::now();
            net.predict(image, context, {.threads = threads, .layer_seconds = &seconds});
            totals.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
            for (std::size_t l = 0; l != M::layer_count; ++l) per_layer[l].push_back(seconds[l]);
        }
        std::printf("\n%d thread%s: per layer (median of %d)\n", threads, threads == 1 ? "" : "s", runs);
        std::printf("  %-22s %10s %9s %9s\n", "layer", "ms", "GFLOP", "GFLOP/s");
        for (std::size_t l = 0; l != M::layer_count; ++l) {
            const double ms = 1e3 * median(per_layer[l]);
            const double gflop = 2e-9 * static_cast<double>(ctnn::layer_costs<M>[l].real);
            if (gflop > 0)
                std::printf("  %-22s %10.2f %9.3f %9.1f\n", std::string(M::layers[l].name).c_str(), ms, gflop, gflop / ms * 1e3);
            else if (l != 0)
                std::printf("  %-22s %10.2f\n", std::string(M::layers[l].name).c_str(), ms);
        }
        const double total = median(totals);
        std::printf("forward_seconds_threads_%d=%.4f  (%.1f GFLOP/s real)\n", threads, total,
                    2e-9 * static_cast<double>(ctnn::total_cost<M>.real) / total);
    }
    std::printf("peak_rss_mib=%.0f\n", peak_rss_mib());
}
