// A model that runs: the weights of a typed Model and an executor driven by the Model's type.
//
// There is no second, run-time description of the graph: the executor unrolls the Model's
// topological order at compile time, each node reading its inputs from the buffers the
// compile-time memory plan gave them.
//
// A BatchNormalization that follows a convolution nothing else reads is folded into that
// convolution (graph/folding.hpp): the network keeps a scaled copy of the convolution's kernel and
// a shifted bias beside the weights as set, made whenever the weights change, and skips the
// BatchNormalization node. The weights as set (and as saved) stay the unfolded ones. An
// activation layer after such a layer (or after its folded BatchNormalization) folds too: the
// layer's kernel is told to apply it (node_io::folded_activation), and the node is skipped; so
// does a ZeroPadding2D before a layer that reads its input as if padded (node_io::input_padding),
// and an Add after a convolution, whose kernel adds the other input (node_io::residual). A 1×1
// convolution before a depthwise layer folds into that layer, which has it compute the rows it
// reads (node_io::producer), and its output is never written.
//
// A kernel is prepared once, when the weights change, in the form its layer's kernel reads
// (kernels/conv2d.hpp's prepared_kernel, which the layer's kernel header chooses and makes):
// a Conv2D's or Conv2DTranspose's packed for the GEMM micro-kernel, or, for a 3×3 Conv2D that the
// static shapes make cheaper by Winograd, transformed (kernels/winograd.hpp). A packed kernel
// *replaces* the Keras-layout one in memory (FCN-8's weights are half a gigabyte): reading it
// back (`values`, and so saving) unpacks it, exactly, since packing only moves values. A
// Winograd kernel is kept beside the Keras-layout one: its transform cannot be inverted exactly
// in floating point, and weights saved and loaded again must give the same outputs bit for bit;
// the cost model bounds the memory this takes (kernels/winograd.hpp).
//
// A batch of several samples runs by the schedule graph/batch_schedule.hpp makes from the model's
// type: segments of layers, each over the whole batch or one sample at a time.
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
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <ctnn/error.hpp>
#include <ctnn/graph/batch_schedule.hpp>
#include <ctnn/graph/folding.hpp>
#include <ctnn/graph/memory_plan.hpp>
#include <ctnn/graph/model.hpp>
#include <ctnn/runtime/float_mode.hpp>
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
/// The model's weight arrays, layer by layer in graph order; a layer applied to several nodes
/// (a shared layer) has its arrays once, at its first application.
template <class M, class... Es>
constexpr auto weight_specs_of(graph<Es...>) {
    const std::array<std::span<const weight>, sizeof...(Es)> parts{std::span<const weight>(Es::weights)...};
    const std::array<std::string_view, sizeof...(Es)> layers{Es::name...};
    constexpr std::size_t total = [] {
        const std::array<std::size_t, sizeof...(Es)> counts{Es::weights.size()...};
        std::size_t n = 0;
        for (std::size_t i = 0; i != counts.size(); ++i) n += M::owner[i] == i ? counts[i] : 0;
        return n;
    }();
    std::array<weight_spec, total> out{};
    std::size_t next = 0;
    for (std::size_t i = 0; i != parts.size(); ++i)
        if (M::owner[i] == i)
            for (const auto& w : parts[i]) out[next++] = weight_spec{w, layers[i]};
    return out;
}
/// Where each node's weight arrays start in the list above (a shared layer's applications all
/// at its first's).
template <class M, class... Es>
constexpr std::array<std::size_t, sizeof...(Es)> first_weights_of(graph<Es...>) {
    std::array<std::size_t, sizeof...(Es)> first{};
    const std::array<std::size_t, sizeof...(Es)> counts{Es::weights.size()...};
    std::size_t next = 0;
    for (std::size_t i = 0; i != counts.size(); ++i) {
        if (M::owner[i] == i) first[i] = next, next += counts[i];
        else first[i] = first[M::owner[i]];
    }
    return first;
}
/// Per node, the form its layer keeps its kernel in for its shapes (kernels/conv2d.hpp). One
/// braced list, not a fold over the entries: Clang nests a fold one level per entry and stops at
/// 256 (DenseNet121 has 429), and a function per entry named after the model would cost GCC the
/// model's name each time. Each entry's form is a constant of its own, so that the steps of
/// choosing it (the shape rules, the cost model) count against the compiler's limit per entry,
/// not summed over the model: summed, a 1024-layer residual model passed Clang 14's limit.
template <class E>
constexpr prepared_kernel prepared_kernel_for() {
    if constexpr (E::input_count == 0) return prepared_kernel{};
    else return prepared_kernel_of(std::type_identity<kernel_layer_t<typename E::layer_type>>{}, E::input_shapes[0], E::output_shape);
}
template <class E>
inline constexpr prepared_kernel prepared_kernel_at = prepared_kernel_for<E>();
template <class... Es>
constexpr std::array<prepared_kernel, sizeof...(Es)> prepared_kernels_of(graph<Es...>) {
    return {prepared_kernel_at<Es>...};
}
template <class... Es>
constexpr std::array<std::size_t, sizeof...(Es)> weight_counts_of(graph<Es...>) {
    return {Es::weights.size()...};
}
template <class... Es>
constexpr std::array<layer_kernel, sizeof...(Es)> kernels_of(graph<Es...>) {
    return {kernel_of<Es>()...};
}
template <class... Es>
constexpr std::array<row_kernel, sizeof...(Es)> row_kernels_of(graph<Es...>) {
    return {row_kernel_of<Es>()...};
}

