// Model: the typed graph from one input node to one output node, as Keras' functional Model.
//
// Everything about a model is a constant of its type: the layers in topological order (a node
// used twice, like FCN-8's pool taps, appears once), their names, shapes and parameter counts.
// Boost.Hana does the type-level work: the traversal, the name → node map, the folds.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include <boost/hana/append.hpp>
#include <boost/hana/at.hpp>
#include <boost/hana/equal.hpp>
#include <boost/hana/filter.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/integral_constant.hpp>
#include <boost/hana/contains.hpp>
#include <boost/hana/find.hpp>
#include <boost/hana/fold_left.hpp>
#include <boost/hana/index_if.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/map.hpp>
#include <boost/hana/optional.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>
#include <boost/hana/unpack.hpp>

#include <ctnn/error.hpp>
#include <ctnn/graph/node.hpp>
#include <ctnn/layers/layer.hpp>

namespace ctnn {

namespace detail {
namespace hana = boost::hana;

/// Depth-first, inputs before the node: a topological order in which each node appears once.
/// For FCN-8 it is exactly the order of Keras' summary.
template <class Seen, class N>
constexpr auto visit(Seen seen, hana::basic_type<N> n) {
    if constexpr (decltype(hana::contains(seen, n))::value) {
        return seen;
    } else {
        auto after_inputs = hana::fold_left(N::inputs, seen, [](auto acc, auto in) { return visit(acc, in); });
        return hana::append(after_inputs, n);
    }
}

template <class N>
inline constexpr bool is_input_node = N::input_count == 0;

/// What the summary and the runtime need of one layer, as plain values.
struct layer_info {
    std::string_view name;
    std::string_view kind;
    dims output_shape;
    std::int64_t params;
    std::size_t first_input;  // into Model::edges
    std::size_t input_count;
};
}  // namespace detail

template <class In, class Out>
struct Model;

template <class In, class Out>
Model(In, Out) -> Model<In, Out>;

/// What `Model{input, output}` gives when the graph already failed its checks: nothing more to
/// say, so that the first diagnostic stays the only one.
template <class In>
struct Model<In, invalid_node> {
    constexpr Model(In, invalid_node) {}
};
template <class Out>
struct Model<invalid_node, Out> {
    constexpr Model(invalid_node, Out) {}
};
template <>
struct Model<invalid_node, invalid_node> {
    constexpr Model(invalid_node, invalid_node) {}
};

template <class In, class Out>
struct Model {
    static_assert(node_type<In> && node_type<Out>, "Model{input, output} takes two nodes");
    static_assert(In::input_count == 0, "the first argument of Model{input, output} must be an Input node");

    constexpr Model() = default;
    constexpr Model(In, Out) {}

    using input_node = In;
    using output_node = Out;

    /// Every node the output depends on, inputs first (hana::tuple of hana::type).
    static constexpr auto nodes = detail::visit(boost::hana::make_tuple(), boost::hana::type_c<Out>);
    static constexpr std::size_t layer_count = decltype(boost::hana::length(nodes))::value;

    static constexpr dims input_shape = In::output_shape;
    static constexpr dims output_shape = Out::output_shape;

    static constexpr std::array<std::string_view, layer_count> names =
        boost::hana::unpack(nodes, [](auto... n) { return std::array<std::string_view, layer_count>{decltype(n)::type::name...}; });

    static constexpr std::int64_t total_params =
        boost::hana::unpack(nodes, [](auto... n) { return (std::int64_t{0} + ... + decltype(n)::type::params); });

    /// The node at position `I` of `nodes`.
    template <std::size_t I>
    using node_at = typename decltype(+nodes[boost::hana::size_c<I>])::type;

private:
    // Two different nodes with one name (checked before the name map is built, which needs
    // distinct keys).
    static constexpr std::array<std::size_t, 2> first_duplicate_name() {
        for (std::size_t j = 0; j != layer_count; ++j)
            for (std::size_t i = 0; i != j; ++i)
                if (names[i] == names[j]) return {i, j};
        return {layer_count, layer_count};
    }
    static constexpr auto duplicate = first_duplicate_name();

