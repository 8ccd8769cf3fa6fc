// A node of the typed graph: a layer applied to input nodes, carrying its ancestry as one flat,
// ordered list of entries, so that a model's graph is the list its output node carries.
//
// Why flat: a node type that nested its inputs' node types grew with every path through the
// graph (exponentially in a residual network) and every algorithm over it recursed as deep as
// the model. Here an `entry` names its inputs by number, never by type, so an entry's type is
// the same wherever it appears; a node's list of entries grows by one per ancestor, and joining
// branches appends only the entries the other branch lacks. Nothing recurses over the depth of
// the model, so no compiler limit grows with it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include <ctnn/shape.hpp>

namespace ctnn {

/// A node's identity within every graph it is part of: a hash of its layer's name and of its
/// inputs' identities, so that the same layer applied to the same nodes is the same node
/// wherever it is met, and one layer applied to two different nodes gives two nodes.
using node_id = std::uint64_t;

namespace detail {
constexpr node_id mix_id(node_id h, std::uint64_t v) {
    // FNV-1a over the 8 bytes, then a finaliser (splitmix64's) so that ids spread evenly.
    for (int i = 0; i != 8; ++i) h = (h ^ ((v >> (8 * i)) & 0xFFu)) * 0x100000001B3ull;
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
    return h ^ (h >> 31);
}
template <std::size_t N>
constexpr node_id make_id(std::string_view layer_name, const std::array<node_id, N>& inputs) {
    node_id h = 0xCBF29CE484222325ull;
    for (const char c : layer_name) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
    for (const node_id in : inputs) h = mix_id(h, in);
    return mix_id(h, N);
}
}  // namespace detail

/// How an entry refers to one of its inputs: by identity, with the shape the input has.
template <node_id Id, dims Shape>
struct input_ref {
    static constexpr node_id id = Id;
    static constexpr dims shape = Shape;
};

/// One layer applied to inputs: what the graph holds per node. Everything the model, the
/// summary, the runtime and the docs know of a node they read from here, and this reads it
/// from the layer's declarations (see layers/concept.hpp).
template <class Layer, class... Inputs>
struct entry {
    using layer_type = Layer;
    using name_type = typename Layer::layer_name;
    static constexpr std::string_view name = name_type::value;
    static constexpr std::string_view kind = Layer::kind;

    static constexpr std::size_t input_count = sizeof...(Inputs);
    static constexpr std::array<node_id, sizeof...(Inputs)> input_ids{Inputs::id...};
    static constexpr std::array<dims, sizeof...(Inputs)> input_shapes{Inputs::shape...};
    static constexpr node_id id = detail::make_id(name, input_ids);

