// Dropout, SpatialDropout2D and GaussianNoise: regularisation that acts while training only, so
// identities here (ctnn runs inference). They exist so that Keras models keep their layers, and
// their names, when written in ctnn.
//
// Contract
//   Dropout<rate<N>, name<"...">>            takes any rank
//   SpatialDropout2D<rate<N>, name<"...">>   takes H×W×C maps (it drops whole channels)
//   GaussianNoise<stddev<N>, name<"...">>    takes any rank
//   requires   rate (required, as in Keras) and stddev (required) between 0 and 1, as Keras 3 checks
//   output     the input, unchanged      params 0
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <type_traits>

#include <ctnn/layers/layer.hpp>
#include <ctnn/layers/required.hpp>

// The diagnostics of this header's rules (see error.hpp for how they read).
namespace ctnn::error {
template <class Layer> struct rate_must_be_between_0_and_1;
template <class Layer> struct stddev_must_be_between_0_and_1;
}  // namespace ctnn::error

namespace ctnn {

template <number V> struct rate { using option_kind = rate<0>; static constexpr number value = V; };
template <number V> struct stddev { using option_kind = stddev<0>; static constexpr number value = V; };

namespace detail {
/// What the three share: one input, kept as it is. `Kind` is the option each requires.
template <class Derived, class Kind, class... Options>
struct inference_identity : elementwise_layer<Derived> {
    using layer_name = option_or<named<>::option_kind, named<>, Options...>;
    static constexpr number amount = option_or<Kind, missing_number, Options...>::value;

    static constexpr bool check_hyperparameters() {
        constexpr bool options_ok = check_options<Derived, void(Kind), Options...>::value && check_name<Derived, Options...>() &&
                                    require_option<Derived, Kind, Options...>();
        if constexpr (!options_ok) {
            return false;
        } else {
            constexpr bool ok = !(amount < number{0}) && !(number{1} < amount);
            if constexpr (std::is_same_v<Kind, rate<0>>) {
                CTNN_REQUIRE(ok, "rate must be between 0 and 1 (as Keras checks)", error::rate_must_be_between_0_and_1<Derived>);
            } else {
                CTNN_REQUIRE(ok, "stddev must be between 0 and 1 (as Keras 3 checks)",
                             error::stddev_must_be_between_0_and_1<Derived>);
            }
            return ok;
        }
    }
};
}  // namespace detail

template <class... Options>
struct Dropout : detail::inference_identity<Dropout<Options...>, rate<0>, Options...> {
    static constexpr std::string_view kind = "Dropout";
};

template <class... Options>
struct SpatialDropout2D : detail::inference_identity<SpatialDropout2D<Options...>, rate<0>, Options...> {
    static constexpr std::string_view kind = "SpatialDropout2D";
    using input_ranks = ranks<3>;  // it drops whole channels of a map, as Keras' takes 4-D input only
};

template <class... Options>
struct GaussianNoise : detail::inference_identity<GaussianNoise<Options...>, stddev<0>, Options...> {
    static constexpr std::string_view kind = "GaussianNoise";
};

}  // namespace ctnn
