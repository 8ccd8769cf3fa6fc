// Model: the typed graph from an input node to an output node, as Keras' functional Model.
//
// Everything about a model is a constant of its type: the layers in topological order (a node
// used twice, like FCN-8's pool taps, appears once), their names, shapes and parameter counts,
// and the edges between them. The output node already carries the graph as a flat list of
// entries (graph/node.hpp), so every table here is one pack expansion over that list, and every
// look-up a search in a sorted array: the cost of a model grows with its layers and edges, and
// no compiler depth limit grows with it.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>

#include <ctnn/error.hpp>
#include <ctnn/graph/nested.hpp>
#include <ctnn/graph/node.hpp>
#include <ctnn/layers/layer.hpp>

namespace ctnn {

namespace detail {
/// What the summary and the runtime need of one layer, as plain values.
struct layer_info {
    std::string_view name;
    std::string_view kind;
    dims output_shape;
    std::int64_t params;
    std::size_t first_input;  // into Model::edges
    std::size_t input_count;
};

// The model's tables, each made by one function over the whole list of entries. (Not by a
// lambda per entry: every function instantiated inside Model<...> is named after the model,
// whose type spells every layer, and GCC names each one, at a cost that grows with the square of
// the model for every such function.)
template <class... Es>
constexpr std::array<node_id, sizeof...(Es)> ids_of(graph<Es...>) {
    return {Es::id...};
}
template <class... Es>
constexpr std::array<std::string_view, sizeof...(Es)> names_of(graph<Es...>) {
    return {Es::name...};
}
// Sums over a model's entries are loops over braced lists: a fold expression nests one level per
// entry, and Clang stops at 256.
template <class T, std::size_t N>
constexpr T sum(const std::array<T, N>& values) {
    T total{};
    for (const T& v : values) total += v;
    return total;
}
template <class... Es>
constexpr std::array<std::int64_t, sizeof...(Es)> params_array_of(graph<Es...>) {
    return {Es::params...};
}
template <std::size_t N>
constexpr std::int64_t non_trainable_size(const std::array<weight, N>& weights) {
    std::int64_t n = 0;
    for (const auto& w : weights) n += w.trainable ? 0 : w.size();
    return n;
}
template <class... Es>
constexpr std::array<std::int64_t, sizeof...(Es)> non_trainable_array_of(graph<Es...>) {
    return {non_trainable_size(Es::weights)...};
}
/// The sum over the layers, each counted once however often it is applied (`owner[i] == i` for
/// a layer's first application).
template <std::size_t N>
constexpr std::int64_t sum_over_layers(const std::array<std::int64_t, N>& values, const std::array<std::size_t, N>& owner) {
    std::int64_t total = 0;
    for (std::size_t i = 0; i != N; ++i) total += owner[i] == i ? values[i] : 0;
    return total;
}

/// An address per layer type, so that constant evaluations can tell whether two entries apply
/// the same layer (equality of addresses is a constant expression; of types, no value is).
template <class Layer>
inline constexpr char layer_tag = 0;
template <class... Es>
constexpr std::array<const char*, sizeof...(Es)> layer_tags_of(graph<Es...>) {
    return {&layer_tag<typename Es::layer_type>...};
}
template <class... Es>
constexpr std::array<std::span<const weight>, sizeof...(Es)> weight_lists_of(graph<Es...>) {
    return {std::span<const weight>(Es::weights)...};
}
constexpr bool same_weights(std::span<const weight> a, std::span<const weight> b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i != a.size(); ++i)
        if (a[i].name != b[i].name || a[i].shape != b[i].shape || a[i].rank != b[i].rank) return false;
    return true;
}

template <class... Es>
constexpr std::array<layer_info, sizeof...(Es)> layer_infos_of(graph<Es...>) {
    std::array<layer_info, sizeof...(Es)> out{layer_info{Es::name, Es::kind, Es::output_shape, Es::params, 0, Es::input_count}...};
    std::size_t edge = 0;
    for (auto& l : out) l.first_input = edge, edge += l.input_count;
    return out;
}
/// Every entry's input ids, grouped by entry.
template <class... Es>
constexpr auto input_ids_of(graph<Es...>) {
    constexpr std::size_t total = sum(std::array<std::size_t, sizeof...(Es)>{Es::input_count...});
    const std::array<std::span<const node_id>, sizeof...(Es)> parts{std::span<const node_id>(Es::input_ids)...};
    std::array<node_id, total == 0 ? 1 : total> out{};
    std::size_t next = 0;
    for (const auto& part : parts)
        for (const node_id id : part) out[next++] = id;
    return out;
}
template <class... Es>
constexpr std::array<layer_cost, sizeof...(Es)> costs_of(graph<Es...>) {
    return {layer_cost{Es::cost}...};
}

// Look-ups in sorted arrays of plain integers: a compiler limits the steps of one constant
// evaluation (Clang to a million), and comparing std::pairs or strings costs many steps each.
template <std::size_t N>
constexpr void sort_by_key(std::array<std::uint64_t, N>& keys, std::array<std::size_t, N>& positions) {
    std::array<std::size_t, N> order{};
    for (std::size_t i = 0; i != N; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
    std::array<std::uint64_t, N> sorted{};
    for (std::size_t i = 0; i != N; ++i) sorted[i] = keys[order[i]];
    keys = sorted, positions = order;
}

/// Node ids in increasing order, each with its position in the graph: ids are found by binary
/// search.
template <std::size_t N>
struct id_index {
    std::array<node_id, N> ids{};
    std::array<std::size_t, N> positions{};

    constexpr explicit id_index(const std::array<node_id, N>& unsorted) : ids(unsorted) { sort_by_key(ids, positions); }
    /// Position of `id`, or N.
    constexpr std::size_t find(node_id id) const {
        std::size_t first = 0, count = N;
        while (count > 0) {
            const std::size_t half = count / 2;
            if (ids[first + half] < id) first += half + 1, count -= half + 1;
            else count = half;
        }
        return first != N && ids[first] == id ? positions[first] : N;
    }
};

/// For each position, the first position with the same name: where a shared layer (one layer
/// applied to several nodes, as a Keras layer object called twice) was first applied. Names are
/// sorted by a hash, so that equal names sit side by side and only those are compared as text.
template <std::size_t N>
constexpr std::array<std::size_t, N> owners_by_name(const std::array<std::string_view, N>& names) {
    std::array<std::uint64_t, N> hashes{};
    for (std::size_t i = 0; i != N; ++i) {
        std::uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a
        for (const char c : names[i]) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
        hashes[i] = h;
    }
    std::array<std::size_t, N> positions{};
    sort_by_key(hashes, positions);
    std::array<std::size_t, N> owner{};
    for (std::size_t i = 0; i != N; ++i) owner[i] = i;
    for (std::size_t i = 1; i < N; ++i)
        for (std::size_t j = i; j > 0 && hashes[j - 1] == hashes[i]; --j) {
            const std::size_t a = positions[j - 1], b = positions[i];
            if (names[a] == names[b]) {
                const std::size_t first = std::min(owner[a], owner[b]);
                owner[a] = owner[b] = first;
            }
        }
    // Every member of a group now points at a member no later than itself; resolve to the first.
    for (std::size_t i = 0; i != N; ++i) owner[i] = owner[owner[i]];
    return owner;
}
}  // namespace detail

/// Several nodes given together, as Keras' lists: `Model{inputs(a, b), outputs(c, d)}`.
template <class... Nodes>
struct node_list {
    static constexpr std::size_t size = sizeof...(Nodes);
};
template <node_type... Nodes>
constexpr node_list<Nodes...> inputs(Nodes...) {
    return {};
}
template <node_type... Nodes>
constexpr node_list<Nodes...> outputs(Nodes...) {
    return {};
}

namespace detail {
/// A model's inputs or outputs as a node_list, whether given as one node or as a list.
template <class T>
struct as_node_list {
    using type = node_list<T>;
};
template <class... Ns>
struct as_node_list<node_list<Ns...>> {
    using type = node_list<Ns...>;
};
template <class T>
inline constexpr bool has_invalid_node = __is_same(T, invalid_node);
template <class... Ns>
inline constexpr bool has_invalid_node<node_list<Ns...>> = (__is_same(Ns, invalid_node) || ...);

/// The chain holding every node the outputs depend on.
template <class List>
struct outputs_chain;
template <class... Ns>
struct outputs_chain<node_list<Ns...>> : inputs_chain<Ns...> {};

template <class List>
struct list_as_graph;
template <class... Ns>
struct list_as_graph<node_list<Ns...>> {
    using type = graph<Ns...>;
};
template <class List>
using list_as_graph_t = typename list_as_graph<List>::type;

template <class... Ns>
constexpr std::array<node_id, sizeof...(Ns)> node_ids(node_list<Ns...>) {
    return {Ns::id...};
}
template <class... Ns>
constexpr std::array<dims, sizeof...(Ns)> node_shapes(node_list<Ns...>) {
    return {dims{Ns::output_shape}...};
}

/// `input_shape`, `output_shape`, `input_node` and `output_node`: the plain
/// spellings of a model with one input and one output. A model with several has only the arrays
/// (`input_shapes`, `output_shapes`, `input_indices`, `output_indices`).
template <class In, class Out>
struct single_io {};
template <node_type In, node_type Out>
struct single_io<In, Out> {
    using input_node = In;
    using output_node = Out;
    static constexpr dims input_shape = In::output_shape;
    static constexpr dims output_shape = Out::output_shape;
};
}  // namespace detail

/// A model: the graph from its inputs `In` to its outputs `Out`, optionally named (as Keras'
/// `Model(inputs, outputs, name=...)`); a named model can be applied to nodes as a layer.
template <class In, class Out, class Name = detail::unnamed>
struct Model;

template <class In, class Out>
Model(In, Out) -> Model<In, Out>;
template <class In, class Out, char... Cs>
Model(In, Out, named<Cs...>) -> Model<In, Out, named<Cs...>>;

namespace detail {
/// A model whose graph already failed its checks: nothing more to say, so that the first
/// diagnostic stays the only one, however the program goes on to use the model (its constants
/// equal anything; summary, network, load_weights and node_named accept it silently).
struct invalid_model_constants {
    static constexpr unknown_value input_shape{}, output_shape{}, layer_count{}, total_params{}, trainable_params{},
        non_trainable_params{};
};
}  // namespace detail

template <class In, class Out, class Name>
    requires(detail::has_invalid_node<In> || detail::has_invalid_node<Out>)
struct Model<In, Out, Name> : detail::invalid_model_constants {
    constexpr Model() = default;
    constexpr Model(In, Out) {}
    constexpr Model(In, Out, Name) {}
    template <node_type... Nodes>
    constexpr invalid_node operator()(Nodes...) const {
        return {};
    }
};

/// Whether `M` is a model that failed its checks.
template <class M>
concept invalid_model = std::is_base_of_v<detail::invalid_model_constants, std::remove_cv_t<M>>;

namespace detail {
template <auto Actual, dims Expected>
constexpr bool check_expected_shape() {
    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(Actual)>, unknown_value>) {
        return true;  // a model that failed its checks: its diagnostic was given
    } else {
        constexpr dims actual = Actual;
        constexpr bool same = actual == Expected;
        CTNN_REQUIRE(same, "the shape is not the one the program expects (the line above shows both)",
                     error::shape_differs_from_expected<shape_of<actual>, shape_of<Expected>>);
        return same;
    }
}
}  // namespace detail

