// MaxPooling2D and AveragePooling2D: sliding-window reductions, Keras semantics.
//
// Contract
//   MaxPooling2D<[pool_size<ph, pw>], [strides<sh, sw>], [valid | same], name<"...">>
//   (AveragePooling2D alike)
//   defaults   pool_size 2×2; strides = pool_size; valid
//   requires   pool_size and strides ≥ 1; with `valid`, the input at least the pool.
//   output     valid: ⌊(n − k)/s⌋ + 1   same: ⌈n/s⌉   (per axis, k = pool); channels unchanged
//   params     0
//   numerics   `same` pads as TF does; padded cells are ignored (max) or not counted (average).
//              A ZeroPadding2D before it folds into it; its zeros count as cells.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/layers/layer.hpp>
#include <ctnn/layers/window.hpp>

// The diagnostics of this header's rules (see error.hpp for how they read).
namespace ctnn::error {
template <class Layer> struct pool_size_must_be_positive;
template <class Layer, class Shape> struct pool_larger_than_input;
}  // namespace ctnn::error

namespace ctnn {

namespace detail {
template <class Derived, class... Options>
struct pooling : layer_base<Derived>, no_weights {
    using layer_name = option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 1, max_inputs = 1;

    static constexpr hw kernel = option_or<pool_size<1>, pool_size<2>, Options...>::value;
    /// Keras: strides default to pool_size.
    static constexpr hw stride = option_or<strides<1>, pool_size<kernel.height, kernel.width>, Options...>::value;
    static constexpr hw dilation{1, 1};
    static constexpr padding_mode padding = option_or<valid, valid, Options...>::value;
    /// A ZeroPadding2D before it folds into it (graph/folding.hpp): its kernel reads the unpadded
    /// map and counts the margins' zeros as cells of the window, so the padded map is never
    /// written (ResNet's and DenseNet's stems pad their 112×112×64 map before a max pooling).
    static constexpr bool absorbs_zero_padding = true;

    static constexpr bool check_hyperparameters() {
        constexpr bool options_ok =
            check_options<Derived, void(pool_size<1>, strides<1>, valid), Options...>::value &&
            check_name<Derived, Options...>();
        if constexpr (!options_ok) {
            return false;
        } else {
            constexpr bool pool_ok = kernel.height >= 1 && kernel.width >= 1;
            CTNN_REQUIRE(pool_ok, "pool_size must be at least 1 along each axis", error::pool_size_must_be_positive<Derived>);
            if constexpr (!pool_ok) {
                return false;  // strides default to pool_size: a second report would blame strides never written
            } else {
                constexpr bool strides_ok = stride.height >= 1 && stride.width >= 1;
                CTNN_REQUIRE(strides_ok, "strides must be at least 1 along each axis", error::strides_must_be_positive<Derived>);
                return strides_ok;
            }
        }
    }

    template <dims In>
    static constexpr bool accepts = window_fits(In, kernel, dilation, padding);

    template <dims In>
    static constexpr verdict check_inputs() {
        constexpr bool fits = accepts<In>;
        return CTNN_CHECK(fits, "with padding 'valid' the input must be at least as large as the pool; "
                                "use 'same' padding, a smaller pool or a larger input",
                          error::pool_larger_than_input<Derived, shape_of<In>>);
    }

    template <dims In>
    static constexpr dims output_shape{window_length(In.height, kernel.height, stride.height, 1, padding),
                                       window_length(In.width, kernel.width, stride.width, 1, padding), In.channels};

    template <dims In>
    static constexpr std::int64_t params = 0;
};
}  // namespace detail

template <class... Options>
struct MaxPooling2D : detail::pooling<MaxPooling2D<Options...>, Options...> {
    static constexpr std::string_view kind = "MaxPooling2D";
};

template <class... Options>
struct AveragePooling2D : detail::pooling<AveragePooling2D<Options...>, Options...> {
    static constexpr std::string_view kind = "AveragePooling2D";
};

}  // namespace ctnn
