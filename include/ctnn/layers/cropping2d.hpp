// Cropping2D: removes rows and columns at the borders. FCN-8 crops its upsampled maps so that
// they line up with the encoder's skip connections.
//
// Contract
//   Cropping2D<[cropping<...>], name<"...">>
//   forms      <c>: ((c,c),(c,c))   <h, w>: ((h,h),(w,w))   <t, b, l, r>: ((t,b),(l,r))
//   default    cropping<0>
//   requires   amounts ≥ 0; the crop must leave at least one row and one column: t + b < n.
//   output     n − t − b per axis (l and r along the width); channels unchanged
//   params     0
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/layers/layer.hpp>
#include <ctnn/rules/rules.hpp>

// The diagnostics of this header's rules (see error.hpp for how they read).
namespace ctnn::error {
template <class Layer> struct cropping_must_not_be_negative;
template <class Layer, class Shape> struct cropping_removes_whole_input;
}  // namespace ctnn::error

namespace ctnn {

template <class... Options>
struct Cropping2D : layer_base<Cropping2D<Options...>>, no_weights {
    static constexpr std::string_view kind = "Cropping2D";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 1, max_inputs = 1;
    /// Keras' default cropping is ((0,0),(0,0)).
    static constexpr margins crop = detail::option_or<cropping<0>, cropping<0>, Options...>::value;

    static constexpr bool check_hyperparameters() {
        constexpr bool options_ok = detail::check_options<Cropping2D, void(cropping<0>), Options...>::value &&
                                    detail::check_name<Cropping2D, Options...>();
        if constexpr (!options_ok) {
            return false;
        } else {
            constexpr bool ok = crop.top >= 0 && crop.bottom >= 0 && crop.left >= 0 && crop.right >= 0;
            CTNN_REQUIRE(ok, "cropping must not be negative", error::cropping_must_not_be_negative<Cropping2D>);
            return ok;
        }
    }

    template <dims In>
    static constexpr bool accepts =
        rules::eval(rules::crop_requires, {.n = In.height, .before = crop.top, .after = crop.bottom}) &&
        rules::eval(rules::crop_requires, {.n = In.width, .before = crop.left, .after = crop.right});

    template <dims In>
    static constexpr verdict check_inputs() {
        constexpr bool ok = accepts<In>;
        return CTNN_CHECK(ok, "Cropping2D would remove the whole input: crop less, or crop a larger map",
                          error::cropping_removes_whole_input<Cropping2D, shape_of<In>>);
    }

    template <dims In>
    static constexpr dims output_shape{
        static_cast<int>(rules::eval(rules::crop_length, {.n = In.height, .before = crop.top, .after = crop.bottom})),
        static_cast<int>(rules::eval(rules::crop_length, {.n = In.width, .before = crop.left, .after = crop.right})),
        In.channels};

    template <dims In>
    static constexpr std::int64_t params = 0;
};

}  // namespace ctnn
