// Dense: a fully connected layer on the last axis, Keras semantics (the classifier heads of VGG16,
// ResNet50, MobileNetV2).
//
// Contract
//   Dense<units, [activation], [use_bias<bool>], name<"...">>
//   takes      any rank: a vector (n), or (W, C) and (H, W, C), where it acts on the last axis of
//              every position alone, as Keras does (a 1×1 convolution, in effect)
//   requires   units ≥ 1
//   output     the input shape with its last axis replaced by units
//   params     Cin·units + units (bias)      (Cin: the input's last axis)
//   weights    kernel (Cin, units), bias (units) — Keras order and layout. PyTorch's Linear stores
//              (units, Cin): transpose it when importing.
//   defaults   linear, use_bias<true>
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/layers/layer.hpp>
#include <ctnn/rules/rules.hpp>

// The diagnostics of this header's rules (see error.hpp for how they read).
namespace ctnn::error {
template <class Layer> struct units_must_be_positive;
}  // namespace ctnn::error

namespace ctnn {

template <int Units, class... Options>
struct Dense : layer_base<Dense<Units, Options...>> {
    static constexpr std::string_view kind = "Dense";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 1, max_inputs = 1;
    using input_ranks = any_rank;

    static constexpr int units = Units;
    static constexpr activation_kind activation = detail::option_or<linear, linear, Options...>::value;
    static constexpr bool bias = detail::option_or<use_bias<true>, use_bias<true>, Options...>::value;
    /// An activation layer after it becomes its activation, when its own is linear
    /// (graph/folding.hpp).
    static constexpr bool absorbs_activation = activation == activation_kind::linear;

    static constexpr bool check_hyperparameters() {
        constexpr bool options_ok = detail::check_options<Dense, void(linear, use_bias<true>), Options...>::value &&
                                    detail::check_name<Dense, Options...>();
        if constexpr (!options_ok) {
            return false;
        } else {
            constexpr bool ok = Units >= 1;
            CTNN_REQUIRE(ok, "Dense needs at least 1 unit", error::units_must_be_positive<Dense>);
            return ok;
        }
    }

    template <dims In>
    static constexpr bool accepts = In.channels > 0;

    /// Any shape with a last axis will do: nothing to report.
    template <dims In>
    static constexpr verdict check_inputs() {
        return verdict::accept();
    }

    template <dims In>
    static constexpr dims output_shape{In.height, In.width, Units, In.rank};

    template <dims In>
    static constexpr std::int64_t params = rules::eval(rules::dense_params, {.cin = In.channels, .cout = Units, .bias = bias});

    template <dims In>
    static constexpr auto weights = [] {
        if constexpr (bias) return weights_of(weight{"kernel", {In.channels, Units}, 2}, weight{"bias", {Units}, 1});
        else return weights_of(weight{"kernel", {In.channels, Units}, 2});
    }();

    /// Every position meets every kernel value once.
    template <dims In>
    static constexpr layer_cost cost{In.size() * Units, In.size() * Units};
};

}  // namespace ctnn
