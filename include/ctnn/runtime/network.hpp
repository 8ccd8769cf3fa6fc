// A model that runs: the weights of a typed Model and an executor driven by the Model's type.
//
// There is no second, run-time description of the graph: the executor unrolls the Model's
// topological order at compile time, each node reading its inputs from the buffers the
// compile-time memory plan gave them.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ctnn/error.hpp>
#include <ctnn/graph/memory_plan.hpp>
#include <ctnn/graph/model.hpp>
#include <ctnn/runtime/forward.hpp>
#include <ctnn/runtime/parallel.hpp>
#include <ctnn/runtime/tensor.hpp>
#include <ctnn/runtime/workspace.hpp>

namespace ctnn {

/// One weight array of a model: a layer's declared weight (layers/concept.hpp: its Keras name,
/// "kernel", "bias", "gamma", ..., shape in Keras' layout, trainable or not) and the layer it
/// belongs to, so that its key is `<layer>/<name>` (e.g. `block1_conv1/kernel`).
struct weight_spec : weight {
    std::string_view layer;

    std::string key() const { return std::string(layer) + "/" + std::string(name); }
};

namespace detail {
/// Every weight array of a graph's entries, in order.
template <class... Es>
constexpr auto weight_specs_of(graph<Es...>) {
    const std::array<std::span<const weight>, sizeof...(Es)> parts{std::span<const weight>(Es::weights)...};
    const std::array<std::string_view, sizeof...(Es)> layers{Es::name...};
    constexpr std::size_t total = detail::sum(std::array<std::size_t, sizeof...(Es)>{Es::weights.size()...});
    std::array<weight_spec, total> out{};
    std::size_t next = 0;
    for (std::size_t i = 0; i != parts.size(); ++i)
        for (const auto& w : parts[i]) out[next++] = weight_spec{w, layers[i]};
    return out;
}
/// Position of each entry's first weight array in that list.
template <class... Es>
constexpr std::array<std::size_t, sizeof...(Es)> first_weights_of(graph<Es...>) {
    std::array<std::size_t, sizeof...(Es)> first{};
    const std::array<std::size_t, sizeof...(Es)> counts{Es::weights.size()...};
    std::size_t next = 0;
    for (std::size_t i = 0; i != counts.size(); ++i) first[i] = next, next += counts[i];
    return first;
}
template <class... Es>
constexpr std::array<layer_kernel, sizeof...(Es)> kernels_of(graph<Es...>) {
    return {kernel_of<Es>()...};
}

/// Counter-based random numbers (splitmix64): value i of a stream depends only on the seed, the
/// layer's name and i, so initialisation is the same in any order and on any thread count.
constexpr std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
constexpr std::uint64_t hash(std::string_view s) {
    std::uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
    return h;
}
}  // namespace detail

/// Runs model type `M` (a Model<In, Out>): `network net{model}; auto y = net(x);`.
template <class M>
class network;

template <class In, class Out>
class network<Model<In, Out>> {
public:
    using model_type = Model<In, Out>;
    using input_tensor = tensor<shape_of<model_type::input_shape>>;
    using output_tensor = tensor<shape_of<model_type::output_shape>>;

    /// Every weight array, in model order and, within a layer, in the order it declares them.
    static constexpr auto weights = detail::weight_specs_of(typename model_type::graph_type{});

    /// Memory for every weight array, allocated and not yet written (so not yet resident).
    using weight_storage = std::array<detail::aligned_floats, weights.size()>;

    static weight_storage allocate_weights() {
        weight_storage storage;
        for (std::size_t i = 0; i != weights.size(); ++i)
            storage[i] = detail::aligned_floats(static_cast<std::size_t>(weights[i].size()));
        return storage;
    }

    /// What one prediction works in: its activations (the memory plan's arena, for its batch
    /// size) and the kernels' per-thread scratch. `predict` makes one per call; a thread that
    /// predicts often can keep its own and pass it, to allocate once. Never share one between
    /// threads at the same time.
    class context {
    public:
        context() = default;

