// Conv2D, MaxPooling2D and AveragePooling2D over grids, built the way models are built: layers
// applied to Input nodes (which runs every check of the layer), then a few chains wrapped in
// Models (a Model costs ~0.1 s of compile time, so not one per grid case). Expected values are
// written here, independently of ctnn's rules/: PyTorch's Conv2d/MaxPool2d formula with TF's
// `same` padding, and layer-rules.md's table (⌊(n − k′)/s⌋ + 1, ⌈n/s⌉); both must agree with ctnn.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

#include <array>
#include <cstdint>
#include <type_traits>
#include <utility>

namespace {
using namespace ctnn;

// --- Independent formulas --------------------------------------------------------------------
constexpr int floor_div(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
constexpr int max0(int a) { return a > 0 ? a : 0; }
constexpr int dilated(int k, int d) { return d * (k - 1) + 1; }
/// TF's `same`: the total padding (⌊P/2⌋ before, the rest after) that makes the output ⌈n/s⌉.
constexpr int tf_same_padding(int n, int k, int s, int d) { return max0(((n + s - 1) / s - 1) * s + dilated(k, d) - n); }
/// PyTorch's Conv2d (and MaxPool2d, with d = 1): ⌊(n + P − d(k−1) − 1)/s⌋ + 1, P both sides' padding.
constexpr int torch_window(int n, int k, int s, int d, bool same) {
    const int p_total = same ? tf_same_padding(n, k, s, d) : 0;
    return floor_div(n + p_total - d * (k - 1) - 1, s) + 1;
}
/// layer-rules.md's table.
constexpr int table_window(int n, int k, int s, int d, bool same) { return same ? (n + s - 1) / s : (n - dilated(k, d)) / s + 1; }
constexpr bool fits(int n, int k, int d, bool same) { return same || n >= dilated(k, d); }

template <bool Same> using padding_t = std::conditional_t<Same, same, valid>;

struct axis {
    int k, s, d;
};

/// Applies `Layer` to an Input of N×NW×Cin and checks the node against the formulas.
template <class Layer, int N, int NW, int Cin, axis H, axis W, bool Same, int Cout>
constexpr bool check_window() {
    using in_shape = shape<N, NW, Cin>;
    constexpr bool fit = fits(N, H.k, H.d, Same) && fits(NW, W.k, W.d, Same);
    static_assert(accepts<Layer, in_shape> == fit);
    if constexpr (fit) {
        constexpr auto in = Input<in_shape, name<"x">>{}();
        constexpr auto out = Layer{}(in);
        constexpr dims expected{torch_window(N, H.k, H.s, H.d, Same), torch_window(NW, W.k, W.s, W.d, Same), Cout};
        static_assert(expected == dims{table_window(N, H.k, H.s, H.d, Same), table_window(NW, W.k, W.s, W.d, Same), Cout});
        static_assert(out.output_shape == expected && output_shape_t<Layer, in_shape>::value == expected);
    }
    return true;
}

// --- Conv2D: kernel 1..5, stride 1..3, dilation 1..3, valid/same; the width differs -----------
template <int N, axis H, bool Same>
constexpr bool conv_case() {
    if constexpr (H.s > 1 && H.d > 1) {
        return true;  // Keras' rule; fail/stride_and_dilation.cpp
    } else {
        constexpr int NW = N % 2 == 0 ? N + 3 : N - 1 + (N == 1) * 2;  // the other parity, ≥ 1
        constexpr axis W{H.k % 5 + 1, H.d > 1 ? 1 : 4 - H.s, H.s > 1 || H.d == 1 ? 1 : 5 - H.d};
        constexpr int Cin = 1 + N % 4;
        using bias = Conv2D<6, kernel_size<H.k, W.k>, strides<H.s, W.s>, dilation_rate<H.d, W.d>, padding_t<Same>, name<"c">>;
        using nobias = Conv2D<6, name<"c">, relu, no_bias, padding_t<Same>, dilation_rate<H.d, W.d>, strides<H.s, W.s>,
                              kernel_size<H.k, W.k>>;  // options in any order
        static_assert(bias::template params<dims{N, NW, Cin}> == H.k * W.k * Cin * 6 + 6);
        static_assert(nobias::template params<dims{N, NW, Cin}> == H.k * W.k * Cin * 6);
        static_assert(bias::template kernel_shape<dims{N, NW, Cin}> == std::array<std::int64_t, 4>{H.k, W.k, Cin, 6});
        return check_window<bias, N, NW, Cin, H, W, Same, 6>() && check_window<nobias, N, NW, Cin, H, W, Same, 6>();
    }
}
template <int N, std::size_t... J>  // J enumerates k ∈ 1..5, s ∈ 1..3, d ∈ 1..3, padding: 90 cases
constexpr bool conv_row(std::index_sequence<J...>) {
    return (conv_case<N, axis{int(J / 18) + 1, int(J / 6 % 3) + 1, int(J / 2 % 3) + 1}, J % 2 == 1>() && ...);
}
template <int... N>
constexpr bool conv_grid(std::integer_sequence<int, N...>) {
    return (conv_row<N + 1>(std::make_index_sequence<90>{}) && ...);
}
static_assert(conv_grid(std::make_integer_sequence<int, 12>{}));  // n ∈ 1..12

// --- Pooling: pool 1..4, strides default (= pool) or 1..3, valid/same; the width differs -------
template <int N, int P, int S, bool Same>  // S = 0: strides left to their default
constexpr bool pool_case() {
    constexpr int NW = N + 2, PW = 5 - P, SW = S == 0 ? 0 : S % 3 + 1;
    constexpr axis H{P, S == 0 ? P : S, 1}, W{PW, S == 0 ? PW : SW, 1};
    using max_pool = std::conditional_t<S == 0, MaxPooling2D<pool_size<P, PW>, padding_t<Same>, name<"p">>,
                                   MaxPooling2D<pool_size<P, PW>, strides<S, SW>, padding_t<Same>, name<"p">>>;
    using average = std::conditional_t<S == 0, AveragePooling2D<padding_t<Same>, pool_size<P, PW>, name<"p">>,
                                       AveragePooling2D<name<"p">, strides<S, SW>, pool_size<P, PW>, padding_t<Same>>>;
    static_assert(max_pool::template params<dims{N, NW, 3}> == 0 && average::template params<dims{N, NW, 3}> == 0);
    return check_window<max_pool, N, NW, 3, H, W, Same, 3>() && check_window<average, N, NW, 3, H, W, Same, 3>();
}
template <int N, std::size_t... J>  // J enumerates pool ∈ 1..4, strides ∈ {default, 1, 2, 3}, padding
constexpr bool pool_row(std::index_sequence<J...>) {
    return (pool_case<N, int(J / 8) + 1, int(J / 2 % 4), J % 2 == 1>() && ...);
}
template <int... N>
constexpr bool pool_grid(std::integer_sequence<int, N...>) {
    return (pool_row<N + 1>(std::make_index_sequence<32>{}) && ...);
}
static_assert(pool_grid(std::make_integer_sequence<int, 10>{}));  // n ∈ 1..10

// --- Models: Input → Conv2D(k, s, same) → MaxPooling2D(2) → Conv2D(k, valid), on an n×(n+1) input --
constexpr int conv_params(int k, int cin, int cout, bool bias) { return k * k * cin * cout + (bias ? cout : 0); }
template <int N, int K, int S>
constexpr bool chain_case() {
    constexpr auto in = Input<shape<N, N + 1, 3>, name<"x">>{}();
    constexpr auto a = Conv2D<8, kernel_size<K>, strides<S>, same, relu, name<"a">>{}(in);
    constexpr auto p = MaxPooling2D<name<"p">>{}(a);
    constexpr auto b = Conv2D<4, kernel_size<K>, no_bias, name<"b">>{}(p);
    using M = decltype(Model{in, b});
    constexpr auto length = [](int n) { return torch_window(torch_window(torch_window(n, K, S, 1, true), 2, 2, 1, false), K, 1, 1, false); };
    static_assert(M::output_shape == dims{length(N), length(N + 1), 4});
    static_assert(M::layer_count == 4 && M::total_params == conv_params(K, 3, 8, true) + conv_params(K, 8, 4, false));
    static_assert(node_named_t<M, "p">::output_shape == dims{torch_window(a.output_shape.height, 2, 2, 1, false),
                                                            torch_window(a.output_shape.width, 2, 2, 1, false), 8});
    return true;
}
static_assert(chain_case<16, 1, 1>() && chain_case<16, 3, 1>() && chain_case<16, 3, 2>() && chain_case<32, 5, 3>() &&
              chain_case<23, 2, 2>() && chain_case<12, 4, 1>());

// --- Worked examples and cheap negatives ---------------------------------------------------------
// The seed check: Conv2D k3 s2 valid takes 7 to 3; FCN-8's 7×7 conv6 keeps 7 with `same`.
static_assert(output_shape_t<Conv2D<1, kernel_size<3>, strides<2>, name<"c">>, shape<7, 7, 1>>::value == dims{3, 3, 1});
static_assert(output_shape_t<Conv2D<4096, kernel_size<7>, same, relu, name<"c">>, shape<7, 7, 512>>::value == dims{7, 7, 4096});
// `same` with an even kernel and a stride: ⌈n/s⌉ whatever the kernel.
static_assert(output_shape_t<Conv2D<2, kernel_size<4>, strides<3>, same, name<"c">>, shape<10, 11, 1>>::value == dims{4, 4, 2});
// Dilation widens the kernel: k3 d2 spans 5, so 5 → 1 and 4 is too small.
static_assert(output_shape_t<Conv2D<1, kernel_size<3>, dilation_rate<2>, name<"c">>, shape<5, 9, 1>>::value == dims{1, 5, 1});
static_assert(!accepts<Conv2D<1, kernel_size<3>, dilation_rate<2>, name<"c">>, shape<4, 9, 1>>);
static_assert(!accepts<Conv2D<1, kernel_size<3>, dilation_rate<1, 2>, name<"c">>, shape<9, 4, 1>>);  // the width only
static_assert(!accepts<Conv2D<1, kernel_size<5>, name<"c">>, shape<3, 3, 1>>);
static_assert(accepts<Conv2D<1, kernel_size<5>, same, name<"c">>, shape<3, 3, 1>>);
static_assert(!accepts<Conv2D<1, kernel_size<2, 6>, name<"c">>, shape<8, 5, 1>>);
static_assert(!accepts<Conv2D<1, kernel_size<3>, name<"c">>, shape<4, 4, 1>, shape<4, 4, 1>>);  // one input only
// Pooling: Keras' default 2×2, strides = pool_size, ⌊25/2⌋ = 12; strides above the pool skip pixels.
static_assert(output_shape_t<MaxPooling2D<name<"p">>, shape<25, 24, 3>>::value == dims{12, 12, 3});
static_assert(output_shape_t<MaxPooling2D<pool_size<2>, strides<3>, name<"p">>, shape<11, 11, 3>>::value == dims{4, 4, 3});
static_assert(output_shape_t<AveragePooling2D<pool_size<3>, same, name<"p">>, shape<10, 10, 3>>::value == dims{4, 4, 3});
static_assert(!accepts<MaxPooling2D<pool_size<4>, name<"p">>, shape<3, 8, 2>>);
static_assert(!accepts<AveragePooling2D<pool_size<1, 4>, name<"p">>, shape<8, 3, 2>>);
static_assert(accepts<MaxPooling2D<pool_size<4>, same, name<"p">>, shape<3, 3, 2>>);
}  // namespace

int main() {}
