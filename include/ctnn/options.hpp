// Keras keyword arguments as types: `Conv2D<64, kernel_size<3>, strides<2>, same, relu>`.
//
// Options may be given in any order, as Keras keywords may. Each layer states which options it
// accepts; an option it does not accept, or one given twice, is a compile error naming both.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cstddef>
#include <string_view>
#include <type_traits>

#include <ctnn/error.hpp>
#include <ctnn/name.hpp>
#include <ctnn/number.hpp>

namespace ctnn {

/// A pair of lengths, one per spatial axis.
struct hw {
    int height = 0;
    int width = 0;
    friend constexpr bool operator==(const hw&, const hw&) = default;
};

/// Before/after amounts for both axes, as Keras' ((top, bottom), (left, right)).
struct margins {
    int top = 0, bottom = 0, left = 0, right = 0;
    friend constexpr bool operator==(const margins&, const margins&) = default;
};

template <int H, int W = H> struct kernel_size { using option_kind = kernel_size<1>; static constexpr hw value{H, W}; };
template <int H, int W = H> struct strides { using option_kind = strides<1>; static constexpr hw value{H, W}; };
template <int H, int W = H> struct dilation_rate { using option_kind = dilation_rate<1>; static constexpr hw value{H, W}; };
template <int H, int W = H> struct pool_size { using option_kind = pool_size<1>; static constexpr hw value{H, W}; };
template <int H, int W = H> struct size { using option_kind = size<1>; static constexpr hw value{H, W}; };

/// `output_padding` of Conv2DTranspose. Unset (Keras' None) is not the same as zero.
template <int H, int W = H> struct output_padding { using option_kind = output_padding<0>; static constexpr hw value{H, W}; };

namespace detail {
template <int... V> constexpr margins make_margins() {
    constexpr int v[] = {V...};
    if constexpr (sizeof...(V) == 1) return {v[0], v[0], v[0], v[0]};
    else if constexpr (sizeof...(V) == 2) return {v[0], v[0], v[1], v[1]};
    else return {v[0], v[1], v[2], v[3]};
}
}  // namespace detail

/// Cropping2D's `cropping`, in Keras' three forms: `cropping<c>` is ((c,c),(c,c)),
/// `cropping<h, w>` is ((h,h),(w,w)), `cropping<t, b, l, r>` is ((t,b),(l,r)).
template <int... V>
struct cropping {
    static_assert(sizeof...(V) == 1 || sizeof...(V) == 2 || sizeof...(V) == 4,
                  "cropping takes 1 value (all sides), 2 (height, width) or 4 (top, bottom, left, right)");
    using option_kind = cropping<0>;
    static constexpr margins value = detail::make_margins<V...>();
};

/// ZeroPadding2D's `padding`, in the same three forms as `cropping`.
template <int... V>
struct padding {
    static_assert(sizeof...(V) == 1 || sizeof...(V) == 2 || sizeof...(V) == 4,
                  "padding takes 1 value (all sides), 2 (height, width) or 4 (top, bottom, left, right)");
    using option_kind = padding<0>;
    static constexpr margins value = detail::make_margins<V...>();
};

/// `scale`, as Keras spells two keywords: BatchNormalization's `scale<false>` (no gamma) and
/// Rescaling's factor `scale<"1/255">`. One template, so that both read as in Keras.
template <number V> struct scale { using option_kind = scale<0>; static constexpr number value = V; };

template <bool B> struct use_bias { using option_kind = use_bias<true>; static constexpr bool value = B; };
using no_bias = use_bias<false>;

/// Padding modes of convolutions and pooling (Keras' padding='valid' / 'same').
enum class padding_mode { valid, same };
struct valid { using option_kind = valid; static constexpr padding_mode value = padding_mode::valid; };
struct same { using option_kind = valid; static constexpr padding_mode value = padding_mode::same; };

/// Activations (Keras' activation='relu', ...), Keras 3's definitions:
///   relu6         min(max(x, 0), 6)
///   hard_sigmoid  relu6(x + 3) / 6   (Keras 3 and PyTorch; Keras 2 had clip(0.2·x + 0.5, 0, 1))
///   silu, swish   x·sigmoid(x)
///   hard_silu, hard_swish   x·relu6(x + 3) / 6
///   gelu          x·Φ(x) = x·(1 + erf(x/√2))/2, the exact form (Keras' approximate=False)
///   softplus      log(1 + eˣ)
///   elu           x if x > 0, else eˣ − 1 (α = 1; the ELU layer takes another α)
///   softmax       over the last axis (a map's channels, per pixel)
enum class activation_kind { linear, relu, sigmoid, tanh, softmax, relu6, hard_sigmoid, silu, hard_silu, gelu, softplus, elu };
struct linear { using option_kind = linear; static constexpr activation_kind value = activation_kind::linear; };
struct relu { using option_kind = linear; static constexpr activation_kind value = activation_kind::relu; };
struct sigmoid { using option_kind = linear; static constexpr activation_kind value = activation_kind::sigmoid; };
struct tanh { using option_kind = linear; static constexpr activation_kind value = activation_kind::tanh; };
struct softmax { using option_kind = linear; static constexpr activation_kind value = activation_kind::softmax; };
struct relu6 { using option_kind = linear; static constexpr activation_kind value = activation_kind::relu6; };
struct hard_sigmoid { using option_kind = linear; static constexpr activation_kind value = activation_kind::hard_sigmoid; };
struct silu { using option_kind = linear; static constexpr activation_kind value = activation_kind::silu; };
struct hard_silu { using option_kind = linear; static constexpr activation_kind value = activation_kind::hard_silu; };
struct gelu { using option_kind = linear; static constexpr activation_kind value = activation_kind::gelu; };
struct softplus { using option_kind = linear; static constexpr activation_kind value = activation_kind::softplus; };
struct elu { using option_kind = linear; static constexpr activation_kind value = activation_kind::elu; };
/// Keras 3 exports each under both names; silu and hard_silu are the names it saves.
using swish = silu;
using hard_swish = hard_silu;

constexpr std::string_view to_string(padding_mode p) { return p == padding_mode::same ? "same" : "valid"; }
constexpr std::string_view to_string(activation_kind a) {
    switch (a) {
        case activation_kind::relu: return "relu";
        case activation_kind::sigmoid: return "sigmoid";
        case activation_kind::tanh: return "tanh";
        case activation_kind::softmax: return "softmax";
        case activation_kind::relu6: return "relu6";
        case activation_kind::hard_sigmoid: return "hard_sigmoid";
        case activation_kind::silu: return "silu";
        case activation_kind::hard_silu: return "hard_silu";
        case activation_kind::gelu: return "gelu";
        case activation_kind::softplus: return "softplus";
        case activation_kind::elu: return "elu";
        default: return "linear";
    }
}

namespace detail {

template <class T>
concept option = requires { typename T::option_kind; };

/// The kind of an option; a type that is not an option has a kind of its own, so that looking
/// options up does not fail before check_options can name the layer and the stray type.
struct not_an_option;
template <class T> struct kind_of { using type = not_an_option; };
template <option T> struct kind_of<T> { using type = typename T::option_kind; };

template <class Kind, class... Options>
inline constexpr std::size_t count_kind = (std::size_t{0} + ... + std::is_same_v<typename kind_of<Options>::type, Kind>);

template <class Kind, class Default, class... Options>
struct find_option { using type = Default; };
template <class Kind, class Default, class First, class... Rest>
struct find_option<Kind, Default, First, Rest...>
    : std::conditional_t<std::is_same_v<typename kind_of<First>::type, Kind>, std::type_identity<First>,
                         find_option<Kind, Default, Rest...>> {};

/// The option of `Kind` among `Options`, or `Default` where none is given.
template <class Kind, class Default, class... Options>
using option_or = typename find_option<Kind, Default, Options...>::type;

template <class Option, class... Accepted>
inline constexpr bool accepted = (std::is_same_v<typename Option::option_kind, typename Accepted::option_kind> || ...);

/// Checks a layer's options against the kinds it accepts (one representative type per kind).
/// Names the layer and the offending option on the first error line.
template <class Layer, class Accepted, class... Options>
struct check_options;
template <class Layer, class... Accepted, class... Options>
struct check_options<Layer, void(Accepted...), Options...> {
    template <class Option>
    static constexpr bool one() {
        if constexpr (!option<Option>) {
            CTNN_REPORT(error::option_not_accepted_by_layer<Layer, Option>);
            return false;
        } else if constexpr (!accepted<Option, Accepted..., named<>>) {
            CTNN_REPORT(error::option_not_accepted_by_layer<Layer, Option>);
            return false;
        } else if constexpr (count_kind<typename Option::option_kind, Options...> > 1) {
            CTNN_REPORT(error::option_given_twice<Layer, Option>);
            return false;
        } else {
            return true;
        }
    }
    static constexpr bool value = (one<Options>() && ...);
};

}  // namespace detail
}  // namespace ctnn
