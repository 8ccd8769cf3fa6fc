// Input: where a model starts; fixes the shape of one sample (the batch size stays a run-time
// choice, Keras' None).
//
// Contract
//   Input<shape<H, W, C>, name<"...">>{}()      requires H, W, C ≥ 1      params 0
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/layers/layer.hpp>

// The diagnostics of this header's rules (see error.hpp for how they read).
namespace ctnn::error {
template <class Shape> struct input_shape_must_be_positive;
}  // namespace ctnn::error

namespace ctnn {

template <class Shape, class... Options>
struct Input : layer_base<Input<Shape, Options...>>, no_weights {
    static constexpr std::string_view kind = "InputLayer";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 0, max_inputs = 0;
    static constexpr dims input_shape = Shape::value;

    static constexpr bool check_hyperparameters() {
        constexpr bool options_ok = detail::check_options<Input, void(), Options...>::value &&
                                    detail::check_name<Input, Options...>();
        constexpr bool ok = input_shape.height >= 1 && input_shape.width >= 1 && input_shape.channels >= 1;
        CTNN_REQUIRE(ok, "an Input's height, width and channels must be at least 1",
                     error::input_shape_must_be_positive<Shape>);
        return options_ok && ok;
    }

    template <dims... None>
    static constexpr bool accepts = sizeof...(None) == 0;

    template <dims... None>
    static constexpr verdict check_inputs() {
        return verdict::accept();
    }

    template <dims... None>
    static constexpr dims output_shape = input_shape;

    template <dims... None>
    static constexpr std::int64_t params = 0;
};

}  // namespace ctnn