/// A shape the program expects, checked so that a mismatch shows both shapes in numbers on the
/// first error line, on GCC and Clang alike (a plain `static_assert(a == b)` shows neither on GCC):
/// `static_assert(expect_shape<decltype(model)::output_shape, shape<14, 14, 12>{}>);`. Of a model
/// that already failed its checks it expects nothing, so the one mistake stays one diagnostic.
template <auto Actual, dims Expected>
inline constexpr bool expect_shape = detail::check_expected_shape<Actual, Expected>();

template <class In, class Out, class Name>
struct Model : detail::single_io<In, Out> {
    constexpr Model() = default;
    constexpr Model(In, Out) {}
    constexpr Model(In, Out, Name) {}

    /// The model's name (empty unless given), which prefixes its layers' names where it is
    /// applied as a layer.
    using model_name_type = Name;
    static constexpr std::string_view model_name = Name::value;

    /// The model applied to nodes as a layer (graph/nested.hpp): its layers join the caller's
    /// graph under the names `name/layer`. One node per input; a std::tuple of nodes for a model
    /// with several outputs.
    template <node_type... Nodes>
    constexpr auto operator()(Nodes...) const {
        return detail::apply_nested_model<Model, Name, Nodes...>();
    }

    /// The model's inputs and outputs, each as a node_list, in the order given.
    using input_list = typename detail::as_node_list<In>::type;
    using output_list = typename detail::as_node_list<Out>::type;
    static constexpr std::size_t input_count = input_list::size;
    static constexpr std::size_t output_count = output_list::size;
    static_assert(input_count >= 1 && output_count >= 1, "a model needs at least one input and one output");