/// How a channel-affine layer (BatchNormalization) computes its per-channel scale and shift from
/// its weight arrays; the network folds them into the layer before it.
using scale_shift_fn = void (*)(std::span<const float* const> weights, int channels, float* scale, float* shift);
template <class L>
void run_scale_shift(std::span<const float* const> weights, int channels, float* scale, float* shift) {
    scale_shift(std::type_identity<L>{}, weights, channels, scale, shift);
}
template <class E>
constexpr scale_shift_fn scale_shift_of() {
    if constexpr (fold_role_of<typename E::layer_type>() == fold_role::channel_affine) return &run_scale_shift<kernel_layer_t<typename E::layer_type>>;
    else return nullptr;
}
template <class... Es>
constexpr std::array<scale_shift_fn, sizeof...(Es)> scale_shifts_of(graph<Es...>) {
    return {scale_shift_of<Es>()...};
}

template <class L>
constexpr std::size_t output_kernel_of() {
    if constexpr (fold_role_of<L>() == fold_role::absorbs) return L::output_kernel;
    else return 0;
}
template <class... Es>
constexpr std::array<std::size_t, sizeof...(Es)> output_kernels_of(graph<Es...>) {
    return {output_kernel_of<typename Es::layer_type>()...};
}
/// Consecutive values of a node's output kernel that belong to one output channel: 1 where the
/// channels are the kernel's last axis, else what the layer declares (`output_kernel_run`,
/// Conv2DTranspose's input channels).
template <class E>
constexpr std::int64_t output_kernel_run_of() {
    using L = typename E::layer_type;
    if constexpr (fold_role_of<L>() != fold_role::absorbs || E::input_count == 0) return 1;
    else if constexpr (requires { L::template output_kernel_run<E::input_shapes[0]>; })
        return L::template output_kernel_run<E::input_shapes[0]>;
    else return 1;
}
template <class... Es>
constexpr std::array<std::int64_t, sizeof...(Es)> output_kernel_runs_of(graph<Es...>) {
    return {output_kernel_run_of<Es>()...};
}

/// One fold of a channel-affine node into the layer before it, as positions: in `layers`
/// (absorber, folded) and in the network's list of weights (the absorber's output kernel and its
/// bias or `none`, the folded node's first array and count). A fold into the layer after it
/// (graph/folding.hpp's input_affine) uses only `absorber`, `folded`, `first`, `count` and what
/// follows.
struct fold_spec {
    std::size_t absorber = 0, folded = 0, kernel = 0, bias = 0, first = 0, count = 0;
    int channels = 0;
    /// Consecutive kernel values of one output channel (output_kernel_run_of).
    std::int64_t run = 1;
    scale_shift_fn scale_shift = nullptr;
};
/// The folds of channel-affine nodes into layers that map their input or their output by them
/// (graph/folding.hpp's input_affine, output_affine), in node order: `folded_by[p]` is the node
/// folded into node p of model `M`, or `none`.
template <class M, std::size_t Count, std::size_t N>
constexpr std::array<fold_spec, Count> map_folds(const std::array<std::size_t, N>& folded_by, std::size_t none,
                                                 const std::array<std::size_t, N>& first_weight,
                                                 const std::array<std::size_t, N>& weight_counts) {
    constexpr auto scale_shifts = scale_shifts_of(typename M::graph_type{});
    std::array<fold_spec, Count> out{};
    std::size_t f = 0;
    for (std::size_t p = 0; p != N; ++p) {
        const std::size_t j = folded_by[p];
        if (j == none) continue;
        auto& spec = out[f++];
        spec.absorber = p, spec.folded = j, spec.first = first_weight[j], spec.count = weight_counts[j];
        spec.channels = M::layers[j].output_shape.channels;
        spec.scale_shift = scale_shifts[j];
    }
    return out;
}
/// Per node of `Nodes`, the position in `specs` of the fold it absorbs, or `none`.
template <std::size_t Nodes, std::size_t N>
constexpr std::array<std::size_t, Nodes> fold_positions(const std::array<fold_spec, N>& specs, std::size_t none) {
    std::array<std::size_t, Nodes> out{};
    out.fill(none);
    for (std::size_t f = 0; f != N; ++f) out[specs[f].absorber] = f;
    return out;
}

/// Counter-based random numbers (splitmix64): value i of a stream depends only on the seed, the
/// layer's name and i, so initialisation is the same in any order and on any thread count.
/// `std::tuple<tensor<...>...>` of the shapes in `Shapes`, for models of several inputs or outputs.
template <auto Shapes, class Seq = std::make_index_sequence<Shapes.size()>>
struct tensor_tuple;
template <auto Shapes, std::size_t... I>
struct tensor_tuple<Shapes, std::index_sequence<I...>> {
    using type = std::tuple<tensor<shape_of<Shapes[I]>>...>;
    using refs = std::tuple<const tensor<shape_of<Shapes[I]>>&...>;
    static type make(int batch) { return type{tensor<shape_of<Shapes[I]>>(((void)I, batch))...}; }
    template <class Tuple>
    static auto views(const Tuple& t) {
        return std::array<tensor_view, sizeof...(I)>{std::get<I>(t).view()...};
    }
};

/// For each node, its slot among `indices` (a model's inputs or outputs), or `npos`: the first
/// slot where a node is listed twice.
inline constexpr std::size_t npos = static_cast<std::size_t>(-1);
template <std::size_t Nodes, std::size_t N>
constexpr std::array<std::size_t, Nodes> slots_of(const std::array<std::size_t, N>& indices) {
    std::array<std::size_t, Nodes> slot{};
    for (auto& s : slot) s = npos;
    for (std::size_t k = N; k-- != 0;)
        if (indices[k] < Nodes) slot[indices[k]] = k;
    return slot;
}

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
/// Activations for `batch` samples: one of a context's arenas.
struct activation_arena {
    aligned_floats floats;
    int batch = 0;
};
/// Arrays a network makes from its weights (folded copies, prepared kernels), swapped whole with
/// them, and whether they are to be made again.
template <std::size_t N>
struct derived_arrays {
    std::array<aligned_floats, N> arrays;
    bool stale = true;
};
/// One prepared kernel of a network: its node, the kernel's position among the weights, its form.
struct prepared_spec {
    std::size_t node = 0, kernel = 0;
    prepared_kernel form{};
};
/// Where a pass finds the maps: the caller's tensors, the arenas of a schedule of `Nodes` nodes,
/// and the sample it runs (all of the batch if `sample` < 0).
template <std::size_t Nodes>
struct pass_maps {
    std::span<const tensor_view> in, out;
    const batch_schedule_result<Nodes>* schedule;
    const activation_arena* batch;
    const activation_arena* sample_arena;
    const activation_arena* handoff;
    int sample = -1;
};
}  // namespace detail

