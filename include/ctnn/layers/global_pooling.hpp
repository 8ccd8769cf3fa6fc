// GlobalAveragePooling2D and GlobalMaxPooling2D: the mean or maximum of each channel over the
// whole map, Keras semantics (ResNet50's and MobileNetV2's classifier heads).
//
// Contract
//   GlobalAveragePooling2D<[keepdims<bool>], name<"...">>   (GlobalMaxPooling2D alike)
//   default    keepdims<false>
//   takes      H×W×C maps
//   output     a vector of C; with keepdims<true>, a 1×1×C map      params 0
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/layers/layer.hpp>

namespace ctnn {

/// Keras' `keepdims`: whether the reduced axes stay, of length 1.
template <bool B> struct keepdims { using option_kind = keepdims<false>; static constexpr bool value = B; };

namespace detail {
template <class Derived, class... Options>
struct global_pooling : layer_base<Derived>, no_weights {
    using layer_name = option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 1, max_inputs = 1;
    static constexpr bool keep_dims = option_or<keepdims<false>, keepdims<false>, Options...>::value;

    static constexpr bool check_hyperparameters() {
        return check_options<Derived, void(keepdims<false>), Options...>::value && check_name<Derived, Options...>();
    }

    template <dims In>
    static constexpr bool accepts = In.height > 0 && In.width > 0;

    /// Every map (the rank is checked for every layer alike) reduces: nothing to report.
    template <dims In>
    static constexpr verdict check_inputs() {
        return verdict::accept();
    }

    template <dims In>
    static constexpr dims output_shape = keep_dims ? dims{1, 1, In.channels} : vector_dims(In.channels);

    template <dims In>
    static constexpr std::int64_t params = 0;
};
}  // namespace detail

template <class... Options>
struct GlobalAveragePooling2D : detail::global_pooling<GlobalAveragePooling2D<Options...>, Options...> {
    static constexpr std::string_view kind = "GlobalAveragePooling2D";
};

template <class... Options>
struct GlobalMaxPooling2D : detail::global_pooling<GlobalMaxPooling2D<Options...>, Options...> {
    static constexpr std::string_view kind = "GlobalMaxPooling2D";
};

}  // namespace ctnn