    /// Every node the outputs depend on, inputs first: a graph<entry...>.
    using graph_type = typename detail::flatten<typename detail::outputs_chain<output_list>::type>::type;
    static constexpr std::size_t layer_count = graph_type::size;

    static constexpr std::array<dims, input_count> input_shapes = detail::node_shapes(input_list{});
    static constexpr std::array<dims, output_count> output_shapes = detail::node_shapes(output_list{});

    static constexpr auto ids = detail::ids_of(graph_type{});
    static constexpr auto names = detail::names_of(graph_type{});
    /// Each layer's name, kind, shape, parameter count and where its inputs are in `edges`.
    static constexpr std::array<detail::layer_info, layer_count> layers = detail::layer_infos_of(graph_type{});

    /// The entry at position `I` of `layers` (its name, kind, shapes, params, weights, cost).
    template <std::size_t I>
    using node_at = detail::type_at<I, graph_type>;

private:
    static constexpr detail::id_index<layer_count> by_id{ids};

public:
    /// For each node, the position of its layer's first application: itself, except where one
    /// layer (the same type, so the same name and weights) is applied to several nodes, as a
    /// Keras layer object called twice. Its weights are stored and counted once.
    static constexpr auto owner = detail::owners_by_name(names);
    /// For each node, which application of its layer it is (0 for the first): Keras' node index,
    /// as in "conv[1][0]".
    static constexpr auto application = [] {
        std::array<std::size_t, layer_count> count{}, out{};
        for (std::size_t i = 0; i != layer_count; ++i) out[i] = count[owner[i]]++;
        return out;
    }();

private:
    static constexpr auto tags = detail::layer_tags_of(graph_type{});
    /// The first application of two layers of different types under one name ({N, N} if none),
    /// and the first of one layer whose applications would need different weights.
    static constexpr std::array<std::size_t, 2> name_clash = [] {
        for (std::size_t i = 0; i != layer_count; ++i)
            if (owner[i] != i && tags[i] != tags[owner[i]]) return std::array<std::size_t, 2>{owner[i], i};
        return std::array<std::size_t, 2>{layer_count, layer_count};
    }();
    static constexpr std::array<std::size_t, 2> weight_clash = [] {
        constexpr auto lists = detail::weight_lists_of(graph_type{});
        for (std::size_t i = 0; i != layer_count; ++i)
            if (owner[i] != i && !detail::same_weights(lists[i], lists[owner[i]])) return std::array<std::size_t, 2>{owner[i], i};
        return std::array<std::size_t, 2>{layer_count, layer_count};
    }();

