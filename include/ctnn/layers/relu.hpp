// ReLU and LeakyReLU: rectifiers with Keras' settings, as layers of their own (MobileNetV2's
// ReLU(6.0), YOLO's and DCGAN's LeakyReLU).
//
// Contract
//   ReLU<[max_value<N>], [negative_slope<N>], [threshold<N>], name<"...">>
//   defaults   max_value unset (no cap), negative_slope<0>, threshold<0>
//   requires   max_value, negative_slope and threshold ≥ 0 (Keras raises otherwise)
//   computes   as Keras does: min(x, max_value) for x > threshold (and ≥ 0: max(x, 0) when
//              threshold is 0), 0 else; minus negative_slope·max(threshold − x, 0). That is
//              Keras' documented f(x) = max_value for x ≥ max_value, x for threshold ≤ x <
//              max_value, negative_slope·(x − threshold) otherwise, but for x = threshold ≠ 0,
//              where Keras' code (a strict x > threshold) gives 0 and so does ctnn.
//   LeakyReLU<[negative_slope<N>], name<"...">>
//   default    negative_slope<"0.3"> (Keras 2 and 3; PyTorch's and ONNX's 0.01 differ)
//   requires   negative_slope ≥ 0
//   computes   x for x > 0, negative_slope·x otherwise
//   both       take any rank; output the input shape; params 0
// Options are ctnn::number: `max_value<6>`, `negative_slope<"0.1">`.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/layers/layer.hpp>

// The diagnostics of this header's rules (see error.hpp for how they read).
namespace ctnn::error {
template <class Layer> struct max_value_must_not_be_negative;
template <class Layer> struct negative_slope_must_not_be_negative;
template <class Layer> struct threshold_must_not_be_negative;
}  // namespace ctnn::error

namespace ctnn {

template <number V> struct max_value { using option_kind = max_value<0>; static constexpr number value = V; };
template <number V> struct negative_slope { using option_kind = negative_slope<0>; static constexpr number value = V; };
template <number V> struct threshold { using option_kind = threshold<0>; static constexpr number value = V; };

template <class... Options>
struct ReLU : elementwise_layer<ReLU<Options...>> {
    static constexpr std::string_view kind = "ReLU";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;

    /// Keras' max_value=None: no cap.
    static constexpr bool capped = detail::count_kind<max_value<0>, Options...> != 0;
    static constexpr number cap = detail::option_or<max_value<0>, max_value<0>, Options...>::value;
    static constexpr number slope = detail::option_or<negative_slope<0>, negative_slope<0>, Options...>::value;
    static constexpr number from = detail::option_or<threshold<0>, threshold<0>, Options...>::value;

    /// With no slope, no threshold and no cap or a cap of 6, this is the activation function relu
    /// or relu6, which the layer before it can apply instead (graph/folding.hpp).
    static constexpr bool activation_only = slope == number{0} && from == number{0} && (!capped || cap == number{6});
    static constexpr activation_kind activation = capped ? activation_kind::relu6 : activation_kind::relu;

    static constexpr bool check_hyperparameters() {
        constexpr bool options_ok =
            detail::check_options<ReLU, void(max_value<0>, negative_slope<0>, threshold<0>), Options...>::value &&
            detail::check_name<ReLU, Options...>();
        if constexpr (!options_ok) {
            return false;
        } else {
            constexpr bool cap_ok = !(cap < number{0});
            CTNN_REQUIRE(cap_ok, "max_value must not be negative (as in Keras)", error::max_value_must_not_be_negative<ReLU>);
            constexpr bool slope_ok = !(slope < number{0});
            CTNN_REQUIRE(slope_ok, "negative_slope must not be negative (as in Keras)",
                         error::negative_slope_must_not_be_negative<ReLU>);
            constexpr bool from_ok = !(from < number{0});
            CTNN_REQUIRE(from_ok, "threshold must not be negative (as in Keras)", error::threshold_must_not_be_negative<ReLU>);
            return cap_ok && slope_ok && from_ok;
        }
    }
};

template <class... Options>
struct LeakyReLU : elementwise_layer<LeakyReLU<Options...>> {
    static constexpr std::string_view kind = "LeakyReLU";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;

    static constexpr number slope = detail::option_or<negative_slope<0>, negative_slope<"0.3">, Options...>::value;

    static constexpr bool check_hyperparameters() {
        constexpr bool options_ok = detail::check_options<LeakyReLU, void(negative_slope<0>), Options...>::value &&
                                    detail::check_name<LeakyReLU, Options...>();
        if constexpr (!options_ok) {
            return false;
        } else {
            constexpr bool ok = !(slope < number{0});
            CTNN_REQUIRE(ok, "negative_slope must not be negative (as in Keras)",
                         error::negative_slope_must_not_be_negative<LeakyReLU>);
            return ok;
        }
    }
};

}  // namespace ctnn
