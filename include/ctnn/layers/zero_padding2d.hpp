// ZeroPadding2D: adds rows and columns of zeros at the borders.
//
// Contract
//   ZeroPadding2D<[padding<...>], name<"...">>
//   forms      <p>: ((p,p),(p,p))   <h, w>: ((h,h),(w,w))   <t, b, l, r>: ((t,b),(l,r))
//   default    padding<1>
//   requires   amounts ≥ 0
//   output     n + t + b per axis (l and r along the width); channels unchanged
//   params     0
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/layers/layer.hpp>
#include <ctnn/rules/rules.hpp>

// The diagnostics of this header's rules (see error.hpp for how they read).
namespace ctnn::error {
template <class Layer> struct padding_must_not_be_negative;
}  // namespace ctnn::error

namespace ctnn {

template <class... Options>
struct ZeroPadding2D : layer_base<ZeroPadding2D<Options...>>, no_weights {
    static constexpr std::string_view kind = "ZeroPadding2D";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 1, max_inputs = 1;
    /// Keras' default padding is ((1,1),(1,1)).
    static constexpr margins pad = detail::option_or<padding<0>, padding<1>, Options...>::value;
    /// It only adds zeros: a layer after it that can read its input as if padded does it instead
    /// (graph/folding.hpp).
    static constexpr margins zero_padding = pad;

    static constexpr bool check_hyperparameters() {
        constexpr bool options_ok = detail::check_options<ZeroPadding2D, void(padding<0>), Options...>::value &&
                                    detail::check_name<ZeroPadding2D, Options...>();
        if constexpr (!options_ok) {
            return false;
        } else {
            constexpr bool ok = pad.top >= 0 && pad.bottom >= 0 && pad.left >= 0 && pad.right >= 0;
            CTNN_REQUIRE(ok, "padding must not be negative", error::padding_must_not_be_negative<ZeroPadding2D>);
            return ok;
        }
    }

    template <dims In>
    static constexpr bool accepts = In.height > 0 && In.width > 0;

    template <dims In>
    static constexpr verdict check_inputs() {
        return verdict::accept();
    }

    template <dims In>
    static constexpr dims output_shape{
        static_cast<int>(rules::eval(rules::pad_length, {.n = In.height, .before = pad.top, .after = pad.bottom})),
        static_cast<int>(rules::eval(rules::pad_length, {.n = In.width, .before = pad.left, .after = pad.right})),
        In.channels};

    template <dims In>
    static constexpr std::int64_t params = 0;
};

}  // namespace ctnn
