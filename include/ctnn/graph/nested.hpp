// A Model applied to nodes as a layer, as Keras applications are used: `auto y = base(x);`.
//
// Keras keeps a nested model as one layer that runs its own graph. Here the nested model's graph
// is copied into the caller's, each of its layers under its name prefixed with the model's
// (`mobilenetv2_1.00_224/Conv1`), so that everything that reads a graph — the memory plan, the
// folding of BatchNormalization, the kernels, the weight files — sees plain layers and needs
// nothing of its own for nesting. The prefixed names are the nested names by which Keras reaches
// the weights (`layers/mobilenetv2_1.00_224/layers/Conv1/vars/0` in a `.keras` file).
//
// The copy costs one new entry per layer of the nested model and checks nothing again: its
// layers were checked on exactly these shapes when the nested model was made. Applying it to
// another shape is an error (Keras would rebuild the layers; ctnn's shapes are its types).
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include <ctnn/error.hpp>
#include <ctnn/graph/node.hpp>
#include <ctnn/layers/layer.hpp>
#include <ctnn/name.hpp>
#include <ctnn/shape.hpp>

namespace ctnn {

namespace detail {
/// What a Model is named when the program gives it no name: it can then not be nested.
struct unnamed {
    static constexpr std::string_view value{};
};

template <class Prefix, class Name>
struct qualified_name_impl;
template <char... P, char... N>
struct qualified_name_impl<named<P...>, named<N...>> {
    using type = named<P..., '/', N...>;
};
}  // namespace detail

namespace detail {
/// The layer type a kernel is chosen by: `L` itself, or the layer under `qualified` names.
template <class L>
struct unqualified_of {
    using type = L;
};
template <class L>
    requires requires { typename L::unqualified; }
struct unqualified_of<L> {
    using type = typename L::unqualified;
};
template <class L>
using unqualified_t = typename unqualified_of<L>::type;

template <class O>
inline constexpr bool is_name_option = false;
template <char... Cs>
inline constexpr bool is_name_option<named<Cs...>> = true;

/// `Options...` without the layer's name.
template <class Out, class... Options>
struct without_name {
    using type = Out;
};
template <template <class...> class T, class... Kept, class O, class... Options>
struct without_name<T<Kept...>, O, Options...>
    : without_name<std::conditional_t<is_name_option<O>, T<Kept...>, T<Kept..., O>>, Options...> {};
template <class... Os>
struct option_pack {};

/// The layer type a kernel is instantiated for: the layer without its name (and unqualified),
/// so that the 155 convolutions of a ResNet152 that differ only by name share one `forward`
/// instead of each compiling its own. Layers are `T<Options...>` or `T<int, Options...>`; any
/// other form keeps its name (and still runs).
template <class L>
struct kernel_layer_of {
    using type = L;
};
template <template <class...> class T, class... Options>
struct kernel_layer_of<T<Options...>> {
    template <class Pack>
    struct rebuild;
    template <class... Kept>
    struct rebuild<option_pack<Kept...>> {
        using type = T<Kept...>;
    };
    using type = typename rebuild<typename without_name<option_pack<>, Options...>::type>::type;
};
template <template <int, class...> class T, int N, class... Options>
struct kernel_layer_of<T<N, Options...>> {
    template <class Pack>
    struct rebuild;
    template <class... Kept>
    struct rebuild<option_pack<Kept...>> {
        using type = T<N, Kept...>;
    };
    using type = typename rebuild<typename without_name<option_pack<>, Options...>::type>::type;
};
template <class L>
using kernel_layer_t = typename kernel_layer_of<unqualified_t<L>>::type;
}  // namespace detail

/// Layer `L` as a layer of a model named `Prefix` nested in another: the same layer (weights,
/// rules, kernel), under the name `prefix/name`.
template <class Prefix, class L>
struct qualified : L {
    using layer_name = typename detail::qualified_name_impl<Prefix, typename L::layer_name>::type;
    /// The layer itself, for what runs it: kernels are chosen by the layer's own type.
    using unqualified = detail::unqualified_t<L>;
};

namespace detail {

template <class Prefix, class... Es>
constexpr std::array<std::string_view, sizeof...(Es)> qualified_names(graph<Es...>) {
    return {qualified_name_impl<Prefix, typename Es::name_type>::type::value...};
}

/// The ids the nested model's nodes get in the caller's graph: a model input is the node it is
/// applied to; every other node is identified, as any node, by its (prefixed) name and its
/// inputs' ids, in topological order.
template <class M, class Prefix>
constexpr std::array<node_id, M::layer_count> nested_ids(const std::array<node_id, M::input_count>& given) {
    constexpr auto names = qualified_names<Prefix>(typename M::graph_type{});
    std::array<node_id, M::layer_count> out{};
    std::array<node_id, M::edges.size()> inputs{};
    for (std::size_t i = 0; i != M::layer_count; ++i) {
        const auto& layer = M::layers[i];
        if (layer.input_count == 0) {
            for (std::size_t k = 0; k != M::input_count; ++k)
                if (M::input_indices[k] == i) out[i] = given[k];
            continue;
        }
        for (std::size_t j = 0; j != layer.input_count; ++j) inputs[j] = out[M::edges[layer.first_input + j]];
        out[i] = make_id(names[i], inputs.data(), layer.input_count);
    }
    return out;
}

/// Positions of the nested model's layers that are not its inputs, in topological order.
template <class M>
constexpr auto inner_positions() {
    constexpr std::size_t count = [] {
        std::size_t n = 0;
        for (const auto& layer : M::layers) n += layer.input_count != 0;
        return n;
    }();
    std::array<std::size_t, count> out{};
    std::size_t next = 0;
    for (std::size_t i = 0; i != M::layer_count; ++i)
        if (M::layers[i].input_count != 0) out[next++] = i;
    return out;
}

/// Appends a graph's entries to a chain, in halves of at most 128 entries, so that the nesting
/// of the instantiations stays near 128 + log(size).
template <class C, class G, bool Long = (G::size > 128)>
struct append_all {
    using type = typename append<C, G>::type;
};
template <class G, std::size_t First, class Seq>
struct graph_slice;
template <class G, std::size_t First, std::size_t... I>
struct graph_slice<G, First, std::index_sequence<I...>> {
    using type = graph<type_at<First + I, G>...>;
};
template <class C, class G>
struct append_all<C, G, true> {
    static constexpr std::size_t half = G::size / 2;
    using first = typename graph_slice<G, 0, std::make_index_sequence<half>>::type;
    using second = typename graph_slice<G, half, std::make_index_sequence<G::size - half>>::type;
    using type = typename append_all<typename append_all<C, first>::type, second>::type;
};

/// The nested model `M` (named `Prefix`) applied to `Nodes...`, whose shapes are its inputs'.
template <class M, class Prefix, class... Nodes>
struct nested_application {
    static constexpr auto ids = nested_ids<M, Prefix>({Nodes::id...});
    static constexpr auto positions = inner_positions<M>();

