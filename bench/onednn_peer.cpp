// The oneDNN peer of the benchmark suite (bench/run): FCN-8 and the 2015 U-Net written directly
// against oneDNN's primitives (Debian's libdnnl-dev, 2.x), as an expert would: direct
// convolutions and deconvolutions choosing their own layouts (format_tag::any), weights reordered
// into them once before timing, bias and ReLU fused as post-ops, activations kept in the layouts
// the primitives chose (a reorder only where the next primitive wants another). Each model is a
// small table of operations below, the same architectures as include/ctnn/models/{fcn8,unet}.hpp.
// Prints `params=N` and, per thread count, `time threads=T seconds=S runs=R` (the median of R
// runs after a warm-up run). Threads: oneDNN's OpenMP runtime, set per count before the primitives
// are made (some choose their blocking by the thread count).
//   onednn_peer MODEL(fcn8|unet) [--batch B] [--threads 1,2] [--min-runs N] [--max-runs N] [--budget S]
// SPDX-License-Identifier: BSL-1.0
#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

namespace {
using namespace dnnl;
using tag = memory::format_tag;
using dt = memory::data_type;

/// One operation of a model; `a` and `b` index earlier operations (0 is the input).
struct op {
    enum kind_t { input, conv, pool, deconv, crop_like, add, concat, softmax } kind;
    int a = -1, b = -1;           // inputs (crop_like: crop `a` to `b`'s size, centred)
    int filters = 0, kernel = 0;  // conv, deconv
    int stride = 1, pad = 0;      // conv, deconv, pool (pool: kernel == stride)
    bool relu = false, bias = true;
};

std::vector<op> fcn8() {
    std::vector<op> g{{op::input}};
    auto conv = [&](int filters, int k, int pad, bool relu = true) {
        g.push_back({.kind = op::conv, .a = static_cast<int>(g.size()) - 1, .filters = filters, .kernel = k, .pad = pad, .relu = relu});
    };
    auto pool = [&] { g.push_back({.kind = op::pool, .a = static_cast<int>(g.size()) - 1, .kernel = 2, .stride = 2}); };
    int pool3 = 0, pool4 = 0;
    for (auto [filters, convs] : {std::pair{64, 2}, {128, 2}, {256, 3}, {512, 3}, {512, 3}}) {
        for (int i = 0; i != convs; ++i) conv(filters, 3, 1);
        pool();
        if (filters == 256) pool3 = static_cast<int>(g.size()) - 1;
        if (filters == 512 && pool4 == 0) pool4 = static_cast<int>(g.size()) - 1;
    }
    conv(4096, 7, 3);
    conv(4096, 1, 0);
    const int classes = 12;
    auto last = [&] { return static_cast<int>(g.size()) - 1; };
    g.push_back({.kind = op::deconv, .a = last(), .filters = classes, .kernel = 4, .stride = 2, .bias = false});
    const int up2 = last();
    g.push_back({.kind = op::conv, .a = pool4, .filters = classes, .kernel = 1, .relu = true});
    const int score4 = last();
    g.push_back({.kind = op::crop_like, .a = up2, .b = score4});
    g.push_back({.kind = op::add, .a = last(), .b = score4});
    g.push_back({.kind = op::deconv, .a = last(), .filters = classes, .kernel = 4, .stride = 2, .bias = false});
    const int up4 = last();
    g.push_back({.kind = op::conv, .a = pool3, .filters = classes, .kernel = 1, .relu = true});
    const int score3 = last();
    g.push_back({.kind = op::crop_like, .a = up4, .b = score3});
    g.push_back({.kind = op::add, .a = last(), .b = score3});
    g.push_back({.kind = op::deconv, .a = last(), .filters = classes, .kernel = 8, .stride = 8, .bias = false});
    g.push_back({.kind = op::softmax, .a = last()});
    return g;
}

std::vector<op> unet() {
    std::vector<op> g{{op::input}};
    auto last = [&] { return static_cast<int>(g.size()) - 1; };
    auto conv = [&](int filters) { g.push_back({.kind = op::conv, .a = last(), .filters = filters, .kernel = 3, .relu = true}); };
    std::vector<int> skips;
    for (int level = 0; level != 5; ++level) {
        conv(64 << level);
        conv(64 << level);
        if (level != 4) {
            skips.push_back(last());
            g.push_back({.kind = op::pool, .a = last(), .kernel = 2, .stride = 2});
        }
    }
    for (int level = 3; level >= 0; --level) {
        g.push_back({.kind = op::deconv, .a = last(), .filters = 64 << level, .kernel = 2, .stride = 2});
        const int up = last();
        g.push_back({.kind = op::crop_like, .a = skips[static_cast<std::size_t>(level)], .b = up});
        g.push_back({.kind = op::concat, .a = last(), .b = up});
        conv(64 << level);
        conv(64 << level);
    }
    g.push_back({.kind = op::conv, .a = last(), .filters = 2, .kernel = 1});
    return g;
}

/// The plain or blocked layout a primitive chose, to write a crop into the same one.
tag tag_of(const memory::desc& md) {
    for (tag t : {tag::nChw16c, tag::nChw8c, tag::nhwc, tag::nchw})
        if (md == memory::desc(md.dims(), dt::f32, t)) return t;
    std::fprintf(stderr, "onednn_peer: a layout this program does not crop\n");
    std::exit(1);
}

void fill(memory& m, std::size_t fan_in, unsigned seed) {
    auto* p = static_cast<float*>(m.get_data_handle());
    const std::size_t n = m.get_desc().get_size() / sizeof(float);
    const float limit = std::sqrt(3.0f / static_cast<float>(fan_in));
    for (std::size_t i = 0; i != n; ++i) {
        seed = seed * 1664525u + 1013904223u;
        p[i] = limit * (static_cast<float>(seed >> 8) / 8388608.0f - 1.0f);
    }
}

/// A model built for one batch size and thread count: the primitives in order, their memories.
struct network {
    engine eng{engine::kind::cpu, 0};
    stream strm{eng};
    std::vector<std::pair<primitive, std::unordered_map<int, memory>>> steps;
    long long params = 0;

