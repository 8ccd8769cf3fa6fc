// A node of the typed graph: a layer applied to input nodes, carrying its ancestry as a list of
// entries, so that a model's graph is the list its output node carries.
//
// Why a list of entries: a node type that nested its inputs' node types grew with every path
// through the graph (exponentially in a residual network), and every algorithm over it recursed
// as deep as the model. Here an `entry` names its inputs by number, never by type, so an entry's
// type is the same wherever it appears. A node's ancestry is a persistent linked list (`chain`):
// a new node adds one link to the list its inputs share, so each node costs the compiler one new
// type, and joining branches walks only as far back as the branches are apart. The model
// flattens the list once, in chunks, so no compiler depth limit grows with the model.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

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
constexpr node_id make_id(std::string_view layer_name, const node_id* inputs, std::size_t count) {
    node_id h = 0xCBF29CE484222325ull;
    for (const char c : layer_name) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
    for (std::size_t i = 0; i != count; ++i) h = mix_id(h, inputs[i]);
    return mix_id(h, count);
}
template <std::size_t N>
constexpr node_id make_id(std::string_view layer_name, const std::array<node_id, N>& inputs) {
    return make_id(layer_name, inputs.data(), N);
}
}  // namespace detail

/// How an entry refers to one of its inputs: by identity, with the shape the input has. (Plain
/// integers, not a `dims` object: GCC compares types with class-type template arguments member
/// by member, which made every comparison of two chains walk them.)
template <node_id Id, int H, int W, int C, int Rank>
struct input_ref {
    static constexpr node_id id = Id;
    static constexpr dims shape{H, W, C, Rank};
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
/// each once. What a Model holds.
template <class... Entries>
struct graph {
    static constexpr std::size_t size = sizeof...(Entries);
};

/// A node's ancestry as a persistent list: the entries of `Prev`, then `Entry`. Every prefix of a
/// chain holds each of its entries' inputs (it is ancestor-closed).
///
/// Types whose names spell a whole chain (chains, nodes) declare no static data members or
/// functions of their own: they inherit them from types with short names. GCC names every member
/// of a template instance it meets, in time that grows with the square of the name, so a member
/// per node named after its chain made compile time grow with the cube of the model's depth.
template <std::size_t N>
struct chain_length {
    static constexpr std::size_t size = N;
};
struct empty_chain : chain_length<0> {
    using prev = empty_chain;
};
template <class Prev, class Entry>
struct chain : chain_length<Prev::size + 1> {
    using prev = Prev;
    using entry = Entry;
};

namespace detail {
/// The chain `K` links back from `C`. Walks of more than 256 links go in strides of 256, so that
/// the compiler's nesting depth stays near K/256 + 256.
template <class C, std::size_t K, bool Long = (K > 256)>
struct drop {
    using type = typename drop<typename C::prev, K - 1>::type;
};
template <class C>
struct drop<C, 0, false> {
    using type = C;
};
template <class C, std::size_t K>
struct drop<C, K, true> {
    using type = typename drop<typename drop<C, 256>::type, K - 256>::type;
};

// Chains are compared with the compiler's builtin __is_same (GCC and Clang): std::is_same_v<A, B>
// would instantiate a variable named after both chains (see chain_length).

/// The link of `B` where `A` would be if `A` were a prefix of `B` (B::size − A::size links
/// back): `A` is a prefix of `B` exactly when this is `A`.
template <class A, class B>
using prefix_candidate = typename drop<B, (A::size <= B::size ? B::size - A::size : 0)>::type;

/// The entries of `C` down to (not including) its prefix `P`, oldest first, as a graph.
template <class C, class P, class... Es>
struct entries_above {
    using type = typename entries_above<typename C::prev, P, typename C::entry, Es...>::type;
};
template <class P, class... Es>
struct entries_above<P, P, Es...> {
    using type = graph<Es...>;
};

/// The longest common prefix of two chains: walk the longer back to the shorter's length, then
/// both together until they meet (at worst at the empty chain).
template <class A, class B, bool Same = __is_same(A, B)>
struct common_prefix {
    using type = typename common_prefix<typename A::prev, typename B::prev>::type;
};
template <class A, class B>
struct common_prefix<A, B, true> {
    using type = A;
};
template <class A, class B>
using common_prefix_t =
    typename common_prefix<typename drop<A, (A::size > B::size ? A::size - B::size : 0)>::type,
                           typename drop<B, (B::size > A::size ? B::size - A::size : 0)>::type>::type;

// The entry at position I of a graph. Clang has a builtin for it; elsewhere the entry is found
// as a base class, which asks no recursion either.
#if defined(__clang__) && __has_builtin(__type_pack_element)
template <std::size_t I, class G>
struct type_at_impl;
template <std::size_t I, class... Es>
struct type_at_impl<I, graph<Es...>> {
    using type = __type_pack_element<I, Es...>;
};
#else
template <std::size_t I, class T>
struct indexed {
    using type = T;
};
template <class Seq, class G>
struct indexer;
template <std::size_t... I, class... Es>
struct indexer<std::index_sequence<I...>, graph<Es...>> : indexed<I, Es>... {};
template <std::size_t I, class T>
indexed<I, T> select(const indexed<I, T>&);
template <std::size_t I, class G>
struct type_at_impl {
    using type = typename decltype(select<I>(indexer<std::make_index_sequence<G::size>, G>{}))::type;
};
#endif
template <std::size_t I, class G>
using type_at = typename type_at_impl<I, G>::type;

template <class C, class G>
struct append;
template <class C>
struct append<C, graph<>> {
    using type = C;
};
template <class C, class E, class... Es>
struct append<C, graph<E, Es...>> : append<chain<C, E>, graph<Es...>> {};

template <class E, class... Es>
inline constexpr bool one_of = (__is_same(E, Es) || ...);

template <class E, class G>
inline constexpr bool graph_contains = false;
template <class E, class... Es>
inline constexpr bool graph_contains<E, graph<Es...>> = one_of<E, Es...>;

/// The entries of `G` that `Known` lacks, in G's order.
template <class G, class Known, class... Kept>
struct keep_missing {
    using type = graph<Kept...>;
};
template <class E, class... Es, class Known, class... Kept>
struct keep_missing<graph<E, Es...>, Known, Kept...>
    : std::conditional_t<graph_contains<E, Known>, keep_missing<graph<Es...>, Known, Kept...>,
                         keep_missing<graph<Es...>, Known, Kept..., E>> {};

/// The union of two chains, `A` first. A chain holds a node only with all of its ancestors, so in
/// chains, residual blocks, dense blocks and U-Net skips one chain is a prefix of the other and
/// the join is a walk from one to the other. Branches that both grew since they split (as
/// Inception's) are joined by appending to A the entries B added since their common prefix and A
/// lacks: work in proportion to what the branches added.
template <class A, class B,
          int Case = (B::size <= A::size && __is_same(prefix_candidate<B, A>, B))   ? 0
                     : (A::size <= B::size && __is_same(prefix_candidate<A, B>, A)) ? 1
                                                                                          : 2>
struct join {
    using type = A;
};
template <class A, class B>
struct join<A, B, 1> {
    using type = B;
};
template <class A, class B>
struct join<A, B, 2> {
    using prefix = common_prefix_t<A, B>;
    using type = typename append<A, typename keep_missing<typename entries_above<B, prefix>::type,
                                                          typename entries_above<A, prefix>::type>::type>::type;
};
}  // namespace detail

/// A node: the value that applying a layer gives (`auto y = Conv2D<...>{}(x);`). Its type is
/// its entry and its chain, so a node's shape and parameter count are constants static_asserts
/// can read: `decltype(y)::output_shape`, `decltype(y)::params` (the entry's, inherited).
template <class Entry, class Chain>
struct node : Entry {
    using entry_type = Entry;
    using chain_type = Chain;
};

namespace detail {
/// The chain a new node with inputs `Inputs...` extends: the union of its inputs' chains.
template <class... Inputs>
struct inputs_chain {
    using type = empty_chain;
};
template <class First, class... Rest>
struct inputs_chain<First, Rest...> {
    template <class Acc, class... Ns>
    struct fold {
        using type = Acc;
    };
    template <class Acc, class N, class... Ns>
    struct fold<Acc, N, Ns...> : fold<typename join<Acc, typename N::chain_type>::type, Ns...> {};
    using type = typename fold<typename First::chain_type, Rest...>::type;
};

/// A chain's entries as a graph: whole chains of up to 256 links at once, longer ones as the
/// flattened prefix and the last 256 links, so that nesting stays near size/256 + 256.
template <class C, bool Long = (C::size > 256)>
struct flatten {
    using type = typename entries_above<C, empty_chain>::type;
};
template <class G1, class G2>
struct concat;
template <class... A, class... B>
struct concat<graph<A...>, graph<B...>> {
    using type = graph<A..., B...>;
};
template <class C>
struct flatten<C, true> {
    using prefix = typename drop<C, 256>::type;
    using type = typename concat<typename flatten<prefix>::type, typename entries_above<C, prefix>::type>::type;
};
}  // namespace detail

/// The node `Layer` makes of `Inputs...` (already checked by the layer).
template <class Layer, class... Inputs>
using node_of = node<entry<Layer, input_ref<Inputs::id, Inputs::output_shape.height, Inputs::output_shape.width, Inputs::output_shape.channels,
                                           Inputs::output_shape.rank>...>,
                     chain<typename detail::inputs_chain<Inputs...>::type,
                           entry<Layer, input_ref<Inputs::id, Inputs::output_shape.height, Inputs::output_shape.width, Inputs::output_shape.channels,
                                           Inputs::output_shape.rank>...>>>;

}  // namespace ctnn