    static constexpr bool check_names() {
        constexpr bool unique = name_clash[0] == layer_count;
        if constexpr (!unique) {
            using first = node_at<name_clash[0]>;
            using second = node_at<name_clash[1]>;
            CTNN_REQUIRE(unique, "two different layers of this model have the same name; names identify layers and their weights",
                         error::duplicate_layer_name<typename first::name_type, typename first::layer_type,
                                                     typename second::layer_type>);
        }
        return unique;
    }
    static constexpr bool check_shared() {
        constexpr bool ok = weight_clash[0] == layer_count;
        if constexpr (!ok) {
            using first = node_at<weight_clash[0]>;
            using second = node_at<weight_clash[1]>;
            CTNN_REQUIRE(ok, "a shared layer was applied to an input that would need other weights (another number of channels)",
                         error::shared_layer_applied_to_another_shape<typename first::layer_type, shape_of<first::input_shapes[0]>,
                                                                      shape_of<second::input_shapes[0]>>);
        }
        return ok;
    }
    static constexpr auto input_ids = detail::node_ids(input_list{});
    static constexpr auto output_ids = detail::node_ids(output_list{});
    static constexpr bool is_model_input(node_id id) {
        for (const node_id in : input_ids)
            if (in == id) return true;
        return false;
    }
    static constexpr std::size_t first_other_input = [] {
        for (std::size_t i = 0; i != layer_count; ++i)
            if (layers[i].input_count == 0 && !is_model_input(ids[i])) return i;
        return layer_count;
    }();
    static constexpr std::size_t first_unconnected_input = [] {
        for (std::size_t k = 0; k != input_count; ++k)
            if (by_id.find(input_ids[k]) == layer_count) return k;
        return input_count;
    }();
    static constexpr bool check_inputs() {
        constexpr bool ok = first_other_input == layer_count;
        if constexpr (!ok) {
            using other = node_at<first_other_input>;
            CTNN_REQUIRE(ok, "the model's outputs depend on an Input that is not one of the model's inputs",
                         error::model_lacks_an_input_its_outputs_need<typename other::layer_type>);
        }
        return ok;
    }
    static constexpr bool check_connected() {
        constexpr bool ok = first_unconnected_input == input_count;
        if constexpr (!ok) {
            using unconnected = detail::type_at<first_unconnected_input, detail::list_as_graph_t<input_list>>;
            CTNN_REQUIRE(ok, "no output of the model depends on this input",
                         error::model_input_not_connected<typename unconnected::layer_type>);
        }
        return ok;
    }
    // Evaluated for their own diagnostics; a static_assert here would only repeat them.
    using checked = std::bool_constant<check_names() && check_shared() && check_inputs() && check_connected()>;

public:
    /// Position in `layers` of the node with id `id`, or layer_count.
    static constexpr std::size_t index_of_id(node_id id) { return by_id.find(id); }