    private:
        friend class network;
        detail::aligned_floats arena_;
        int batch_ = 0;
        detail::workspace workspace_{1};
    };

    /// Weights initialised as Keras does by default (Glorot-uniform kernels, zero biases), from
    /// `seed`.
    explicit network(model_type = {}, std::uint64_t seed = 0)
        : values_(std::make_shared<weight_storage>(allocate_weights())) {
        initialize(seed);
    }

    /// Takes weights filled by the caller (see io/weights.hpp, which checks them first).
    network(model_type, weight_storage&& values) : values_(std::make_shared<weight_storage>(std::move(values))) {}

    /// Networks move (their weights with them) but do not copy: 500 MB should not be copied by
    /// accident. Moving is not safe while another thread uses the network.
    /// Replaces every weight array at once (all or nothing: see io::load_weights). Safe while
    /// other threads predict, and waits for none of them: a prediction under way finishes with
    /// the weights it started with (kept alive until it ends), the next ones see the new weights.
    void replace_weights(weight_storage&& values) {
        auto fresh = std::make_shared<weight_storage>(std::move(values));
        const std::lock_guard lock(*values_mutex_);
        // The old weights are freed outside the lock: by `fresh`, or by the last prediction using them.
        values_.swap(fresh);
    }

    /// Glorot-uniform kernels (limit √(6 / (fan_in + fan_out)), fans as Keras computes them from
    /// the kernel's shape) and zero biases.
    void initialize(std::uint64_t seed) {
        if constexpr (!weights.empty()) initialize_kernels(seed);
    }
    // split out so that a model without weights never instantiates it
    void initialize_kernels(std::uint64_t seed) {
        // Chunks of a million values, so that conv6's 102 million spread over the threads.
        constexpr std::size_t chunk = std::size_t{1} << 20;
        std::vector<std::pair<std::size_t, std::size_t>> tasks;  // (array, first value)
        for (std::size_t i = 0; i != weights.size(); ++i)
            for (std::size_t k = 0; k < static_cast<std::size_t>(weights[i].size()); k += chunk) tasks.emplace_back(i, k);
        const std::shared_ptr<weight_storage> storage = current_weights();
        detail::parallel_for(tasks.size(), run_options{}.threads, [&](std::size_t t, int) {
            const auto [i, first] = tasks[t];
            const auto& spec = weights[i];
            float* v = (*storage)[i].data.get();
            const std::size_t last = std::min(first + chunk, static_cast<std::size_t>(spec.size()));
            // Keras' default initialisers: Glorot-uniform for kernels, ones for scales and
            // variances, zeros for the rest (biases, offsets, means).
            const bool glorot = spec.name.ends_with("kernel");
            if (!glorot) {
                const bool one = spec.name == "gamma" || spec.name == "moving_variance";
                std::fill(v + first, v + last, one ? 1.0f : 0.0f);
                return;
            }
            // Fans as Keras computes them: the last axis is out, the one before it in, and the
            // axes before those the receptive field.
            double receptive = 1.0;
            for (int a = 0; a + 2 < spec.rank; ++a) receptive *= static_cast<double>(spec.shape[static_cast<std::size_t>(a)]);
            const double fan_in = receptive * static_cast<double>(spec.shape[static_cast<std::size_t>(spec.rank - 2)]);
            const double fan_out = receptive * static_cast<double>(spec.shape[static_cast<std::size_t>(spec.rank - 1)]);
            const auto limit = static_cast<float>(std::sqrt(6.0 / (fan_in + fan_out)));
            const std::uint64_t key = detail::mix(seed ^ detail::hash(spec.layer));
            for (std::size_t k = first; k != last; ++k) {
                const auto bits = detail::mix(key + 0x9E3779B97F4A7C15ull * (k + 1)) >> 40;  // 24 random bits
                const float unit = static_cast<float>(bits) * (1.0f / 16777216.0f);   // [0, 1)
                v[k] = (2.0f * unit - 1.0f) * limit;
            }
        });
    }

