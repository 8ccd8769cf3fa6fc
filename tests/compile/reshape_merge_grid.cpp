// Cropping2D and ZeroPadding2D (all three Keras forms), UpSampling2D, Add, Concatenate and
// Activation over grids, applied to Input nodes. Expected values come from layer-rules.md's
// table, written out here (n − t − b, n + t + b, n·f, equal shapes, channels summed), never from
// ctnn's rules/; `accepts<>` must say no exactly where the table says the layer cannot apply.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

#include <type_traits>
#include <utility>

namespace {
using namespace ctnn;

/// Keras' ((top, bottom), (left, right)) for each form: <c>, <h, w>, <t, b, l, r>.
struct sides {
    int t, b, l, r;
};
constexpr sides one_value(int c) { return {c, c, c, c}; }
constexpr sides two_values(int h, int w) { return {h, h, w, w}; }

/// The output shape of `Layer` applied to an Input node of shape `In`; checks its parameter count.
template <class Layer, class In, int Params = 0>
constexpr dims applied() {
    constexpr auto out = Layer{}(Input<In, name<"x">>{}());
    static_assert(!std::is_same_v<std::remove_cvref_t<decltype(out)>, invalid_node>);
    static_assert(out.params == Params);
    return out.output_shape;
}

// --- Cropping2D: t + b < n and l + r < n, else no layer -------------------------------------
template <class Layer, int H, int W, sides C>
constexpr bool crop_case() {
    constexpr bool keeps_some = C.t + C.b < H && C.l + C.r < W;
    static_assert(accepts<Layer, shape<H, W, 2>> == keeps_some);
    if constexpr (keeps_some) {
        static_assert(applied<Layer, shape<H, W, 2>>() == dims{H - C.t - C.b, W - C.l - C.r, 2});
    }
    return true;
}
template <int H, int W, std::size_t... J>  // J enumerates t, b, l, r ∈ 0..2, for the four-value form
constexpr bool crop_row(std::index_sequence<J...>) {
    return (crop_case<Cropping2D<cropping<int(J / 27), int(J / 9 % 3), int(J / 3 % 3), int(J % 3)>, name<"c">>, H, W,
                      sides{int(J / 27), int(J / 9 % 3), int(J / 3 % 3), int(J % 3)}>() &&
            ...);
}
template <int H, int W, int... V>  // V enumerates the one- and two-value forms' amounts ∈ 0..4
constexpr bool crop_short_forms(std::integer_sequence<int, V...>) {
    return (crop_case<Cropping2D<cropping<V>, name<"c">>, H, W, one_value(V)>() && ...) &&
           (crop_case<Cropping2D<cropping<V / 2, V % 3>, name<"c">>, H, W, two_values(V / 2, V % 3)>() && ...);
}
template <int... N>
constexpr bool all_crops(std::integer_sequence<int, N...>) {
    return ((crop_row<N + 1, 6 - N>(std::make_index_sequence<81>{}) &&
             crop_short_forms<N + 1, 6 - N>(std::make_integer_sequence<int, 5>{})) &&
            ...);
}
static_assert(all_crops(std::make_integer_sequence<int, 5>{}));  // 1×5, 2×4, 3×3, 4×2, 5×1
static_assert(applied<Cropping2D<name<"c">>, shape<3, 4, 5>>() == dims{3, 4, 5});  // Keras' default ((0,0),(0,0))
static_assert(applied<Cropping2D<cropping<1, 1>, name<"c">>, shape<16, 16, 12>>() == dims{14, 14, 12});  // FCN-8
static_assert(applied<Cropping2D<cropping<1, 1>, name<"c">>, shape<30, 30, 12>>() == dims{28, 28, 12});  // FCN-8

// --- ZeroPadding2D: n + t + b ---------------------------------------------------------------------
template <class Layer, int H, int W, sides P>
constexpr bool pad_case() {
    static_assert(accepts<Layer, shape<H, W, 3>>);
    static_assert(applied<Layer, shape<H, W, 3>>() == dims{H + P.t + P.b, W + P.l + P.r, 3});
    return true;
}
template <int H, int W, std::size_t... J>  // t, b, l, r ∈ 0..2
constexpr bool pad_row(std::index_sequence<J...>) {
    return (pad_case<ZeroPadding2D<padding<int(J / 27), int(J / 9 % 3), int(J / 3 % 3), int(J % 3)>, name<"z">>, H, W,
                     sides{int(J / 27), int(J / 9 % 3), int(J / 3 % 3), int(J % 3)}>() &&
            ...);
}
template <int H, int W, int... V>
constexpr bool pad_short_forms(std::integer_sequence<int, V...>) {
    return (pad_case<ZeroPadding2D<padding<V>, name<"z">>, H, W, one_value(V)>() && ...) &&
           (pad_case<ZeroPadding2D<padding<V / 2, V % 3>, name<"z">>, H, W, two_values(V / 2, V % 3)>() && ...);
}
static_assert(pad_row<1, 2>(std::make_index_sequence<81>{}) && pad_row<4, 3>(std::make_index_sequence<81>{}));
static_assert(pad_short_forms<1, 2>(std::make_integer_sequence<int, 5>{}) &&
              pad_short_forms<7, 4>(std::make_integer_sequence<int, 5>{}));
static_assert(applied<ZeroPadding2D<name<"z">>, shape<3, 4, 5>>() == dims{5, 6, 5});  // Keras' default 1

// --- UpSampling2D: n·f, default 2 -----------------------------------------------------------------
template <int H, int W, std::size_t... J>  // fh, fw ∈ 1..4
constexpr bool upsample_row(std::index_sequence<J...>) {
    return ((applied<UpSampling2D<size<int(J / 4) + 1, int(J % 4) + 1>, name<"u">>, shape<H, W, 2>>() ==
             dims{H * (int(J / 4) + 1), W * (int(J % 4) + 1), 2}) &&
            ...);
}
static_assert(upsample_row<1, 1>(std::make_index_sequence<16>{}) && upsample_row<3, 4>(std::make_index_sequence<16>{}) &&
              upsample_row<7, 2>(std::make_index_sequence<16>{}));
static_assert(applied<UpSampling2D<name<"u">>, shape<3, 4, 5>>() == dims{6, 8, 5});
static_assert(applied<UpSampling2D<size<3>, name<"u">>, shape<3, 4, 5>>() == dims{9, 12, 5});  // one value: both axes

// --- Add: two or more inputs of one shape --------------------------------------------------------
/// Input `i` of 4×5×3, or, if it is input `Odd`, one larger along `Axis` (0, 1, 2).
template <int Odd, int Axis>
constexpr dims add_input(std::size_t i) {
    const int extra = static_cast<int>(i) == Odd ? 1 : 0;
    return {4 + (Axis == 0) * extra, 5 + (Axis == 1) * extra, 3 + (Axis == 2) * extra};
}
/// Add of inputs I...: accepted exactly when none is odd (Odd ≥ their count).
template <int Odd, int Axis, std::size_t... I>
constexpr bool add_case(std::index_sequence<I...>) {
    using L = Add<name<"a">>;
    constexpr bool none_odd = Odd >= static_cast<int>(sizeof...(I));
    static_assert(accepts<L, shape_of<add_input<Odd, Axis>(I)>...> == none_odd);
    if constexpr (none_odd) {
        static_assert(output_shape_t<L, shape_of<add_input<Odd, Axis>(I)>...>::value == dims{4, 5, 3});
        static_assert(L::template params<add_input<Odd, Axis>(I)...> == 0);
    }
    return true;
}
template <int Count, int... Odd>
constexpr bool add_count(std::integer_sequence<int, Odd...>) {
    constexpr auto inputs = std::make_index_sequence<Count>{};
    return ((add_case<Odd, 0>(inputs) && add_case<Odd, 1>(inputs) && add_case<Odd, 2>(inputs)) && ...);
}
static_assert(add_count<2>(std::make_integer_sequence<int, 3>{}) && add_count<3>(std::make_integer_sequence<int, 4>{}) &&
              add_count<5>(std::make_integer_sequence<int, 6>{}));
static_assert(!accepts<Add<name<"a">>, shape<2, 2, 1>, shape<2, 3, 1>>);
static_assert(!accepts<Add<name<"a">>, shape<16, 16, 12>, shape<14, 14, 12>>);  // FCN-8 without its crop
static_assert(!accepts<Add<name<"a">>, shape<14, 14, 12>, shape<14, 14, 512>>);  // without pool4's scores
static_assert(!accepts<Add<name<"a">>, shape<14, 14, 12>, shape<14, 14, 1>>);  // no broadcasting
static_assert(!accepts<Add<name<"a">>, shape<14, 14, 12>>);                      // one input is not a sum

// --- Concatenate: equal H and W; channels summed --------------------------------------------------
/// Input `i` of 6×3×(i+1), or, if it is input `Odd`, two larger along `Axis` (0, 1).
template <int Odd, int Axis>
constexpr dims concatenate_input(std::size_t i) {
    const int extra = static_cast<int>(i) == Odd ? 2 : 0;
    return {6 + (Axis == 0) * extra, 3 + (Axis == 1) * extra, 1 + static_cast<int>(i)};
}
template <int Odd, int Axis, std::size_t... I>
constexpr bool concatenate_case(std::index_sequence<I...>) {
    using L = Concatenate<name<"j">>;
    constexpr int count = static_cast<int>(sizeof...(I));
    static_assert(accepts<L, shape_of<concatenate_input<Odd, Axis>(I)>...> == (Odd >= count));
    if constexpr (Odd >= count) {  // channels 1 + 2 + ... + count
        static_assert(output_shape_t<L, shape_of<concatenate_input<Odd, Axis>(I)>...>::value == dims{6, 3, count * (count + 1) / 2});
    }
    return true;
}
template <int Count, int... Odd>
constexpr bool concatenate_count(std::integer_sequence<int, Odd...>) {
    constexpr auto inputs = std::make_index_sequence<Count>{};
    return ((concatenate_case<Odd, 0>(inputs) && concatenate_case<Odd, 1>(inputs)) && ...);
}
static_assert(concatenate_count<2>(std::make_integer_sequence<int, 3>{}) &&
              concatenate_count<3>(std::make_integer_sequence<int, 4>{}) &&
              concatenate_count<6>(std::make_integer_sequence<int, 7>{}));
static_assert(!accepts<Concatenate<name<"j">>, shape<5, 6, 3>>);  // one input
static_assert(!accepts<Concatenate<name<"j">>, shape<5, 6, 3>, shape<6, 5, 3>>);
// Through nodes: a skip connection joined to a branch, and the parameter count of what follows.
constexpr auto x = Input<shape<8, 8, 3>, name<"x">>{}();
constexpr auto branch = Conv2D<5, kernel_size<3>, same, name<"branch">>{}(x);
constexpr auto joined = Concatenate<name<"j">>{}(x, branch, x);
constexpr auto head = Conv2D<2, kernel_size<1>, name<"head">>{}(joined);
static_assert(joined.output_shape == dims{8, 8, 11} && joined.params == 0);
static_assert(head.params == 11 * 2 + 2);
static_assert(decltype(Model{x, head})::total_params == (3 * 3 * 3 * 5 + 5) + (11 * 2 + 2));

// --- Activation: every kind keeps the shape, and so does an activation option -------------------
template <class Kind, int H, int W, int C>
constexpr bool activation_case() {
    static_assert(applied<Activation<Kind, name<"act">>, shape<H, W, C>>() == dims{H, W, C});
    static_assert(applied<Conv2D<C, kernel_size<1>, Kind, name<"c">>, shape<H, W, C>, C * C + C>() == dims{H, W, C});
    return true;
}
template <class Kind>
constexpr bool activation_kind_case() {
    return activation_case<Kind, 1, 1, 1>() && activation_case<Kind, 224, 224, 12>() && activation_case<Kind, 3, 7, 5>();
}
static_assert(activation_kind_case<linear>() && activation_kind_case<relu>() && activation_kind_case<sigmoid>() &&
              activation_kind_case<tanh>() && activation_kind_case<softmax>());
static_assert(applied<Activation<name<"act">>, shape<2, 3, 4>>() == dims{2, 3, 4});  // Keras' default: linear
static_assert(Activation<softmax, name<"act">>::activation == activation_kind::softmax);
static_assert(!accepts<Activation<relu, name<"act">>, shape<2, 2, 1>, shape<2, 2, 1>>);
}  // namespace

int main() {}
