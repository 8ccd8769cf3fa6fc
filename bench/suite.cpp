// ctnn's side of the benchmark suite (bench/run): one model, chosen at compile time by
// CTNN_BENCH_MODEL (one executable per model, so that each compiles on its own and a change to
// one model rebuilds one program), at one batch size on each thread count given. Prints
//   params=N  gflop=G (per sample, multiply-adds reading real input × 2)
//   time threads=T seconds=S runs=R         the median of R runs after a warm-up run
//   layer threads=T index=I seconds=S gflop=G mbytes=B kind=K name=N    with --layers (medians per
//         layer; B: the megabytes the layer's kernel cannot move less of: its weights once, and
//         once per sample the maps it reads (with a residual folded into it) and the one it writes;
//         0 for a layer folded into another, whose kernel moves its maps; G and B of a layer that
//         computes its input's rows count the 1×1 convolution folded into it, and its weights)
// Weights: Keras' default initialisation from a fixed seed (timing does not depend on them),
// except PP-OCRv4's detector, which loads its own (CTNN_BENCH_WEIGHTS) so that its activations
// stay in the ranges they were trained for.
//   suite_<model> [--batch B] [--threads 1,2] [--min-runs N] [--max-runs N] [--budget S] [--layers]
//                 [--order automatic|by_layer|by_sample]     how a batch goes through (run_options::order)
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>
#include <ctnn/graph/cost.hpp>
#include <ctnn/io/weights.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#define CTNN_BENCH_fcn8 1
#define CTNN_BENCH_unet 2
#define CTNN_BENCH_vgg16 3
#define CTNN_BENCH_resnet50 4
#define CTNN_BENCH_mobilenet_v2 5
#define CTNN_BENCH_densenet121 6
#define CTNN_BENCH_ppocr_det 7
#define CTNN_BENCH_ID_(m) CTNN_BENCH_##m
#define CTNN_BENCH_ID(m) CTNN_BENCH_ID_(m)

#if CTNN_BENCH_ID(CTNN_BENCH_MODEL) == CTNN_BENCH_fcn8
#include <ctnn/models/fcn8.hpp>
constexpr auto model = ctnn::models::fcn8<12>();
#elif CTNN_BENCH_ID(CTNN_BENCH_MODEL) == CTNN_BENCH_unet
#include <ctnn/models/unet.hpp>
constexpr auto model = ctnn::models::UNet<2, 572>();
#elif CTNN_BENCH_ID(CTNN_BENCH_MODEL) == CTNN_BENCH_vgg16
#include <ctnn/models/vgg16.hpp>
constexpr auto model = ctnn::models::VGG16();
#elif CTNN_BENCH_ID(CTNN_BENCH_MODEL) == CTNN_BENCH_resnet50
#include <ctnn/models/resnet.hpp>
constexpr auto model = ctnn::models::ResNet50();
#elif CTNN_BENCH_ID(CTNN_BENCH_MODEL) == CTNN_BENCH_mobilenet_v2
#include <ctnn/models/mobilenet_v2.hpp>
constexpr auto model = ctnn::models::MobileNetV2();
#elif CTNN_BENCH_ID(CTNN_BENCH_MODEL) == CTNN_BENCH_densenet121
#include <ctnn/models/densenet.hpp>
constexpr auto model = ctnn::models::DenseNet121();
#elif CTNN_BENCH_ID(CTNN_BENCH_MODEL) == CTNN_BENCH_ppocr_det
#include "ppocr_det.hpp"
constexpr auto model = imported::ppocr_det();
#else
#error "CTNN_BENCH_MODEL names no model of the suite"
#endif

namespace {
using M = std::remove_const_t<decltype(model)>;
using net_type = ctnn::network<M>;

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

net_type make_network() {
#ifdef CTNN_BENCH_WEIGHTS
    return ctnn::io::load_network(model, CTNN_BENCH_WEIGHTS);
#else
    return net_type{model, 1};
#endif
}

[[noreturn]] void usage(const char* self) {
    std::fprintf(stderr, "usage: %s [--batch B] [--threads 1,2] [--min-runs N] [--max-runs N] [--budget SECONDS] [--layers] "
                 "[--order automatic|by_layer|by_sample]\n",
                 self);
    std::exit(2);
}
}  // namespace