    /// The values of weight array `i` of `weights` (Keras layout, row-major). Writing through
    /// them while another thread predicts is a data race: replace weights with replace_weights
    /// or io::load_weights instead.
    std::span<float> values(std::size_t i) {
        const auto& a = current_weights()->at(i);
        return {a.data.get(), a.size};
    }
    std::span<const float> values(std::size_t i) const {
        const auto& a = current_weights()->at(i);
        return {a.data.get(), a.size};
    }

    /// The values of `<layer>/<kind>`; throws std::invalid_argument naming the key if the model
    /// has no such array.
    std::span<float> values(std::string_view layer, std::string_view kind) { return values(index(layer, kind)); }
    std::span<const float> values(std::string_view layer, std::string_view kind) const { return values(index(layer, kind)); }

    static std::size_t index(std::string_view layer, std::string_view kind) {
        for (std::size_t i = 0; i != weights.size(); ++i)
            if (weights[i].layer == layer && weights[i].name == kind) return i;
        throw std::invalid_argument("the model has no weight array '" + std::string(layer) + "/" + std::string(kind) + "'");
    }

    /// Runs the model on a batch. Only a tensor of the model's input shape is accepted: any other
    /// shape is a compile error naming both shapes.
    /// Any number of threads may predict at once: the weights are only read, and each call
    /// works in a context of its own.
    template <class Shape>
    output_tensor operator()(const tensor<Shape>& x, run_options options = {}) const {
        constexpr bool ok = Shape::value == model_type::input_shape;
        CTNN_REQUIRE(ok, "the model was called with a tensor of another shape than its input's",
                     error::model_called_with_wrong_shape<shape_of<model_type::input_shape>, Shape>);
        if constexpr (ok) {
            return predict(x, options);
        } else {
            return output_tensor{};
        }
    }

    output_tensor predict(const input_tensor& x, run_options options = {}) const {
        context ctx;
        return predict(x, ctx, options);
    }

    /// The same, working in `ctx` (grown to the batch as needed, and kept for the next call).
    output_tensor predict(const input_tensor& x, context& ctx, run_options options = {}) const {
        if (options.threads < 1)
            throw std::invalid_argument("ctnn: threads must be at least 1, got " + std::to_string(options.threads));
        output_tensor y(x.batch());
        if (ctx.batch_ != x.batch()) {
            ctx.arena_ = allocate_activations(x.batch());
            ctx.batch_ = x.batch();
        }
        if (ctx.workspace_.threads() != options.threads) ctx.workspace_ = detail::workspace(options.threads);
        if (options.layer_seconds != nullptr) options.layer_seconds->assign(model_type::layer_count, 0.0);
        run(x.view(), y.view(), *current_weights(), ctx, options.layer_seconds);
        return y;
    }

    /// Bytes of activation memory per sample, besides the input and output tensors.
    static constexpr std::int64_t activation_bytes_per_sample = memory_plan<model_type>.peak * 4;

private:
    static constexpr auto plan = memory_plan<model_type>;
    static constexpr std::size_t input_index = model_type::input_index;
    static constexpr std::size_t output_index = model_type::layer_count - 1;

    /// Position in `weights` of each node's first weight array.
    static constexpr auto first_weight = detail::first_weights_of(typename model_type::graph_type{});

    /// The arena for a batch, or an exception saying how much was asked for: a batch too large
    /// for the machine's memory is a request to refuse, not a crash.
    static detail::aligned_floats allocate_activations(int batch) {
        const auto floats = static_cast<std::size_t>(plan.peak) * static_cast<std::size_t>(batch);
        try {
            return detail::aligned_floats(floats);
        } catch (const std::bad_alloc&) {
            throw std::length_error("ctnn: a batch of " + std::to_string(batch) + " needs " +
                                    std::to_string(floats * sizeof(float) / 1'048'576) +
                                    " MiB of activations, more than could be allocated");
        }
    }

    static tensor_view buffer(std::size_t node, tensor_view in, tensor_view out, const context& ctx) {
        if (node == input_index) return in;
        if (node == output_index) return out;
        return {ctx.arena_.data.get() + plan.offset[node] * ctx.batch_, ctx.batch_, model_type::layers[node].output_shape};
    }

