// Add and Concatenate: the layers that join branches, as FCN-8 joins its skip connections.
//
// Contract
//   Add<name<"...">>          requires two or more inputs of one shape, of any rank.
//                             Keras would broadcast size-1 axes; ctnn does not, so that a
//                             misaligned skip connection is an error, never a silent broadcast.
//   Concatenate<name<"...">>  concatenates along the channel axis (Keras' axis=-1); requires two
//                             or more inputs with equal H and W; output C = ΣC.
//   params                    0
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/layers/layer.hpp>

namespace ctnn {

template <class... Options>
struct Add : layer_base<Add<Options...>>, no_weights {
    static constexpr std::string_view kind = "Add";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 2, max_inputs = 64;
    using input_ranks = any_rank;

    static constexpr bool check_hyperparameters() {
        return detail::check_options<Add, void(), Options...>::value && detail::check_name<Add, Options...>();
    }

    template <dims First, dims... Rest>
    static constexpr bool accepts = ((First == Rest) && ...);

    template <dims First, dims... Rest>
    static constexpr bool check_inputs() {
        return (check_pair<First, Rest>() && ...);
    }

    template <dims First, dims... Rest>
    static constexpr dims output_shape = First;

    template <dims... In>
    static constexpr std::int64_t params = 0;

private:
    template <dims First, dims Other>
    static constexpr bool check_pair() {
        constexpr bool ok = First == Other;
        CTNN_REQUIRE(ok, "Add needs inputs of one shape: crop, pad or project one of them (e.g. with Cropping2D)",
                     error::add_inputs_have_different_shapes<Add, shape_of<First>, shape_of<Other>>);
        return ok;
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
    static constexpr bool check_inputs() {
        return (check_pair<First, Rest>() && ...);
    }

    template <dims First, dims... Rest>
    static constexpr dims output_shape{First.height, First.width, (First.channels + ... + Rest.channels)};

    template <dims... In>
    static constexpr std::int64_t params = 0;

private:
    template <dims First, dims Other>
    static constexpr bool check_pair() {
        constexpr bool ok = First.height == Other.height && First.width == Other.width;
        CTNN_REQUIRE(ok, "Concatenate joins along channels: its inputs need equal height and width",
                     error::concatenate_inputs_differ_in_height_or_width<Concatenate, shape_of<First>, shape_of<Other>>);
        return ok;
    }
};

}  // namespace ctnn
