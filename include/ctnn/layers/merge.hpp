// Add and Concatenate: the layers that join branches, as FCN-8 joins its skip connections.
//
// Contract
//   Add<name<"...">>          requires two or more inputs of one shape, of any rank.
//                             Keras would broadcast size-1 axes; ctnn does not, so that a
//                             misaligned skip connection is an error, never a silent broadcast.
//   Concatenate<name<"...">>  concatenates along the channel axis (Keras' axis=-1); requires two
//                             or more inputs with equal H and W; output C = ΣC.
//   Multiply, Average, Maximum, Minimum<name<"...">>
//                             two or more inputs; Subtract<name<"...">> exactly two (the first
//                             minus the second). These broadcast as Keras and NumPy do: along each
//                             axis the inputs' lengths are equal or 1, and the output takes the
//                             longer (a squeeze-and-excitation gate 1×1×C times H×W×C, a spatial
//                             mask H×W×1 times H×W×C). Any other pair is a compile error naming
//                             the layer and both shapes.
//   params                    0
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/layers/layer.hpp>

// The diagnostics of this header's rules (see error.hpp for how they read).
namespace ctnn::error {
template <class Layer, class Shape, class OtherShape> struct add_inputs_have_different_shapes;
template <class Layer, class Shape, class OtherShape> struct concatenate_inputs_differ_in_height_or_width;
template <class Layer, class Shape, class OtherShape> struct inputs_cannot_broadcast;
}  // namespace ctnn::error

namespace ctnn {

template <class... Options>
struct Add : layer_base<Add<Options...>>, no_weights {
    static constexpr std::string_view kind = "Add";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 2, max_inputs = 64;
    /// An activation after the sum (ResNet's Add → ReLU) folds in (graph/folding.hpp): the kernel
    /// applies it to each run it has just summed, while in cache.
    static constexpr bool absorbs_activation = true;
    /// A sum of two folds into the convolution that computes one of them, which adds the other
    /// in its epilogue (graph/folding.hpp).
    static constexpr bool sums_inputs = true;
    using input_ranks = any_rank;

    static constexpr bool check_hyperparameters() {
        return detail::check_options<Add, void(), Options...>::value && detail::check_name<Add, Options...>();
    }

    template <dims First, dims... Rest>
    static constexpr bool accepts = ((First == Rest) && ...);

    template <dims First, dims... Rest>
    static constexpr verdict check_inputs() {
        return (verdict::accept() && ... && check_pair<First, Rest>());
    }

    template <dims First, dims... Rest>
    static constexpr dims output_shape = First;

    template <dims... In>
    static constexpr std::int64_t params = 0;

private:
    template <dims First, dims Other>
    static constexpr verdict check_pair() {
        constexpr bool ok = First == Other;
        return CTNN_CHECK(ok, "Add needs inputs of one shape: crop, pad or project one of them (e.g. with Cropping2D)",
                          error::add_inputs_have_different_shapes<Add, shape_of<First>, shape_of<Other>>);
    }
};

template <class... Options>
struct Concatenate : layer_base<Concatenate<Options...>>, no_weights {
    static constexpr std::string_view kind = "Concatenate";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 2, max_inputs = 64;

    static constexpr bool check_hyperparameters() {
        return detail::check_options<Concatenate, void(), Options...>::value &&
               detail::check_name<Concatenate, Options...>();
    }

    template <dims First, dims... Rest>
    static constexpr bool accepts = ((First.height == Rest.height && First.width == Rest.width) && ...);

    template <dims First, dims... Rest>
    static constexpr verdict check_inputs() {
        return (verdict::accept() && ... && check_pair<First, Rest>());
    }

    template <dims First, dims... Rest>
    static constexpr dims output_shape{First.height, First.width, (First.channels + ... + Rest.channels)};