    /// The kernel of every node, in the order of `layers`: one function per layer type, named by
    /// that type alone. (Member functions per node would each be named after the whole model,
    /// whose type spells every layer: a thousand names a thousand layers long.)
    static constexpr auto kernels = detail::kernels_of(typename model_type::graph_type{});

    /// Inputs of the node with the most.
    static constexpr std::size_t max_inputs = [] {
        std::size_t n = 1;
        for (const auto& l : model_type::layers) n = std::max(n, l.input_count);
        return n;
    }();

    // `storage` is held by the caller's shared_ptr for the whole run, whatever replaces it meanwhile.
    void run(tensor_view in, tensor_view out, const weight_storage& storage, context& ctx,
             std::vector<double>* layer_seconds) const {
        if constexpr (model_type::layer_count == 1) {
            std::memcpy(out.data, in.data, sizeof(float) * static_cast<std::size_t>(in.sample_size() * in.batch));
        } else {
            std::array<const float*, weights.size()> weight_data{};
            for (std::size_t k = 0; k != weights.size(); ++k) weight_data[k] = storage[k].data.get();
            std::array<tensor_view, max_inputs> inputs{};
            for (std::size_t i = 0; i != model_type::layer_count; ++i) {
                if (i == input_index) continue;
                const auto& info = model_type::layers[i];
                // `e < max_inputs` always holds; stated so that GCC 12 sees the bound (else it warns
                // -Wstringop-overflow of writes past `inputs` that cannot happen).
                for (std::size_t e = 0; e != info.input_count && e < max_inputs; ++e)
                    inputs[e] = buffer(model_type::edges[info.first_input + e], in, out, ctx);
                const auto start =
                    layer_seconds != nullptr ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
                const std::size_t first = first_weight[i], last = i + 1 < first_weight.size() ? first_weight[i + 1] : weights.size();
                kernels[i](detail::node_io{std::span<const tensor_view>(inputs.data(), info.input_count), buffer(i, in, out, ctx),
                                           std::span<const float* const>(weight_data.data() + first, last - first), ctx.workspace_});
                if (layer_seconds != nullptr)
                    (*layer_seconds)[i] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            }
        }
    }

    /// The weights now, held for as long as the caller keeps the pointer.
    std::shared_ptr<weight_storage> current_weights() const {
        const std::lock_guard lock(*values_mutex_);
        return values_;
    }

    // Swapped whole by replace_weights; each prediction holds the set it started with. The mutex
    // guards only the copy or swap of the pointer, so nothing waits for a prediction. (A
    // reader-writer lock held for a whole prediction would do too, but glibc's lets a steady
    // stream of predictions starve a weight update forever.) Behind a pointer so that networks
    // stay movable.
    std::shared_ptr<weight_storage> values_;
    std::unique_ptr<std::mutex> values_mutex_ = std::make_unique<std::mutex>();
};

/// A network of a model that failed its checks: its diagnostic was given, so building, running
/// and loading it say nothing more (it holds no weights and computes nothing).
template <class In, class Out>
    requires invalid_model<Model<In, Out>>
class network<Model<In, Out>> {
public:
    using model_type = Model<In, Out>;
    static constexpr std::array<weight_spec, 0> weights{};
    static constexpr unknown_value activation_bytes_per_sample{};

    explicit network(model_type = {}, std::uint64_t = 0) {}
    void initialize(std::uint64_t) {}
    template <class Tensor>
    unknown_value operator()(const Tensor&, run_options = {}) const {
        return {};
    }
    template <class Tensor>
    unknown_value predict(const Tensor&, run_options = {}) const {
        return {};
    }
};

template <class In, class Out>
network(Model<In, Out>, std::uint64_t = 0) -> network<Model<In, Out>>;

/// `network<decltype(model)>` for a constexpr model names a const Model: the same network.
template <class M>
class network<const M> : public network<M> {
    using network<M>::network;
};

}  // namespace ctnn