template <class M>
class network;

/// What one prediction works in: its activations (the memory plan's arena for the whole batch,
/// for the parts of a model that go layer by layer; one for each thread's sample, for the parts
/// that go sample by sample; and the maps handed from one to the other: see
/// graph/batch_schedule.hpp) and the kernels' per-thread scratch. A network's `predict` makes one
/// per call; a thread that predicts often can keep its own (`decltype(net)::context`) and pass
/// it, to allocate once — to networks of any model, each call sizing the arenas for its own.
/// Never share one between threads at the same time.
///
/// Why not a member of `network<M>` (nor the types above): a type nested in `network<M>` is named
/// after the whole model, and so is every function of the standard library made for it (a vector
/// of its arenas, a shared_ptr of its arrays). GCC 12 names each function it meets in time that
/// grows with the square of the name (99 KB for ResNet152): nested, these types made GCC take 95
/// CPU seconds on examples/classify_resnet152.cpp instead of 66.
class network_context {
public:
    network_context() = default;

private:
    template <class M>
    friend class network;
    /// The maps of by-layer segments, for the whole batch (graph/batch_schedule.hpp).
    detail::activation_arena batch_;
    /// The maps of by-sample segments: [0] for one sample on all threads, [k] for thread k's
    /// samples when each thread runs its own.
    std::vector<detail::activation_arena> samples_ = std::vector<detail::activation_arena>(1);
    /// The maps handed over from a by-sample segment to a later one, for the whole batch.
    detail::activation_arena handoff_;
    /// Scratch of a pass on all threads, and of each thread's own passes.
    detail::workspace wide_{1};
    std::vector<detail::workspace> narrow_;
};

/// Runs model type `M` (a Model<In, Out, Name>): `network net{model}; auto y = net(x);`.
template <class In, class Out, class Name>
class network<Model<In, Out, Name>> {
public:
    using model_type = Model<In, Out, Name>;
    /// The tensors of the model's inputs and outputs, as a tuple in the order the model lists
    /// them; a model of one input and one output is called with and returns plain tensors.
    using input_tensors = typename detail::tensor_tuple<model_type::input_shapes>::type;
    using output_tensors = typename detail::tensor_tuple<model_type::output_shapes>::type;
    /// What `predict` takes for a model of several inputs: `net.predict(std::tie(x, mask))` (a
    /// tuple of tensors converts to it too).
    using input_refs = typename detail::tensor_tuple<model_type::input_shapes>::refs;
    using input_tensor = std::tuple_element_t<0, input_tensors>;
    using output_tensor = std::tuple_element_t<0, output_tensors>;
    static constexpr bool single_io = model_type::input_count == 1 && model_type::output_count == 1;

    /// Every weight array, in model order and, within a layer, in the order it declares them.
    static constexpr auto weights = detail::weight_specs_of<model_type>(typename model_type::graph_type{});

    /// Memory for every weight array, allocated and not yet written (so not yet resident).
    using weight_storage = std::array<detail::aligned_floats, weights.size()>;

    static weight_storage allocate_weights() {
        weight_storage storage;
        for (std::size_t i = 0; i != weights.size(); ++i)
            storage[i] = detail::aligned_floats(static_cast<std::size_t>(weights[i].size()));
        return storage;
    }

    /// Which nodes fold into which (graph/folding.hpp).
    static constexpr auto folding = ctnn::folding<model_type>;

    /// What one prediction works in (see network_context).
    using context = network_context;

    /// Weights initialised as Keras does by default (Glorot-uniform kernels, zero biases), from
    /// `seed`.
    explicit network(model_type = {}, std::uint64_t seed = 0)
        : values_(std::make_shared<weight_storage>(allocate_weights())),
          folded_(std::make_shared<folded_set>()),
          prepared_(std::make_shared<prepared_set>()) {
        initialize(seed);
    }

    /// Takes weights filled by the caller (see io/weights.hpp, which checks them first).
    network(model_type, weight_storage&& values)
        : values_(std::make_shared<weight_storage>(std::move(values))),
          folded_(make_folded(*values_)),
          prepared_(make_prepared(*values_, *folded_)) {}

    /// Networks move (their weights with them) but do not copy: 500 MB should not be copied by
    /// accident. Moving is not safe while another thread uses the network.
    /// Replaces every weight array at once (all or nothing: see io::load_weights). Safe while
    /// other threads predict, and waits for none of them: a prediction under way finishes with
    /// the weights it started with (kept alive until it ends), the next ones see the new weights.
    void replace_weights(weight_storage&& values) {
        auto fresh = std::make_shared<weight_storage>(std::move(values));
        auto fresh_folded = make_folded(*fresh);
        auto fresh_prepared = make_prepared(*fresh, *fresh_folded);
        const std::lock_guard lock(*values_mutex_);
        // The old weights are freed outside the lock: by `fresh`, or by the last prediction using them.
        values_.swap(fresh);
        folded_.swap(fresh_folded);
        prepared_.swap(fresh_prepared);
    }