    /// The entry at position I, under its prefixed name and with its inputs' new ids.
    template <std::size_t I, class E = type_at<I, typename M::graph_type>,
              class Seq = std::make_index_sequence<E::input_count>>
    struct rewrite;
    template <std::size_t I, class L, node_id... Ids, int... H, int... W, int... C, int... R, std::size_t... J>
    struct rewrite<I, entry<L, input_ref<Ids, H, W, C, R>...>, std::index_sequence<J...>> {
        using type = entry<qualified<Prefix, L>, input_ref<ids[M::edges[M::layers[I].first_input + J]], H, W, C, R>...>;
    };

    template <class Seq>
    struct rewritten_graph;
    template <std::size_t... K>
    struct rewritten_graph<std::index_sequence<K...>> {
        using type = graph<typename rewrite<positions[K]>::type...>;
    };
    using chain_type = typename append_all<typename inputs_chain<Nodes...>::type,
                                           typename rewritten_graph<std::make_index_sequence<positions.size()>>::type>::type;

    /// The node the caller gets for the nested model's output `K`.
    template <std::size_t K, std::size_t I = M::output_indices[K]>
    static constexpr auto output() {
        if constexpr (M::layers[I].input_count == 0) {
            // An output that is one of the nested model's inputs: the node given for it.
            constexpr std::size_t k = [] {
                for (std::size_t j = 0; j != M::input_count; ++j)
                    if (M::input_indices[j] == I) return j;
                return std::size_t{0};
            }();
            return std::tuple_element_t<k, std::tuple<Nodes...>>{};
        } else {
            return node<typename rewrite<I>::type, chain_type>{};
        }
    }
    template <std::size_t... K>
    static constexpr auto outputs(std::index_sequence<K...>) {
        if constexpr (sizeof...(K) == 1) return output<0>();
        else return std::tuple{output<K>()...};
    }
    using result = decltype(outputs(std::make_index_sequence<M::output_count>{}));
};

template <class Name, class... Expected, class... Given>
constexpr bool check_nested_shapes(std::tuple<Expected...>, std::tuple<Given...>) {
    return ([] {
        constexpr bool same = Expected::value == Given::value;
        CTNN_REQUIRE(same, "a model applied as a layer takes exactly the shapes it was made for",
                     error::nested_model_applied_to_another_shape<Name, Expected, Given>);
        return same;
    }() && ...);
}

/// `base(x...)`: the checks, then the nodes. One mistake, one diagnostic: a failed check gives
/// an invalid node, on which everything after stays silent.
template <class M, class Name, class... Nodes>
constexpr auto apply_nested_model() {
    if constexpr ((__is_same(Nodes, invalid_node) || ...)) {
        return invalid_node{};
    } else {
        constexpr bool has_name = !__is_same(Name, unnamed);
        CTNN_REQUIRE(has_name, "a model applied as a layer needs a name, which prefixes its layers' names: Model{in, out, name<\"...\">{}}",
                     error::nested_model_needs_a_name<typename M::template node_at<M::output_indices[0]>::layer_type>);
        constexpr bool count_ok = sizeof...(Nodes) == M::input_count;
        if constexpr (has_name) {
            CTNN_REQUIRE(count_ok, "a model applied as a layer takes one node per input",
                         error::model_called_with_wrong_number_of_tensors<std::integral_constant<std::size_t, M::input_count>,
                                                                           std::integral_constant<std::size_t, sizeof...(Nodes)>>);
        }
        if constexpr (!has_name || !count_ok) {
            return invalid_node{};
        } else {
            constexpr bool shapes_ok = [&]<std::size_t... K>(std::index_sequence<K...>) {
                return check_nested_shapes<Name>(std::tuple<shape_of<M::input_shapes[K]>...>{},
                                                 std::tuple<shape_of<Nodes::output_shape>...>{});
            }(std::make_index_sequence<M::input_count>{});
            if constexpr (!shapes_ok) return invalid_node{};
            else return typename nested_application<M, Name, Nodes...>::result{};
        }
    }
}

}  // namespace detail
}  // namespace ctnn