    template <dims... In>
    static constexpr std::int64_t params = 0;

private:
    template <dims First, dims Other>
    static constexpr verdict check_pair() {
        constexpr bool ok = First.height == Other.height && First.width == Other.width;
        return CTNN_CHECK(ok, "Concatenate joins along channels: its inputs need equal height and width",
                          error::concatenate_inputs_differ_in_height_or_width<Concatenate, shape_of<First>, shape_of<Other>>);
    }
};

// ---- Merges that broadcast: Multiply, Subtract, Average, Maximum, Minimum -----------------------

namespace detail {
/// Whether two shapes broadcast (Keras/NumPy): per axis equal, or one of them 1.
constexpr bool broadcastable(dims a, dims b) {
    auto axis = [](int x, int y) { return x == y || x == 1 || y == 1; };
    return axis(a.height, b.height) && axis(a.width, b.width) && axis(a.channels, b.channels);
}
/// The broadcast of two broadcastable shapes: the longer length per axis.
constexpr dims broadcast(dims a, dims b) {
    auto axis = [](int x, int y) { return x == 1 ? y : x; };
    return {axis(a.height, b.height), axis(a.width, b.width), axis(a.channels, b.channels)};
}
template <dims First, dims... Rest>
constexpr dims broadcast_all() {
    dims out = First;
    ((out = broadcast(out, Rest)), ...);
    return out;
}
template <dims First, dims... Rest>
constexpr bool all_broadcastable() {
    dims out = First;
    bool ok = true;
    ((ok = ok && broadcastable(out, Rest), out = broadcast(out, Rest)), ...);
    return ok;
}

/// What the broadcasting merges share: shapes, checks and no weights. Each input is checked
/// against the broadcast of the inputs before it, so the diagnostic shows the pair that fails.
template <class Self>
struct broadcasting_merge : layer_base<Self>, no_weights {
    template <dims First, dims... Rest>
    static constexpr bool accepts = all_broadcastable<First, Rest...>();

    template <dims First, dims... Rest>
    static constexpr verdict check_inputs() {
        return check_from<First, Rest...>();
    }

    template <dims First, dims... Rest>
    static constexpr dims output_shape = broadcast_all<First, Rest...>();

    template <dims... In>
    static constexpr std::int64_t params = 0;

private:
    template <dims Joined>
    static constexpr verdict check_from() {
        return verdict::accept();
    }
    template <dims Joined, dims Next, dims... Rest>
    static constexpr verdict check_from() {
        constexpr bool ok = broadcastable(Joined, Next);
        const verdict v = CTNN_CHECK(ok, "these inputs cannot broadcast: along each axis their lengths must be equal or 1",
                                     error::inputs_cannot_broadcast<Self, shape_of<Joined>, shape_of<Next>>);
        if constexpr (!ok) return v;
        else return v && check_from<broadcast(Joined, Next), Rest...>();
    }
};
}  // namespace detail

/// Element-wise product, broadcasting (a squeeze-and-excitation gate scales channels).
template <class... Options>
struct Multiply : detail::broadcasting_merge<Multiply<Options...>> {
    static constexpr std::string_view kind = "Multiply";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 2, max_inputs = 64;
    static constexpr bool check_hyperparameters() {
        return detail::check_options<Multiply, void(), Options...>::value && detail::check_name<Multiply, Options...>();
    }
};

/// The first input minus the second, broadcasting.
template <class... Options>
struct Subtract : detail::broadcasting_merge<Subtract<Options...>> {
    static constexpr std::string_view kind = "Subtract";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 2, max_inputs = 2;
    static constexpr bool check_hyperparameters() {
        return detail::check_options<Subtract, void(), Options...>::value && detail::check_name<Subtract, Options...>();
    }
};

/// Element-wise mean, broadcasting.
template <class... Options>
struct Average : detail::broadcasting_merge<Average<Options...>> {
    static constexpr std::string_view kind = "Average";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 2, max_inputs = 64;
    static constexpr bool check_hyperparameters() {
        return detail::check_options<Average, void(), Options...>::value && detail::check_name<Average, Options...>();
    }
};

/// Element-wise maximum, broadcasting.
template <class... Options>
struct Maximum : detail::broadcasting_merge<Maximum<Options...>> {
    static constexpr std::string_view kind = "Maximum";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 2, max_inputs = 64;
    static constexpr bool check_hyperparameters() {
        return detail::check_options<Maximum, void(), Options...>::value && detail::check_name<Maximum, Options...>();
    }
};

/// Element-wise minimum, broadcasting.
template <class... Options>
struct Minimum : detail::broadcasting_merge<Minimum<Options...>> {
    static constexpr std::string_view kind = "Minimum";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 2, max_inputs = 64;
    static constexpr bool check_hyperparameters() {
        return detail::check_options<Minimum, void(), Options...>::value && detail::check_name<Minimum, Options...>();
    }
};

}  // namespace ctnn