    // `m` in the layout `want`, through a reorder step when it is in another.
    memory as(const memory& m, const memory::desc& want) {
        if (m.get_desc() == want) return m;
        memory out(want, eng);
        steps.push_back({reorder(m, out), {{DNNL_ARG_FROM, m}, {DNNL_ARG_TO, out}}});
        return out;
    }

    network(const std::vector<op>& g, memory::dims input_dims) {
        std::vector<memory> out(g.size());
        out[0] = memory({input_dims, dt::f32, tag::nchw}, eng);
        fill(out[0], 3, 7);
        for (std::size_t i = 1; i != g.size(); ++i) {
            const op& o = g[i];
            const memory& x = out[static_cast<std::size_t>(o.a)];
            const memory::dims xd = x.get_desc().dims();
            const memory::desc any_src(xd, dt::f32, tag::any);
            if (o.kind == op::conv || o.kind == op::deconv) {
                const memory::dim n = xd[0], c = xd[1], h = xd[2], w = xd[3], k = o.kernel, s = o.stride;
                const memory::dims yd = o.kind == op::conv
                                            ? memory::dims{n, o.filters, (h + 2 * o.pad - k) / s + 1, (w + 2 * o.pad - k) / s + 1}
                                            : memory::dims{n, o.filters, (h - 1) * s + k, (w - 1) * s + k};
                const memory::dims wd{o.filters, c, k, k}, bd{o.filters};
                const memory::desc any_w(wd, dt::f32, tag::any), any_b(bd, dt::f32, tag::any), any_y(yd, dt::f32, tag::any);
                primitive_attr attr;
                if (o.relu) {
                    post_ops po;
                    po.append_eltwise(1.0f, algorithm::eltwise_relu, 0.0f, 0.0f);
                    attr.set_post_ops(po);
                }
                const memory::dims strides{s, s}, pads{o.pad, o.pad};
                memory::desc src_md, w_md, y_md;
                primitive p;
                if (o.kind == op::conv) {
                    auto d = o.bias ? convolution_forward::desc(prop_kind::forward_inference, algorithm::convolution_direct, any_src,
                                                                any_w, any_b, any_y, strides, pads, pads)
                                    : convolution_forward::desc(prop_kind::forward_inference, algorithm::convolution_direct, any_src,
                                                                any_w, any_y, strides, pads, pads);
                    convolution_forward::primitive_desc pd(d, attr, eng);
                    src_md = pd.src_desc(), w_md = pd.weights_desc(), y_md = pd.dst_desc();
                    p = convolution_forward(pd);
                } else {
                    auto d = o.bias ? deconvolution_forward::desc(prop_kind::forward_inference, algorithm::deconvolution_direct, any_src,
                                                                  any_w, any_b, any_y, strides, pads, pads)
                                    : deconvolution_forward::desc(prop_kind::forward_inference, algorithm::deconvolution_direct, any_src,
                                                                  any_w, any_y, strides, pads, pads);
                    deconvolution_forward::primitive_desc pd(d, attr, eng);
                    src_md = pd.src_desc(), w_md = pd.weights_desc(), y_md = pd.dst_desc();
                    p = deconvolution_forward(pd);
                }
                // Weights in a plain layout, reordered once into the primitive's: not timed.
                memory user_w({wd, dt::f32, tag::oihw}, eng), packed_w(w_md, eng);
                fill(user_w, static_cast<std::size_t>(c * k * k), static_cast<unsigned>(i));
                reorder(user_w, packed_w).execute(strm, user_w, packed_w);
                strm.wait();
                params += o.filters * c * k * k + (o.bias ? o.filters : 0);
                const memory src = as(x, src_md);
                out[i] = memory(y_md, eng);
                std::unordered_map<int, memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, packed_w}, {DNNL_ARG_DST, out[i]}};
                if (o.bias) {
                    memory b({bd, dt::f32, tag::x}, eng);
                    fill(b, 100, static_cast<unsigned>(i) + 1000u);
                    args.insert({DNNL_ARG_BIAS, b});
                }
                steps.push_back({p, args});
            } else if (o.kind == op::pool) {
                const memory::dims yd{xd[0], xd[1], xd[2] / o.stride, xd[3] / o.stride};
                pooling_forward::desc d(prop_kind::forward_inference, algorithm::pooling_max, x.get_desc(),
                                        memory::desc(yd, dt::f32, tag::any), {o.stride, o.stride}, {o.kernel, o.kernel}, {0, 0},
                                        {0, 0});
                pooling_forward::primitive_desc pd(d, eng);
                out[i] = memory(pd.dst_desc(), eng);
                steps.push_back({pooling_forward(pd), {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, out[i]}}});
            } else if (o.kind == op::crop_like) {
                const memory::dims like = out[static_cast<std::size_t>(o.b)].get_desc().dims();
                const memory::dims yd{xd[0], xd[1], like[2], like[3]};
                const memory::dims offsets{0, 0, (xd[2] - like[2]) / 2, (xd[3] - like[3]) / 2};
                const memory window(x.get_desc().submemory_desc(yd, offsets), eng, x.get_data_handle());
                out[i] = memory({yd, dt::f32, tag_of(x.get_desc())}, eng);
                steps.push_back({reorder(window, out[i]), {{DNNL_ARG_FROM, window}, {DNNL_ARG_TO, out[i]}}});
            } else if (o.kind == op::add) {
                const memory other = as(out[static_cast<std::size_t>(o.b)], x.get_desc());
                binary::primitive_desc pd(binary::desc(algorithm::binary_add, x.get_desc(), other.get_desc(), x.get_desc()), eng);
                out[i] = memory(x.get_desc(), eng);
                steps.push_back({binary(pd), {{DNNL_ARG_SRC_0, x}, {DNNL_ARG_SRC_1, other}, {DNNL_ARG_DST, out[i]}}});
            } else if (o.kind == op::concat) {
                const memory& y = out[static_cast<std::size_t>(o.b)];
                concat::primitive_desc pd(1, {x.get_desc(), y.get_desc()}, eng);
                out[i] = memory(pd.dst_desc(), eng);
                steps.push_back({concat(pd), {{DNNL_ARG_MULTIPLE_SRC, x}, {DNNL_ARG_MULTIPLE_SRC + 1, y}, {DNNL_ARG_DST, out[i]}}});
            } else if (o.kind == op::softmax) {
                softmax_forward::primitive_desc pd(softmax_forward::desc(prop_kind::forward_inference, x.get_desc(), 1), eng);
                out[i] = memory(x.get_desc(), eng);
                steps.push_back({softmax_forward(pd), {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, out[i]}}});
            }
        }
    }

    void run() {
        for (auto& [p, args] : steps) p.execute(strm, args);
        strm.wait();
    }
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