    /// Position of a node (or its entry) in `layers`.
    template <class N>
    static constexpr std::size_t index_of = index_of_id(N::id);

    /// Positions in `layers` of the model's inputs and outputs, in the order given.
    static constexpr auto input_indices = [] {
        std::array<std::size_t, input_count> out{};
        for (std::size_t k = 0; k != input_count; ++k) out[k] = by_id.find(input_ids[k]);
        return out;
    }();
    static constexpr auto output_indices = [] {
        std::array<std::size_t, output_count> out{};
        for (std::size_t k = 0; k != output_count; ++k) out[k] = by_id.find(output_ids[k]);
        return out;
    }();
    /// Whether a node's values live in the caller's tensors (a model input or output) rather than
    /// in the network's arena.
    static constexpr auto external = [] {
        std::array<bool, layer_count> out{};
        for (const std::size_t i : input_indices)
            if (i != layer_count) out[i] = true;  // (not found: model_input_not_connected said so)
        for (const std::size_t i : output_indices) out[i] = true;
        return out;
    }();

    /// Position of the layer named `name`, or layer_count.
    static constexpr std::size_t index_of_name(std::string_view name) {
        for (std::size_t i = 0; i != layer_count; ++i)
            if (names[i] == name) return i;
        return layer_count;
    }

    /// Each layer counted once, however many nodes it is applied to (as Keras counts).
    static constexpr std::int64_t total_params = detail::sum_over_layers(detail::params_array_of(graph_type{}), owner);
    /// As Keras splits the total: weights a training step would not change (BatchNormalization's
    /// moving statistics) are non-trainable.
    static constexpr std::int64_t non_trainable_params =
        detail::sum_over_layers(detail::non_trainable_array_of(graph_type{}), owner);
    static constexpr std::int64_t trainable_params = total_params - non_trainable_params;

    /// Every input of every node, as positions in `layers`, grouped by node.
    static constexpr auto edges = [] {
        constexpr auto input_ids = detail::input_ids_of(graph_type{});
        std::array<std::size_t, input_ids.size()> positions{};
        for (std::size_t i = 0; i != input_ids.size(); ++i) positions[i] = by_id.find(input_ids[i]);
        return positions;
    }();
};

namespace detail {
template <class M, class Name>
constexpr auto find_named_node() {
    constexpr std::size_t i = M::index_of_name(Name::value);
    constexpr bool ok = i != M::layer_count;
    CTNN_REQUIRE(ok, "the model has no layer with this name", error::no_layer_with_this_name<Name>);
    if constexpr (ok) return typename M::template node_at<i>{};
    else return invalid_node{};  // not void: `node_named_t<M, "x">::output_shape` then parses
}
template <class M, class Name>
constexpr auto find_node() {
    if constexpr (invalid_model<M>) {
        return invalid_node{};
    } else {
        return find_named_node<M, Name>();
    }
}
}  // namespace detail

/// The node named `S` in model `M` (its entry: name, kind, output_shape, params, weights, cost):
/// `node_named<"conv6">(model).params`.
template <fixed_string S, class In, class Out, class Name>
constexpr auto node_named(Model<In, Out, Name>) {
    return detail::find_node<Model<In, Out, Name>, name<S>>();
}

/// The same as a type.
template <class M, fixed_string S>
using node_named_t = decltype(detail::find_node<std::remove_cv_t<M>, name<S>>());

}  // namespace ctnn