int main(int argc, char** argv) {
    int batch = 1, min_runs = 3, max_runs = 15;
    double budget = 2.0;
    bool layers = false;
    auto order = ctnn::batch_order::automatic;
    std::vector<int> thread_counts{1, 2};
    for (int i = 1; i < argc; ++i) {
        const bool has_value = i + 1 < argc;
        if (std::strcmp(argv[i], "--batch") == 0 && has_value) batch = std::max(1, std::atoi(argv[++i]));
        else if (std::strcmp(argv[i], "--min-runs") == 0 && has_value) min_runs = std::max(1, std::atoi(argv[++i]));
        else if (std::strcmp(argv[i], "--max-runs") == 0 && has_value) max_runs = std::max(1, std::atoi(argv[++i]));
        else if (std::strcmp(argv[i], "--budget") == 0 && has_value) budget = std::atof(argv[++i]);
        else if (std::strcmp(argv[i], "--layers") == 0) layers = true;
        else if (std::strcmp(argv[i], "--order") == 0 && has_value) {
            const std::string_view o = argv[++i];
            if (o == "automatic") order = ctnn::batch_order::automatic;
            else if (o == "by_layer") order = ctnn::batch_order::by_layer;
            else if (o == "by_sample") order = ctnn::batch_order::by_sample;
            else usage(argv[0]);
        }
        else if (std::strcmp(argv[i], "--threads") == 0 && has_value) {
            thread_counts.clear();
            for (const char* p = argv[++i]; *p != '\0';) {
                char* end = nullptr;
                const long n = std::strtol(p, &end, 10);
                if (end == p || n < 1) usage(argv[0]);
                thread_counts.push_back(static_cast<int>(n));
                p = *end == ',' ? end + 1 : end;
            }
        } else usage(argv[0]);
    }

    // Per layer, the floats its kernel cannot move less of: the maps a running node reads, found as
    // the batch schedule finds them (graph/batch_schedule.hpp), its weights and the map it writes;
    // 0 for a node that does not run (folded, or an input).
    std::vector<std::int64_t> floats_moved(M::layer_count, 0);
    ctnn::detail::for_each_read<M>([&](std::size_t reader, std::size_t buffer) {
        floats_moved[reader] += M::layers[buffer].output_shape.size() * batch;
    });
    for (std::size_t l = 0; l != M::layer_count; ++l)
        if (ctnn::detail::runs<M>(l)) floats_moved[l] += M::layers[l].params + M::layers[l].output_shape.size() * batch;
    // A layer that computes its input's rows with a 1×1 convolution folded into it
    // (graph/folding.hpp's producer) does that layer's work and reads its weights too.
    std::vector<std::int64_t> work(M::layer_count);
    for (std::size_t l = 0; l != M::layer_count; ++l) work[l] = ctnn::layer_costs<M>[l].real;
    constexpr auto& folds = ctnn::folding<M>;
    for (std::size_t l = 0; l != M::layer_count; ++l)
        if (const std::size_t p = folds.producer[l]; p != folds.none) {
            work[l] += work[p], work[p] = 0;
            floats_moved[l] += M::layers[p].params;
        }

    const net_type net = make_network();
    typename net_type::input_tensor x(batch);
    for (std::size_t i = 0; i != x.size(); ++i) x.data()[i] = static_cast<float>(i % 251) / 250.0f;
    std::printf("params=%lld gflop=%.4f\n", static_cast<long long>(M::total_params),
                2e-9 * static_cast<double>(ctnn::total_cost<M>.real));
    for (const int threads : thread_counts) {
        typename net_type::context context;  // kept across calls, as a serving thread would
        static_cast<void>(net.predict(x, context, {.threads = threads, .order = order}));  // warm-up: arena, scratch, caches
        std::vector<double> totals, seconds;
        std::vector<std::vector<double>> per_layer(M::layer_count);
        double spent = 0;
        while (static_cast<int>(totals.size()) < min_runs || (static_cast<int>(totals.size()) < max_runs && spent < budget)) {
            // Per-layer times cost two clock reads per layer: they are taken only when asked for.
            const auto start = std::chrono::steady_clock::now();
            static_cast<void>(net.predict(x, context, {.threads = threads, .layer_seconds = layers ? &seconds : nullptr, .order = order}));
            totals.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
            spent += totals.back();
            if (layers)
                for (std::size_t l = 0; l != M::layer_count; ++l) per_layer[l].push_back(seconds[l]);
        }
        std::printf("time threads=%d seconds=%.5f runs=%zu\n", threads, median(totals), totals.size());
        if (layers)
            for (std::size_t l = 1; l != M::layer_count; ++l) {
                const auto& layer = M::layers[l];
                std::printf("layer threads=%d index=%zu seconds=%.6f gflop=%.5f mbytes=%.3f kind=%s name=%s\n", threads, l,
                            median(per_layer[l]), 2e-9 * static_cast<double>(work[l]) * batch,
                            4e-6 * static_cast<double>(floats_moved[l]), std::string(layer.kind).c_str(), std::string(layer.name).c_str());
            }
        std::fflush(stdout);
    }
}