    /// What the layer makes of its inputs' shapes; `shape` is the same as a type.
    static constexpr dims output_shape = Layer::template output_shape<Inputs::shape...>;
    using shape = shape_of<output_shape>;
    static constexpr std::int64_t params = Layer::template params<Inputs::shape...>;
    /// The layer's weight arrays here (Keras names, shapes and layouts) and its cost.
    static constexpr auto weights = Layer::template weights<Inputs::shape...>;
    static constexpr auto cost = Layer::template cost<Inputs::shape...>;
};

/// A graph: entries in an order where every entry comes after its inputs (a topological order),
/// each once.
template <class... Entries>
struct graph {
    static constexpr std::size_t size = sizeof...(Entries);
};

namespace detail {
// The builtin asks the compiler directly, without instantiating a class per pair of types; on a
// graph of a thousand nodes that is the difference between a fold and a million instantiations.
#if defined(__clang__) || defined(__GNUC__)
template <class E, class... Es>
inline constexpr bool one_of = (__is_same(E, Es) || ...);
#else
template <class E, class... Es>
inline constexpr bool one_of = (std::is_same_v<E, Es> || ...);
#endif

template <class E, class G>
inline constexpr bool graph_contains = false;
template <class E, class... Es>
inline constexpr bool graph_contains<E, graph<Es...>> = one_of<E, Es...>;

template <class... Lists>
struct concat;
template <class... A>
struct concat<graph<A...>> {
    using type = graph<A...>;
};
template <class... A, class... B, class... Rest>
struct concat<graph<A...>, graph<B...>, Rest...> : concat<graph<A..., B...>, Rest...> {};

/// `Acc` followed by the entries of `G` that it lacks, in G's order. Used only where neither
/// graph contains the other (branches that both add layers since they split, as Inception's).
template <class Es, class G>
inline constexpr bool all_in = false;
template <class... Es, class G>
inline constexpr bool all_in<graph<Es...>, G> = (graph_contains<Es, G> && ...);

template <class Acc, class G>
struct append_missing;
template <class Acc, class... Es>
struct append_missing<Acc, graph<Es...>>
    : concat<Acc, std::conditional_t<graph_contains<Es, Acc>, graph<>, graph<Es>>...> {};

/// The union of an ancestor-closed graph `Acc` (the union of the graphs of the nodes whose entries
/// are `Tops`) and the graph `G` of a node whose entry is `Top`, and the new list of tops. A graph
/// holds a node only with all of its ancestors, so a graph that holds a node's entry holds that
/// node's whole graph: in chains, residual blocks, dense blocks and U-Net skips one side always
/// holds the other, and the join costs a look-up or two.
template <class Acc, class Tops, class G, class Top,
          int Case = graph_contains<Top, Acc> ? 0 : (all_in<Tops, G> ? 1 : 2)>
struct join {
    using type = Acc;
    using tops = Tops;
};
template <class Acc, class Tops, class G, class Top>
struct join<Acc, Tops, G, Top, 1> {
    using type = G;
    using tops = graph<Top>;
};
template <class Acc, class... Tops, class G, class Top>
struct join<Acc, graph<Tops...>, G, Top, 2> {
    using type = typename append_missing<Acc, G>::type;
    using tops = graph<Tops..., Top>;
};
}  // namespace detail

/// A node: the value that applying a layer gives (`auto y = Conv2D<...>{}(x);`). Its type is
/// its entry and its graph, so a node's shape and parameter count are constants static_asserts
/// can read: `decltype(y)::output_shape`.
template <class Entry, class Graph>
struct node {
    using entry_type = Entry;
    using graph_type = Graph;
    using layer_type = typename Entry::layer_type;
    using name_type = typename Entry::name_type;
    using shape = typename Entry::shape;
    static constexpr std::string_view name = Entry::name;
    static constexpr std::string_view kind = Entry::kind;
    static constexpr node_id id = Entry::id;
    static constexpr dims output_shape = Entry::output_shape;
    static constexpr std::int64_t params = Entry::params;
    static constexpr std::size_t input_count = Entry::input_count;
};

namespace detail {
/// The graph a new node with inputs `Inputs...` extends: the union of its inputs' graphs, folded
/// left to right.
template <class... Inputs>
struct inputs_graph {
    using type = graph<>;
};
template <class First, class... Rest>
struct inputs_graph<First, Rest...> {
    template <class Acc, class Tops, class... Ns>
    struct fold {
        using type = Acc;
    };
    template <class Acc, class Tops, class N, class... Ns>
    struct fold<Acc, Tops, N, Ns...> {
        using step = join<Acc, Tops, typename N::graph_type, typename N::entry_type>;
        using type = typename fold<typename step::type, typename step::tops, Ns...>::type;
    };
    using type = typename fold<typename First::graph_type, graph<typename First::entry_type>, Rest...>::type;
};

template <class G, class E>
struct push_back;
template <class... Es, class E>
struct push_back<graph<Es...>, E> {
    using type = graph<Es..., E>;
};
}  // namespace detail

/// The node `Layer` makes of `Inputs...` (already checked by the layer).
template <class Layer, class... Inputs>
using node_of = node<entry<Layer, input_ref<Inputs::id, Inputs::output_shape>...>,
                     typename detail::push_back<typename detail::inputs_graph<Inputs...>::type,
                                                entry<Layer, input_ref<Inputs::id, Inputs::output_shape>...>>::type>;

}  // namespace ctnn
