// Every layer rule over grids of sizes, kernels, strides, dilations, paddings and
// output_paddings. The expected values come from PyTorch's formulas and the table of
// ../shared/reference/layer-rules.md, written out here; ctnn's rules/ are not consulted.
// "It builds" is the test; a failing case names its values in the instantiation context.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

#include <utility>

namespace {
using namespace ctnn;

// --- Independent formulas --------------------------------------------------------------------
constexpr int floor_div(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/// PyTorch's Conv2d: ⌊(n + p_total − d(k−1) − 1)/s⌋ + 1, with p_total the padding of both sides.
constexpr int torch_conv(int n, int k, int s, int d, int p_total) { return floor_div(n + p_total - d * (k - 1) - 1, s) + 1; }
/// TF's `same`: the total padding that makes the output ⌈n/s⌉.
constexpr int tf_same_total_padding(int n, int k, int s, int d) {
    const int out = (n + s - 1) / s, needed = (out - 1) * s + d * (k - 1) + 1 - n;
    return needed > 0 ? needed : 0;
}
constexpr int expected_conv(int n, int k, int s, int d, bool same) {
    return torch_conv(n, k, s, d, same ? tf_same_total_padding(n, k, s, d) : 0);
}
/// PyTorch's ConvTranspose2d: (n−1)s − 2p + d(k−1) + op + 1.
constexpr int torch_conv_transpose(int n, int k, int s, int d, int p, int op) { return (n - 1) * s - 2 * p + d * (k - 1) + op + 1; }
/// Keras' lengths (layer-rules.md's table), op < 0 meaning output_padding=None.
constexpr int expected_conv_transpose(int n, int k, int s, int d, bool same, int op) {
    const int ke = d * (k - 1) + 1;
    if (op < 0) return same ? n * s : (ke >= s ? torch_conv_transpose(n, k, s, d, 0, 0) : n * s);
    return same ? (n - 1) * s + ke % 2 + op : torch_conv_transpose(n, k, s, d, 0, op);
}

template <bool Same> using padding_t = std::conditional_t<Same, same, valid>;

// --- Conv2D ------------------------------------------------------------------------------------
// Height and width get different sizes, kernels, strides and dilations, to catch a mixed-up axis.
template <int N, int K, int S, int D, bool Same>
constexpr bool conv2d_case() {
    constexpr int NW = N + 2, KW = K % 5 + 1, SW = S % 3 + 1, DW = S > 1 || SW > 1 ? 1 : D % 3 + 1;
    constexpr int DH = S > 1 || SW > 1 ? 1 : D;  // Keras forbids stride > 1 with dilation > 1
    using L = Conv2D<7, kernel_size<K, KW>, strides<S, SW>, dilation_rate<DH, DW>, padding_t<Same>, name<"c">>;
    constexpr bool fits = Same || (N >= DH * (K - 1) + 1 && NW >= DW * (KW - 1) + 1);
    static_assert(accepts<L, shape<N, NW, 3>> == fits);
    if constexpr (fits) {
        static_assert(output_shape_t<L, shape<N, NW, 3>>::value ==
                      dims{expected_conv(N, K, S, DH, Same), expected_conv(NW, KW, SW, DW, Same), 7});
        static_assert(Conv2D<7, kernel_size<K, KW>, name<"c">>::template params<dims{N, NW, 3}> == K * KW * 3 * 7 + 7);
    }
    return true;
}
// Grids are folds of folds: Clang allows 256 operands in one fold.
template <int N, std::size_t... J>  // J enumerates k ∈ 1..5, s ∈ 1..3, d ∈ 1..3, padding
constexpr bool conv2d_row(std::index_sequence<J...>) {
    return (conv2d_case<N, int(J / 18) + 1, int(J / 6 % 3) + 1, int(J / 2 % 3) + 1, J % 2 == 1>() && ...);
}
template <int... N>
constexpr bool all_conv2d(std::integer_sequence<int, N...>) { return (conv2d_row<N + 1>(std::make_index_sequence<90>{}) && ...); }
static_assert(all_conv2d(std::make_integer_sequence<int, 13>{}));  // n ∈ 1..13

// FCN-8's sizes, for good measure: 224 with a 3×3 same stays 224; conv6's 7×7 on 7 stays 7.
static_assert(output_shape_t<Conv2D<64, kernel_size<3>, same, name<"c">>, shape<224, 224, 3>>::value == dims{224, 224, 64});
static_assert(output_shape_t<Conv2D<4096, kernel_size<7>, same, name<"c">>, shape<7, 7, 512>>::value == dims{7, 7, 4096});
static_assert(Conv2D<4096, kernel_size<7>, same, name<"c">>::params<dims{7, 7, 512}> == 102'764'544);
static_assert(Conv2D<8, kernel_size<3, 2>, no_bias, name<"c">>::params<dims{5, 5, 4}> == 3 * 2 * 4 * 8);

// --- Conv2DTranspose -------------------------------------------------------------------------
template <int N, int K, int S, int D, bool Same, int Op>
constexpr bool transpose_case() {
    constexpr int ke = D * (K - 1) + 1;
    if constexpr (Op >= S || (S > 1 && D > 1) || (Same && Op == 0 && ke % 2 == 0)) {
        return true;  // not a valid layer (each has its own must-not-compile case)
    } else {
        constexpr int NW = N + 1;
        using unset = Conv2DTranspose<5, kernel_size<K>, strides<S>, dilation_rate<D>, padding_t<Same>, name<"t">>;
        using set = Conv2DTranspose<5, kernel_size<K>, strides<S>, dilation_rate<D>, padding_t<Same>, output_padding<Op>, name<"t">>;
        static_assert(output_shape_t<unset, shape<N, NW, 2>>::value ==
                      dims{expected_conv_transpose(N, K, S, D, Same, -1), expected_conv_transpose(NW, K, S, D, Same, -1), 5});
        static_assert(output_shape_t<set, shape<N, NW, 2>>::value ==
                      dims{expected_conv_transpose(N, K, S, D, Same, Op), expected_conv_transpose(NW, K, S, D, Same, Op), 5});
        static_assert(unset::template params<dims{N, NW, 2}> == K * K * 5 * 2 + 5);
        return true;
    }
}
template <int N, std::size_t... J>  // J enumerates k ∈ 1..5, s ∈ 1..3, d ∈ 1..2, padding, op ∈ 0..2
constexpr bool transpose_row(std::index_sequence<J...>) {
    return (transpose_case<N, int(J / 36) + 1, int(J / 12 % 3) + 1, int(J / 6 % 2) + 1, J / 3 % 2 == 1, int(J % 3)>() && ...);
}
template <int... N>
constexpr bool all_transpose(std::integer_sequence<int, N...>) { return (transpose_row<N + 1>(std::make_index_sequence<180>{}) && ...); }
static_assert(all_transpose(std::make_integer_sequence<int, 6>{}));  // n ∈ 1..6

// The forum post and FCN-8's decoder, against PyTorch's formula.
static_assert(output_shape_t<Conv2DTranspose<1, kernel_size<3>, strides<2>, name<"t">>, shape<3, 3, 1>>::value.height ==
              torch_conv_transpose(3, 3, 2, 1, 0, 0));  // 7
static_assert(output_shape_t<Conv2DTranspose<12, kernel_size<4>, strides<2>, name<"t">>, shape<7, 7, 4096>>::value ==
              dims{16, 16, 12});
static_assert(output_shape_t<Conv2DTranspose<12, kernel_size<8>, strides<8>, name<"t">>, shape<28, 28, 12>>::value ==
              dims{224, 224, 12});
static_assert(Conv2DTranspose<12, kernel_size<4>, strides<2>, no_bias, name<"t">>::params<dims{7, 7, 4096}> == 786'432);

// --- Pooling: strides default to pool_size -----------------------------------------------------
template <int N, int P, int S, bool Same>
constexpr bool pool_case() {
    constexpr int NW = N + 3;
    using explicit_strides = MaxPooling2D<pool_size<P, P + 1>, strides<S>, padding_t<Same>, name<"p">>;
    using default_strides = AveragePooling2D<pool_size<P, P + 1>, padding_t<Same>, name<"p">>;
    constexpr bool fits = Same || (N >= P && NW >= P + 1);
    static_assert(accepts<explicit_strides, shape<N, NW, 4>> == fits);
    if constexpr (fits) {
        static_assert(output_shape_t<explicit_strides, shape<N, NW, 4>>::value ==
                      dims{expected_conv(N, P, S, 1, Same), expected_conv(NW, P + 1, S, 1, Same), 4});
        static_assert(output_shape_t<default_strides, shape<N, NW, 4>>::value ==
                      dims{expected_conv(N, P, P, 1, Same), expected_conv(NW, P + 1, P + 1, 1, Same), 4});
    }
    return true;
}
template <std::size_t... I>
constexpr bool all_pool(std::index_sequence<I...>) {
    return (pool_case<int(I / 18 % 9) + 1, int(I / 6 % 3) + 1, int(I / 2 % 3) + 1, I % 2 == 1>() && ...);
}
static_assert(all_pool(std::make_index_sequence<9 * 18>{}));
static_assert(output_shape_t<MaxPooling2D<name<"p">>, shape<224, 224, 64>>::value == dims{112, 112, 64});  // Keras' 2×2 default
static_assert(output_shape_t<MaxPooling2D<name<"p">>, shape<25, 25, 1>>::value == dims{12, 12, 1});        // ⌊25/2⌋

// --- Cropping2D and ZeroPadding2D: all three Keras forms ---------------------------------------
static_assert(output_shape_t<Cropping2D<cropping<1>, name<"c">>, shape<16, 16, 12>>::value == dims{14, 14, 12});
static_assert(output_shape_t<Cropping2D<cropping<2, 3>, name<"c">>, shape<10, 11, 1>>::value == dims{6, 5, 1});
static_assert(output_shape_t<Cropping2D<cropping<0, 3, 2, 1>, name<"c">>, shape<10, 11, 1>>::value == dims{7, 8, 1});
static_assert(output_shape_t<Cropping2D<name<"c">>, shape<3, 4, 5>>::value == dims{3, 4, 5});  // default ((0,0),(0,0))
static_assert(accepts<Cropping2D<cropping<0, 3, 2, 1>, name<"c">>, shape<4, 4, 1>>);
static_assert(!accepts<Cropping2D<cropping<0, 3, 2, 1>, name<"c">>, shape<3, 4, 1>>);  // 0 + 3 ≥ 3
static_assert(!accepts<Cropping2D<cropping<0, 3, 2, 1>, name<"c">>, shape<4, 3, 1>>);  // 2 + 1 ≥ 3
static_assert(output_shape_t<ZeroPadding2D<name<"z">>, shape<3, 4, 5>>::value == dims{5, 6, 5});  // default 1
static_assert(output_shape_t<ZeroPadding2D<padding<2, 0>, name<"z">>, shape<3, 4, 5>>::value == dims{7, 4, 5});
static_assert(output_shape_t<ZeroPadding2D<padding<1, 2, 3, 4>, name<"z">>, shape<3, 4, 5>>::value == dims{6, 11, 5});

// --- UpSampling2D, Add, Concatenate, Activation ------------------------------------------------
static_assert(output_shape_t<UpSampling2D<name<"u">>, shape<3, 4, 5>>::value == dims{6, 8, 5});
static_assert(output_shape_t<UpSampling2D<size<3, 1>, name<"u">>, shape<3, 4, 5>>::value == dims{9, 4, 5});
static_assert(output_shape_t<Add<name<"a">>, shape<14, 14, 12>, shape<14, 14, 12>, shape<14, 14, 12>>::value == dims{14, 14, 12});
static_assert(!accepts<Add<name<"a">>, shape<16, 16, 12>, shape<14, 14, 12>>);
static_assert(!accepts<Add<name<"a">>, shape<14, 14, 12>, shape<14, 14, 512>>);
static_assert(!accepts<Add<name<"a">>, shape<14, 14, 12>>);  // one input is not a sum
static_assert(output_shape_t<Concatenate<name<"c">>, shape<5, 6, 3>, shape<5, 6, 4>, shape<5, 6, 1>>::value == dims{5, 6, 8});
static_assert(!accepts<Concatenate<name<"c">>, shape<5, 6, 3>, shape<6, 5, 3>>);
static_assert(output_shape_t<Activation<softmax, name<"s">>, shape<224, 224, 12>>::value == dims{224, 224, 12});

// Layers without weights have no parameters.
static_assert(MaxPooling2D<name<"p">>::params<dims{4, 4, 4}> == 0 && Add<name<"a">>::params<dims{4, 4, 4}, dims{4, 4, 4}> == 0 &&
              Cropping2D<cropping<1>, name<"c">>::params<dims{4, 4, 4}> == 0);
}  // namespace

int main() {}
