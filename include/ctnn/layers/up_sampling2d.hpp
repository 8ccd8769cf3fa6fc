// UpSampling2D: repeats rows and columns (nearest neighbour) or interpolates them (bilinear),
// Keras semantics.
//
// Contract
//   UpSampling2D<[size<fh, fw>], [nearest | bilinear], name<"...">>
//   default    size<2>, nearest
//   bilinear   as Keras on TensorFlow 2 and Keras 3 (tf.image.resize, half-pixel centres, no
//              antialiasing): output row o samples input row (o + ½)/f − ½, clamped to the
//              edges; the same as PyTorch's interpolate(mode="bilinear", align_corners=False).
//   requires   size ≥ 1
//   output     n·f per axis; channels unchanged
//   params     0
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/layers/layer.hpp>
#include <ctnn/rules/rules.hpp>

// The diagnostics of this header's rules (see error.hpp for how they read).
namespace ctnn::error {
template <class Layer> struct size_must_be_positive;
}  // namespace ctnn::error

namespace ctnn {

/// UpSampling2D's `interpolation`.
enum class interpolation_mode { nearest, bilinear };
struct nearest { using option_kind = nearest; static constexpr interpolation_mode value = interpolation_mode::nearest; };
struct bilinear { using option_kind = nearest; static constexpr interpolation_mode value = interpolation_mode::bilinear; };
constexpr std::string_view to_string(interpolation_mode m) { return m == interpolation_mode::bilinear ? "bilinear" : "nearest"; }

template <class... Options>
struct UpSampling2D : layer_base<UpSampling2D<Options...>>, no_weights {
    static constexpr std::string_view kind = "UpSampling2D";
    using layer_name = detail::option_or<named<>::option_kind, named<>, Options...>;
    static constexpr std::size_t min_inputs = 1, max_inputs = 1;
    static constexpr hw factor = detail::option_or<size<1>, size<2>, Options...>::value;
    static constexpr interpolation_mode interpolation = detail::option_or<nearest, nearest, Options...>::value;

    static constexpr bool check_hyperparameters() {
        constexpr bool options_ok = detail::check_options<UpSampling2D, void(size<1>, nearest), Options...>::value &&
                                    detail::check_name<UpSampling2D, Options...>();
        if constexpr (!options_ok) {
            return false;
        } else {
            constexpr bool ok = factor.height >= 1 && factor.width >= 1;
            CTNN_REQUIRE(ok, "size must be at least 1 along each axis", error::size_must_be_positive<UpSampling2D>);
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
    static constexpr dims output_shape{static_cast<int>(rules::eval(rules::upsample_length, {.n = In.height, .f = factor.height})),
                                       static_cast<int>(rules::eval(rules::upsample_length, {.n = In.width, .f = factor.width})),
                                       In.channels};

    template <dims In>
    static constexpr std::int64_t params = 0;
};

}  // namespace ctnn