    static constexpr bool check_names() {
        constexpr bool unique = duplicate[0] == layer_count;
        if constexpr (!unique) {
            using first = node_at<duplicate[0]>;
            using second = node_at<duplicate[1]>;
            CTNN_REQUIRE(unique, "two different layers of this model have the same name; names identify layers and their weights",
                         error::duplicate_layer_name<typename first::name_type, typename first::layer_type,
                                                     typename second::layer_type>);
        }
        return unique;
    }
    static constexpr bool check_inputs() {
        constexpr auto inputs = boost::hana::filter(nodes, [](auto n) {
            return boost::hana::bool_c<detail::is_input_node<typename decltype(n)::type> &&
                                       !std::is_same_v<typename decltype(n)::type, In>>;
        });
        constexpr bool ok = decltype(boost::hana::length(inputs))::value == 0;
        if constexpr (!ok) {
            using other = typename decltype(+inputs[boost::hana::size_c<0>])::type;
            CTNN_REQUIRE(ok, "the model's output depends on an Input other than the model's input",
                         error::output_does_not_depend_on_model_input<typename In::layer_type, typename other::layer_type>);
        }
        return ok;
    }
    // Evaluated for their own diagnostics; a static_assert here would only repeat them.
    using checked = std::bool_constant<check_names() && check_inputs()>;

public:
    /// Position of a node in `nodes`.
    template <class N>
    static constexpr std::size_t index_of =
        std::remove_cvref_t<decltype(*boost::hana::index_if(nodes, boost::hana::equal.to(boost::hana::type_c<N>)))>::value;

    /// Name → node (hana::map from hana::type<named<...>> to hana::type<node>).
    static constexpr auto by_name = boost::hana::unpack(nodes, [](auto... n) {
        return boost::hana::make_map(
            boost::hana::make_pair(boost::hana::type_c<typename decltype(n)::type::name_type>, n)...);
    });

    /// Every input of every node, as indices into `nodes`, grouped by node.
    static constexpr auto edges = boost::hana::unpack(nodes, [](auto... n) {
        constexpr std::size_t count = (std::size_t{0} + ... + decltype(n)::type::input_count);
        std::array<std::size_t, count == 0 ? 1 : count> out{};
        std::size_t i = 0;
        auto add = [&](auto node) {
            boost::hana::for_each(decltype(node)::type::inputs,
                                  [&](auto in) { out[i++] = index_of<typename decltype(in)::type>; });
        };
        (add(n), ...);
        return out;
    });

    static constexpr std::array<detail::layer_info, layer_count> layers = boost::hana::unpack(nodes, [](auto... n) {
        std::array<detail::layer_info, layer_count> out{};
        std::size_t i = 0, edge = 0;
        auto add = [&](auto node) {
            using N = typename decltype(node)::type;
            out[i++] = {N::name, N::kind, N::output_shape, N::params, edge, N::input_count};
            edge += N::input_count;
        };
        (add(n), ...);
        return out;
    });
};

namespace detail {
template <class M, class Name>
constexpr auto find_node() {
    constexpr auto found = boost::hana::find(M::by_name, boost::hana::type_c<Name>);
    constexpr bool ok = decltype(boost::hana::is_just(found))::value;
    CTNN_REQUIRE(ok, "the model has no layer with this name", error::no_layer_with_this_name<Name>);
    if constexpr (ok) return typename std::remove_cvref_t<decltype(*found)>::type{};
    else return invalid_node{};  // not void: `node_named_t<M, "x">::output_shape` then parses
}
}  // namespace detail

/// The node named `S` in model `M`: `node_named<"conv6">(model).params`.
template <fixed_string S, class In, class Out>
constexpr auto node_named(Model<In, Out>) {
    return detail::find_node<Model<In, Out>, name<S>>();
}

/// The same as a type.
template <class M, fixed_string S>
using node_named_t = decltype(detail::find_node<M, name<S>>());

}  // namespace ctnn
