// A node of the typed graph: a layer applied to input nodes. Its type is all there is to it, so
// its shape and parameter count are constants that static_asserts can read.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include <boost/hana/tuple.hpp>
#include <boost/hana/type.hpp>

#include <ctnn/shape.hpp>

namespace ctnn {

template <class Layer, class... Inputs>
struct node {
    using layer_type = Layer;
    using name_type = typename Layer::layer_name;
    static constexpr std::string_view name = name_type::value;
    static constexpr std::string_view kind = Layer::kind;

    /// What the layer makes of its inputs' shapes; `shape` is the same as a type.
    static constexpr dims output_shape = Layer::template output_shape<Inputs::output_shape...>;
    using shape = shape_of<output_shape>;
    static constexpr std::int64_t params = Layer::template params<Inputs::output_shape...>;

    /// Whether the layer has weights here, and their shapes in Keras' layout.
    static constexpr bool has_kernel = requires { Layer::template kernel_shape<Inputs::output_shape...>; };
    static constexpr bool has_bias = [] {
        if constexpr (has_kernel) return Layer::bias;
        else return false;
    }();
    static constexpr std::array<std::int64_t, 4> kernel_shape = [] {
        if constexpr (has_kernel) return Layer::template kernel_shape<Inputs::output_shape...>;
        else return std::array<std::int64_t, 4>{};
    }();

    static constexpr auto inputs = boost::hana::tuple_t<Inputs...>;
    static constexpr std::size_t input_count = sizeof...(Inputs);
};

}  // namespace ctnn