[[noreturn]] void usage(const char* self) {
    std::fprintf(stderr, "usage: %s fcn8|unet [--batch B] [--threads 1,2] [--min-runs N] [--max-runs N] [--budget SECONDS]\n", self);
    std::exit(2);
}
}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) usage(argv[0]);
    const std::string model = argv[1];
    if (model != "fcn8" && model != "unet") usage(argv[0]);
    int batch = 1, min_runs = 3, max_runs = 15;
    double budget = 2.0;
    std::vector<int> thread_counts{1, 2};
    for (int i = 2; i < argc; ++i) {
        const bool has_value = i + 1 < argc;
        if (std::strcmp(argv[i], "--batch") == 0 && has_value) batch = std::max(1, std::atoi(argv[++i]));
        else if (std::strcmp(argv[i], "--min-runs") == 0 && has_value) min_runs = std::max(1, std::atoi(argv[++i]));
        else if (std::strcmp(argv[i], "--max-runs") == 0 && has_value) max_runs = std::max(1, std::atoi(argv[++i]));
        else if (std::strcmp(argv[i], "--budget") == 0 && has_value) budget = std::atof(argv[++i]);
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
    const bool is_fcn8 = model == "fcn8";
    const std::vector<op> graph = is_fcn8 ? fcn8() : unet();
    const memory::dims input = is_fcn8 ? memory::dims{batch, 3, 224, 224} : memory::dims{batch, 1, 572, 572};
    bool printed_params = false;
    for (const int threads : thread_counts) {
        omp_set_num_threads(threads);
        network net(graph, input);
        if (!printed_params) std::printf("params=%lld\n", net.params), printed_params = true;
        net.run();  // warm-up
        std::vector<double> times;
        double spent = 0;
        while (static_cast<int>(times.size()) < min_runs || (static_cast<int>(times.size()) < max_runs && spent < budget)) {
            const auto start = std::chrono::steady_clock::now();
            net.run();
            times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
            spent += times.back();
        }
        std::printf("time threads=%d seconds=%.5f runs=%zu\n", threads, median(times), times.size());
        std::fflush(stdout);
    }
}