    /// Glorot-uniform kernels (limit √(6 / (fan_in + fan_out)), fans as Keras computes them from
    /// the kernel's shape) and zero biases.
    void initialize(std::uint64_t seed) {
        if constexpr (!weights.empty()) initialize_kernels(seed);
        mark_folded_stale();
    }
    // split out so that a model without weights never instantiates it
    void initialize_kernels(std::uint64_t seed) {
        // Chunks of a million values, so that conv6's 102 million spread over the threads.
        constexpr std::size_t chunk = std::size_t{1} << 20;
        std::vector<std::pair<std::size_t, std::size_t>> tasks;  // (array, first value)
        for (std::size_t i = 0; i != weights.size(); ++i)
            for (std::size_t k = 0; k < static_cast<std::size_t>(weights[i].size()); k += chunk) tasks.emplace_back(i, k);
        const std::shared_ptr<weight_storage> storage = current_weights();
        // A kernel kept only in its prepared form gets its array back, to be overwritten.
        for (std::size_t i = 0; i != weights.size(); ++i)
            if ((*storage)[i].data == nullptr) (*storage)[i] = detail::aligned_floats(static_cast<std::size_t>(weights[i].size()));
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
    /// or io::load_weights instead. Folded, packed and Winograd-transformed copies (see above)
    /// are made again at the next prediction after this call, so write before predicting, not
    /// through a span kept from before an earlier prediction. A kernel kept only packed is
    /// restored here, exactly, and a span of it stays valid until the next prediction after a
    /// write.
    std::span<float> values(std::size_t i) {
        const auto& a = restored(i);
        mark_folded_stale();
        return {a.data.get(), a.size};
    }
    std::span<const float> values(std::size_t i) const {
        const auto& a = restored(i);
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
    /// works in a context of its own. It computes as TensorFlow's CPU kernels do, denormal
    /// floats flushed to zero and rounding to nearest (runtime/float_mode.hpp), and gives the
    /// calling thread its own floating-point mode back.
    template <class Shape>
        requires single_io
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

    output_tensor predict(const input_tensor& x, run_options options = {}) const
        requires single_io
    {
        context ctx;
        return predict(x, ctx, options);
    }

    output_tensor predict(const input_tensor& x, context& ctx, run_options options = {}) const
        requires single_io
    {
        output_tensor y(x.batch());
        const std::array<tensor_view, 1> in{x.view()}, out{y.view()};
        run(in, out, ctx, options);
        return y;
    }

    /// A model of several inputs or outputs: `auto [a, b] = net(x, mask);`, each tensor checked
    /// against its input's shape.
    template <class... Shapes>
        requires(!single_io)
    output_tensors operator()(const tensor<Shapes>&... xs) const {
        constexpr bool count_ok = sizeof...(Shapes) == model_type::input_count;
        CTNN_REQUIRE(count_ok, "the model was called with another number of tensors than it has inputs",
                     error::model_called_with_wrong_number_of_tensors<std::integral_constant<std::size_t, model_type::input_count>,
                                                                      std::integral_constant<std::size_t, sizeof...(Shapes)>>);
        if constexpr (!count_ok) {
            return output_tensors{};
        } else if constexpr (!check_shapes<Shapes...>(std::make_index_sequence<sizeof...(Shapes)>{})) {
            return output_tensors{};
        } else {
            context ctx;
            const int batch = first_batch(xs...);
            output_tensors ys = detail::tensor_tuple<model_type::output_shapes>::make(batch);
            run(std::array<tensor_view, sizeof...(Shapes)>{xs.view()...}, detail::tensor_tuple<model_type::output_shapes>::views(ys),
                ctx, {});
            return ys;
        }
    }

    output_tensors predict(const input_refs& xs, run_options options = {}) const
        requires(!single_io)
    {
        context ctx;
        return predict(xs, ctx, options);
    }

    output_tensors predict(const input_refs& xs, context& ctx, run_options options = {}) const
        requires(!single_io)
    {
        const auto in = detail::tensor_tuple<model_type::input_shapes>::views(xs);
        output_tensors ys = detail::tensor_tuple<model_type::output_shapes>::make(in[0].batch);
        run(in, detail::tensor_tuple<model_type::output_shapes>::views(ys), ctx, options);
        return ys;
    }

    static constexpr std::int64_t activation_bytes_per_sample = memory_plan<model_type>.peak * 4;

private:
    static constexpr auto plan = memory_plan<model_type>;
    static constexpr auto input_slot = detail::slots_of<model_type::layer_count>(model_type::input_indices);
    static constexpr auto output_slot = detail::slots_of<model_type::layer_count>(model_type::output_indices);

    template <class... Shapes, std::size_t... K>
    static constexpr bool check_shapes(std::index_sequence<K...>) {
        return (check_shape<K, Shapes>() && ...);
    }
    template <std::size_t K, class Shape>
    static constexpr bool check_shape() {
        constexpr bool ok = Shape::value == model_type::input_shapes[K];
        CTNN_REQUIRE(ok, "the model was called with a tensor of another shape than its input's",
                     error::model_called_with_wrong_shape<shape_of<model_type::input_shapes[K]>, Shape>);
        return ok;
    }
    template <class... Ts>
    static int first_batch(const Ts&... xs) {
        const std::array<int, sizeof...(Ts)> batches{xs.batch()...};
        for (const int b : batches)
            if (b != batches[0])
                throw std::invalid_argument("ctnn: the model's inputs have different batch sizes (" + std::to_string(batches[0]) +
                                            " and " + std::to_string(b) + ")");
        return batches[0];
    }

    static constexpr auto first_weight = detail::first_weights_of<model_type>(typename model_type::graph_type{});

    /// The arena for a batch, or an exception saying how much was asked for: a batch too large
    /// for the machine's memory is a request to refuse, not a crash.
    static detail::aligned_floats allocate_activations(int batch, std::int64_t per_sample) {
        const auto floats = static_cast<std::size_t>(per_sample) * static_cast<std::size_t>(batch);
        try {
            return detail::aligned_floats(detail::aligned_floats::whole_huge_pages(floats));
        } catch (const std::bad_alloc&) {
            throw std::length_error("ctnn: a batch of " + std::to_string(batch) + " needs " +
                                    std::to_string(floats * sizeof(float) / 1'048'576) +
                                    " MiB of activations, more than could be allocated");
        }
    }

    using maps = detail::pass_maps<model_type::layer_count>;
    /// The whole batch of a map for `batch` samples at `data`, or the sample `m.sample`'s.
    static tensor_view part(const maps& m, float* data, int batch, dims shape) {
        const tensor_view all{data, batch, shape};
        return m.sample < 0 ? all : tensor_view{all.sample(m.sample), 1, shape};
    }
    static tensor_view buffer(std::size_t node, const maps& m) {
        // A layer that absorbs folds writes the last folded node's buffer (memory_plan.hpp).
        node = folding.writes[node];
        const dims shape = model_type::layers[node].output_shape;
        if (input_slot[node] != detail::npos) return part(m, m.in[input_slot[node]].data, m.in[input_slot[node]].batch, shape);
        if (output_slot[node] != detail::npos) return part(m, m.out[output_slot[node]].data, m.out[output_slot[node]].batch, shape);
        switch (m.schedule->storage[node]) {
        case batch_storage::sample: return {m.sample_arena->floats.data.get() + plan.offset[node], 1, shape};
        case batch_storage::handoff:
            return part(m, m.handoff->floats.data.get() + m.schedule->handoff_offset[node] * m.handoff->batch, m.handoff->batch, shape);
        case batch_storage::batch: break;
        }
        return part(m, m.batch->floats.data.get() + plan.offset[node] * m.batch->batch, m.batch->batch, shape);
    }

    static constexpr auto kernels = detail::kernels_of(typename model_type::graph_type{});
    static constexpr auto row_kernels = detail::row_kernels_of(typename model_type::graph_type{});
    static constexpr auto weight_counts = detail::weight_counts_of(typename model_type::graph_type{});

    /// Inputs of the node with the most.
    static constexpr std::size_t max_inputs = [] {
        std::size_t n = 1;
        for (const auto& l : model_type::layers) n = std::max(n, l.input_count);
        return n;
    }();

    // ---- Folding (graph/folding.hpp) -----------------------------------------------------------
    static constexpr std::size_t fold_count = folding.count;
    /// Per node, the position among its weights of the kernel a fold scales.
    static constexpr auto output_kernels = detail::output_kernels_of(typename model_type::graph_type{});
    static constexpr std::array<detail::fold_spec, fold_count> folds = [] {
        constexpr auto scale_shifts = detail::scale_shifts_of(typename model_type::graph_type{});
        constexpr auto runs = detail::output_kernel_runs_of(typename model_type::graph_type{});
        std::array<detail::fold_spec, fold_count> out{};
        std::size_t f = 0;
        for (std::size_t i = 0; i != model_type::layer_count; ++i) {
            const std::size_t p = folding.folded_into[i];
            if (p == folding.none || folding.absorbs[p] != i) continue;  // none, or an activation
            auto& spec = out[f++];
            const std::size_t p_first = first_weight[p], p_last = p_first + weight_counts[p];
            spec.absorber = p, spec.folded = i, spec.bias = folding.none;
            spec.kernel = p_first + output_kernels[p];
            for (std::size_t k = p_first; k != p_last; ++k)
                if (weights[k].name == "bias") spec.bias = k;
            spec.first = first_weight[i];
            spec.count = weight_counts[i];
            spec.channels = model_type::layers[i].output_shape.channels;
            spec.run = runs[p];
            spec.scale_shift = scale_shifts[i];
        }
        return out;
    }();
    /// Position in `folds` of the fold each node absorbs, or none.
    static constexpr auto fold_of = detail::fold_positions<model_type::layer_count>(folds, folding.none);
    /// Channel-affine nodes folded into the layer after them, which maps its input by them.
    static constexpr std::size_t input_fold_count = folding.input_affine_count;
    static constexpr auto input_folds =
        detail::map_folds<model_type, input_fold_count>(folding.input_affine, folding.none, first_weight, weight_counts);
    /// Position in `input_folds` of the fold each node maps its input by, or none.
    static constexpr auto input_fold_of = detail::fold_positions<model_type::layer_count>(input_folds, folding.none);
    /// Channel-affine nodes folded into the layer before them after its activation, which maps
    /// its output by them.
    static constexpr std::size_t output_fold_count = folding.output_affine_count;
    static constexpr auto output_folds =
        detail::map_folds<model_type, output_fold_count>(folding.output_affine, folding.none, first_weight, weight_counts);
    static constexpr auto output_fold_of = detail::fold_positions<model_type::layer_count>(output_folds, folding.none);
    /// The maps layers apply to their input (input_folds), then to their output (output_folds).
    static constexpr std::size_t map_fold_count = input_fold_count + output_fold_count;
    static constexpr bool has_folds = fold_count + map_fold_count != 0;

    /// Per fold: the absorber's scaled output kernel, then its shifted bias; then per fold into
    /// the layer after, and per fold after an activation: the scale, then the shift.
    using folded_set = detail::derived_arrays<2 * (fold_count + map_fold_count)>;
    static detail::channel_map input_map_of(std::size_t node, const folded_set& folded) {
        const std::size_t f = input_fold_of[node];
        if (f == folding.none) return {};
        return {folded.arrays[2 * (fold_count + f)].data.get(), folded.arrays[2 * (fold_count + f) + 1].data.get(),
                folding.activation[input_folds[f].folded]};
    }
    static detail::channel_map output_map_of(std::size_t node, const folded_set& folded) {
        const std::size_t f = output_fold_of[node];
        if (f == folding.none) return {};
        const std::size_t at = 2 * (fold_count + input_fold_count + f);
        return {folded.arrays[at].data.get(), folded.arrays[at + 1].data.get(), activation_kind::linear};
    }

    static void fold(const weight_storage& w, folded_set& out) {
        for (std::size_t f = 0; f != fold_count; ++f) {
            const auto& spec = folds[f];
            const auto channels = static_cast<std::size_t>(spec.channels);
            std::vector<float> scale(channels), shift(channels);
            std::array<const float*, 8> arrays{};
            for (std::size_t k = 0; k != spec.count; ++k) arrays[k] = w[spec.first + k].data.get();
            spec.scale_shift(std::span<const float* const>(arrays.data(), spec.count), spec.channels, scale.data(), shift.data());
            const auto& kernel = w[spec.kernel];
            auto& scaled = out.arrays[2 * f];
            if (scaled.size != kernel.size) scaled = detail::aligned_floats(kernel.size);
            const auto run = static_cast<std::size_t>(spec.run);
            for (std::size_t k = 0; k != kernel.size; ++k) scaled.data[k] = kernel.data[k] * scale[k / run % channels];
            auto& bias = out.arrays[2 * f + 1];
            if (bias.size != channels) bias = detail::aligned_floats(channels);
            for (std::size_t c = 0; c != channels; ++c)
                bias.data[c] = (spec.bias == folding.none ? 0.0f : w[spec.bias].data[c]) * scale[c] + shift[c];
        }
        for (std::size_t f = 0; f != map_fold_count; ++f) {
            const auto& spec = f < input_fold_count ? input_folds[f] : output_folds[f - input_fold_count];
            const auto channels = static_cast<std::size_t>(spec.channels);
            std::array<const float*, 8> arrays{};
            for (std::size_t k = 0; k != spec.count; ++k) arrays[k] = w[spec.first + k].data.get();
            auto& scale = out.arrays[2 * (fold_count + f)];
            auto& shift = out.arrays[2 * (fold_count + f) + 1];
            if (scale.size != channels) scale = detail::aligned_floats(channels), shift = detail::aligned_floats(channels);
            spec.scale_shift(std::span<const float* const>(arrays.data(), spec.count), spec.channels, scale.data.get(), shift.data.get());
        }
        out.stale = false;
    }
    static std::shared_ptr<folded_set> make_folded(const weight_storage& w) {
        auto out = std::make_shared<folded_set>();
        if constexpr (has_folds) fold(w, *out);
        return out;
    }
    void mark_folded_stale() {
        const std::lock_guard lock(*values_mutex_);
        folded_->stale = has_folds;
        prepared_->stale = prepared_count != 0;
    }

    // ---- Prepared kernels (kernels/conv2d.hpp's prepared_kernel) -------------------------------
    /// Per node, the form its kernel is kept in. A layer applied to several nodes keeps Keras'
    /// layout: its applications could want different forms of one kernel.
    static constexpr std::array<detail::prepared_kernel, model_type::layer_count> prepared_kernels = [] {
        auto forms = detail::prepared_kernels_of(typename model_type::graph_type{});
        // In one pass (a pass over pairs would exceed Clang's step limit on DenseNet121): the
        // applications of each layer counted by its first one.
        std::array<std::size_t, model_type::layer_count> applications{};
        for (std::size_t i = 0; i != forms.size(); ++i) ++applications[model_type::owner[i]];
        for (std::size_t i = 0; i != forms.size(); ++i)
            if (applications[model_type::owner[i]] > 1) forms[i] = detail::prepared_kernel{};
        return forms;
    }();
    using prepared_spec = detail::prepared_spec;
    static constexpr std::size_t prepared_count = [] {
        std::size_t n = 0;
        for (const auto& p : prepared_kernels) n += p.form != 0;
        return n;
    }();
    static constexpr std::array<prepared_spec, prepared_count> prepared_specs = [] {
        std::array<prepared_spec, prepared_count> out{};
        std::size_t s = 0;
        for (std::size_t i = 0; i != model_type::layer_count; ++i)
            if (prepared_kernels[i].form != 0) out[s++] = {i, first_weight[i], prepared_kernels[i]};
        return out;
    }();

    /// The prepared kernels, in the order of prepared_specs.
    using prepared_set = detail::derived_arrays<prepared_count>;

    /// Prepares every kernel present (as set, or folded), and frees it if its prepared form gives
    /// it back: in place where it can (conv6's 411 MB), else one kernel at a time into new memory,
    /// so memory never holds more than one kernel of at most 16 MiB twice (kernels/conv2d.hpp).
    /// A kernel already freed keeps its prepared form, which is still current.
    static void prepare(weight_storage& w, folded_set& folded, prepared_set& out) {
        for (std::size_t s = 0; s != prepared_count; ++s) {
            const auto& spec = prepared_specs[s];
            auto& source = fold_of[spec.node] == folding.none ? w[spec.kernel] : folded.arrays[2 * fold_of[spec.node]];
            if (source.data == nullptr) continue;
            auto& prepared = out.arrays[s];
            if (spec.form.prepare_in_place != nullptr) {
                spec.form.prepare_in_place(spec.form, source.data.get());
                prepared = std::move(source);
                source = detail::aligned_floats{};
                continue;
            }
            const auto floats = static_cast<std::size_t>(spec.form.floats);
            if (prepared.size != floats) prepared = detail::aligned_floats(floats);
            spec.form.prepare(spec.form, source.data.get(), prepared.data.get(), run_options{}.threads);
            // A kernel its prepared form cannot give back stays (see the top of this file); a
            // folded copy is made again when needed.
            if (spec.form.restore != nullptr || fold_of[spec.node] != folding.none) source = detail::aligned_floats{};
        }
        out.stale = false;
    }
    static std::shared_ptr<prepared_set> make_prepared(weight_storage& w, folded_set& folded) {
        auto out = std::make_shared<prepared_set>();
        if constexpr (prepared_count != 0) prepare(w, folded, *out);
        return out;
    }
    /// Weight array `i`, restored from its prepared form first if only that is kept.
    const detail::aligned_floats& restored(std::size_t i) const {
        const std::lock_guard lock(*values_mutex_);
        auto& a = values_->at(i);
        if constexpr (prepared_count != 0)
            if (a.data == nullptr && weights[i].size() != 0)
                for (std::size_t s = 0; s != prepared_count; ++s)
                    if (const auto& spec = prepared_specs[s];
                        spec.kernel == i && spec.form.restore != nullptr && fold_of[spec.node] == folding.none) {
                        detail::aligned_floats kernel(static_cast<std::size_t>(weights[i].size()));
                        spec.form.restore(spec.form, prepared_->arrays[s].data.get(), kernel.data.get());
                        a = std::move(kernel);
                    }
        return a;
    }

    /// The weight arrays one prediction reads: as set, or their folded or prepared forms.
    using weight_pointers = std::array<const float*, weights.size()>;

    /// The schedule a batch of `batch` samples runs by (graph/batch_schedule.hpp): one sample is
    /// one pass over the layers.
    static constexpr const batch_schedule_result<model_type::layer_count>& schedule_for(int batch, batch_order order) {
        if (batch < 2 || order == batch_order::by_layer) return batch_schedule_by_layer<model_type>;
        if (order == batch_order::by_sample) return batch_schedule_by_sample<model_type>;
        return batch_schedule_mixed<model_type>;
    }

    /// Runs the graph from the caller's input tensors into its output tensors (same batch),
    /// segment by segment of its schedule: a by-layer segment in one pass over its layers, a
    /// by-sample segment in one pass per sample.
    void run(std::span<const tensor_view> in, std::span<const tensor_view> out, context& ctx, run_options options) const {
        if (options.threads < 1)
            throw std::invalid_argument("ctnn: threads must be at least 1, got " + std::to_string(options.threads));
        const int batch = in[0].batch;
        for (const tensor_view& x : in)
            if (x.batch != batch)
                throw std::invalid_argument("ctnn: the model's inputs have different batch sizes (" + std::to_string(batch) +
                                            " and " + std::to_string(x.batch) + ")");
        std::vector<double>* layer_seconds = options.layer_seconds;
        if (layer_seconds != nullptr) layer_seconds->assign(model_type::layer_count, 0.0);
        const auto& schedule = schedule_for(batch, options.order);
        // In a by-sample segment, each thread takes its own samples while all have one; the rest go
        // one at a time on all threads. With fewer samples than threads, or timing layers, all go
        // one at a time.
        const int lanes = schedule.any_sample && layer_seconds == nullptr && batch >= options.threads ? options.threads : 1;
        const int shared = lanes > 1 ? batch - batch % lanes : 0;
        // Memory first: a batch too large fails here, before anything runs.
        if (schedule.any_batch) ready(ctx.batch_, batch, plan.peak);
        if (schedule.handoff_floats != 0) ready(ctx.handoff_, batch, schedule.handoff_floats);
        if (schedule.any_sample) {
            ctx.samples_.resize(std::max(ctx.samples_.size(), static_cast<std::size_t>(lanes)));
            for (int k = 0; k != lanes; ++k) ready(ctx.samples_[static_cast<std::size_t>(k)], 1, plan.peak);
            while (ctx.narrow_.size() < static_cast<std::size_t>(lanes)) ctx.narrow_.emplace_back(1);
        }
        if (ctx.wide_.threads() != options.threads) ctx.wide_ = detail::workspace(options.threads);

        // Named, not bound (Clang 14 cannot capture a structured binding in the lambda below).
        const auto state = current_state();
        const auto& held = std::get<0>(state);
        const auto& folded = std::get<1>(state);
        const auto& prepared = std::get<2>(state);
        weight_pointers weight_data{};
        {
            // Under the lock: reading a kernel back (`values`) may put an array back meanwhile.
            const std::lock_guard lock(*values_mutex_);
            for (std::size_t k = 0; k != weights.size(); ++k) weight_data[k] = (*held)[k].data.get();
        }
        for (std::size_t f = 0; f != fold_count; ++f) weight_data[folds[f].kernel] = folded->arrays[2 * f].data.get();
        for (std::size_t s = 0; s != prepared_count; ++s) weight_data[prepared_specs[s].kernel] = prepared->arrays[s].data.get();

        const maps whole{in, out, &schedule, &ctx.batch_, &ctx.samples_[0], &ctx.handoff_};
        // The kernels run with denormals flushed, as TensorFlow's (float_mode.hpp); the weights
        // above were prepared in the caller's own mode, which comes back on return.
        const detail::prediction_float_scope float_scope;
        for (std::size_t s = 0; s != schedule.count; ++s) {
            const std::size_t first = schedule.start[s], last = schedule.start[s + 1];
            if (!schedule.by_sample[s]) {
                pass(first, last, whole, ctx.wide_, weight_data, *folded, layer_seconds);
                continue;
            }
            const auto one = [&](int sample, const detail::activation_arena& a, detail::workspace& ws) {
                maps m = whole;
                m.sample_arena = &a, m.sample = sample;
                pass(first, last, m, ws, weight_data, *folded, layer_seconds);
            };
            if (shared != 0)
                detail::parallel_for(static_cast<std::size_t>(lanes), lanes, [&](std::size_t k, int) {
                    for (auto sample = static_cast<int>(k); sample < shared; sample += lanes) one(sample, ctx.samples_[k], ctx.narrow_[k]);
                });
            for (int sample = shared; sample != batch; ++sample) one(sample, ctx.samples_[0], ctx.wide_);
        }
        // An output whose values are elsewhere (it is also an input, or listed twice) is a copy.
        for (std::size_t k = 0; k != model_type::output_count; ++k) {
            const tensor_view from = buffer(model_type::output_indices[k], whole);
            if (from.data != out[k].data)
                std::memcpy(out[k].data, from.data, sizeof(float) * static_cast<std::size_t>(from.sample_size() * from.batch));
        }
    }

    /// `a` holding `floats` per sample for `batch` samples.
    static void ready(detail::activation_arena& a, int batch, std::int64_t floats) {
        if (a.batch == batch && a.floats.size == detail::aligned_floats::whole_huge_pages(static_cast<std::size_t>(floats * batch))) return;
        a.floats = allocate_activations(batch, floats);
        a.batch = batch;
    }

    /// Nodes [first, last) over the maps `m` says (a sample, or the whole batch); adds each
    /// layer's time to `layer_seconds` if set.
    void pass(std::size_t first, std::size_t last, const maps& m, detail::workspace& ws, const weight_pointers& weight_data,
              const folded_set& folded, std::vector<double>* layer_seconds) const {
        std::array<tensor_view, max_inputs> inputs{};
        // Scratch in the arena this node's maps are in: the spare run the plan found free.
        const detail::activation_arena& scratch = m.sample < 0 ? *m.batch : *m.sample_arena;
        // What node i's kernel is handed, reading `in` and writing `out`.
        const auto io_of = [&](std::size_t i, std::span<const tensor_view> in, tensor_view out) {
            return detail::node_io{in,
                                   out,
                                   std::span<const float* const>(weight_data.data() + first_weight[i], weight_counts[i]),
                                   ws,
                                   fold_of[i] == folding.none ? nullptr : folded.arrays[2 * fold_of[i] + 1].data.get(),
                                   prepared_kernels[i].form,
                                   folding.activation[i],
                                   folding.input_padding[i],
                                   std::span<float>(scratch.floats.data.get() + plan.spare_offset[i] * scratch.batch,
                                                    static_cast<std::size_t>(plan.spare_size[i] * scratch.batch)),
                                   folding.residual[i] == folding.none ? tensor_view{} : buffer(folding.reads[folding.residual[i]], m),
                                   input_map_of(i, folded),
                                   output_map_of(i, folded)};
        };
        for (std::size_t i = first; i != last; ++i) {
            // An Input (the caller's tensor), or a node folded into the layer before it.
            if (kernels[i] == nullptr || folding.folded_into[i] != folding.none) continue;
            const auto& info = model_type::layers[i];
            // `e < max_inputs` always holds; stated so that GCC 12 sees the bound (else it warns
            // -Wstringop-overflow of writes past `inputs` that cannot happen).
            for (std::size_t e = 0; e != info.input_count && e < max_inputs; ++e)
                inputs[e] = buffer(folding.reads[model_type::edges[info.first_input + e]], m);
            const auto start = layer_seconds != nullptr ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
            detail::node_io io = io_of(i, std::span<const tensor_view>(inputs.data(), info.input_count), buffer(i, m));
            // A row producer folded into node i reads what node i now reads (its input), and
            // writes no memory: node i asks it for rows.
            std::optional<detail::node_io> producer_io;
            if (const std::size_t p = folding.producer[i]; p != folding.none) {
                producer_io.emplace(io_of(p, io.inputs, tensor_view{nullptr, inputs[0].batch, model_type::layers[p].output_shape}));
                producer_io->spare = {};  // the plan's spare run at p's place in the order is not free now
                io.producer = &*producer_io, io.produce_rows = row_kernels[p];
            }
            kernels[i](io);
            if (layer_seconds != nullptr)
                (*layer_seconds)[i] += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        }
    }

    std::shared_ptr<weight_storage> current_weights() const {
        const std::lock_guard lock(*values_mutex_);
        return values_;
    }
    /// The weights, their folded copies and Winograd transforms now, made again first if the
    /// weights were written.
    std::tuple<std::shared_ptr<weight_storage>, std::shared_ptr<folded_set>, std::shared_ptr<prepared_set>> current_state() const {
        const std::lock_guard lock(*values_mutex_);
        if constexpr (has_folds)
            if (folded_->stale) fold(*values_, *folded_);
        if constexpr (prepared_count != 0)
            if (prepared_->stale) prepare(*values_, *folded_, *prepared_);
        return {values_, folded_, prepared_};
    }

    // Swapped whole by replace_weights; each prediction holds the set it started with. The mutex
    // guards only the copy or swap of the pointer, so nothing waits for a prediction. (A
    // reader-writer lock held for a whole prediction would do too, but glibc's lets a steady
    // stream of predictions starve a weight update forever.) Behind a pointer so that networks
    // stay movable.
    std::shared_ptr<weight_storage> values_;
    // The folded copies of `values_`, swapped with it (see fold).
    std::shared_ptr<folded_set> folded_;
    // The prepared kernels of `values_` (or of their folded copies), swapped with it (see
    // prepare).
    std::shared_ptr<prepared_set> prepared_;
    std::unique_ptr<std::mutex> values_mutex_ = std::make_unique<std::mutex>();
};

/// A network of a model that failed its checks: its diagnostic was given, so building, running
/// and loading it say nothing more (it holds no weights and computes nothing).
template <class In, class Out, class Name>
    requires invalid_model<Model<In, Out, Name>>
class network<Model<In, Out, Name>> {
public:
    using model_type = Model<In, Out, Name>;
    static constexpr std::array<weight_spec, 0> weights{};
    static constexpr unknown_value activation_bytes_per_sample{};

    explicit network(model_type = {}, std::uint64_t = 0) {}
    void initialize(std::uint64_t) {}
    template <class Tensor>
    unknown_value operator()(const Tensor&, run_options = {}) const {
        return {};
    }
    template <class First, class Second, class... More>
    unknown_value operator()(const First&, const Second&, const More&...) const {
        return {};
    }
    template <class Tensor>
    unknown_value predict(const Tensor&, run_options = {}) const {
        return {};
    }
};

template <class In, class Out, class Name>
network(Model<In, Out, Name>, std::uint64_t = 0) -> network<Model<In, Out, Name>>;

/// `network<decltype(model)>` for a constexpr model names a const Model: the same network.
template <class M>
class network<const M> : public network<M> {
    using network<M>::network;
};

}  // namespace ctnn
