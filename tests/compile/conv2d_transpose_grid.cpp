// Conv2DTranspose over a grid of input lengths, kernels, strides, dilations, paddings and
// output_paddings (unset, and every value below the stride), height and width set differently.
// Each output length is checked three independent ways, none of which reads ctnn's rules/:
//   1. Keras' deconv_output_length, transcribed below;
//   2. PyTorch's ConvTranspose2d formula, with TF's `same` as padding ⌊k′/2⌋ and an unset
//      output_padding as the one that gives Keras' length;
//   3. TensorFlow's defining property: the Conv2D with the same kernel, stride, dilation and
//      padding (PyTorch's Conv2d formula, TF's `same` padding) takes the output back to n.
// The layers are applied to Input nodes, so every layer Keras accepts must also pass ctnn's checks.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

#include <array>
#include <cstdint>
#include <type_traits>
#include <utility>

namespace {
using namespace ctnn;

// --- Independent formulas --------------------------------------------------------------------
constexpr int unset = -1;  // output_padding=None
constexpr int floor_div(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
constexpr int max0(int a) { return a > 0 ? a : 0; }
constexpr int dilated(int k, int d) { return k + (k - 1) * (d - 1); }

/// Keras 2's conv_utils.deconv_output_length, line by line.
constexpr int keras_deconv_output_length(int n, int k, bool same, int op, int s, int d) {
    k = dilated(k, d);
    if (op == unset) return same ? n * s : n * s + max0(k - s);
    const int pad = same ? k / 2 : 0;
    return (n - 1) * s + k - 2 * pad + op;
}
/// PyTorch's ConvTranspose2d: (n−1)s − 2p + d(k−1) + op + 1.
constexpr int torch_conv_transpose(int n, int k, int s, int d, int p, int op) { return (n - 1) * s - 2 * p + d * (k - 1) + op + 1; }
/// The same lengths through PyTorch's formula. With op unset, `valid` is an output_padding of
/// max(s − k′, 0) (always < s); `same` is n·s, which PyTorch reaches with p = ⌊k′/2⌋ and
/// op = s − (k′ mod 2) (= s for an even k′, which PyTorch would refuse: written out instead).
constexpr int torch_length(int n, int k, int s, int d, bool same, int op) {
    const int ke = dilated(k, d);
    if (op == unset) return same ? (n - 1) * s + ke - 2 * (ke / 2) + (s - ke % 2) : torch_conv_transpose(n, k, s, d, 0, max0(s - ke));
    return torch_conv_transpose(n, k, s, d, same ? ke / 2 : 0, op);
}
/// PyTorch's Conv2d ⌊(n + P − d(k−1) − 1)/s⌋ + 1, P the padding of both sides; TF's `same`
/// pads P = max((⌈n/s⌉ − 1)s + k′ − n, 0).
constexpr int torch_conv(int n, int k, int s, int d, bool same) {
    const int p_total = same ? max0(((n + s - 1) / s - 1) * s + dilated(k, d) - n) : 0;
    return floor_div(n + p_total - d * (k - 1) - 1, s) + 1;
}

template <bool Same> using padding_t = std::conditional_t<Same, same, valid>;

/// The settings of one axis; the grid enumerates the height's, the width's are derived from them.
struct axis {
    int k, s, d, op;
};
/// Keras rejects a stride > 1 with a dilation > 1 (on any axes), output_padding ≥ strides, and
/// TF a `same` layer with an even k′ and output_padding 0.
constexpr bool keras_accepts(axis h, axis w, bool same) {
    const bool strided = h.s > 1 || w.s > 1, dilated_any = h.d > 1 || w.d > 1;
    auto axis_ok = [&](axis a) {
        return (a.op == unset || a.op < a.s) && !(same && a.op == 0 && dilated(a.k, a.d) % 2 == 0);
    };
    return !(strided && dilated_any) && axis_ok(h) && axis_ok(w);
}
/// A different setting for the width, so that a mixed-up axis shows: another kernel (of the other
/// parity but for 5 → 1), another stride (1 where the height is dilated), another dilation,
/// another output_padding below its stride.
constexpr axis width_of(axis h) {
    const int s = h.d > 1 ? 1 : (h.s == 1 ? 2 : 4 - h.s);  // 1→2, 2→2, 3→1
    const int d = h.s > 1 || s > 1 ? 1 : 4 - h.d;          // only reached with h.d > 1: 2→2, 3→1
    const int op = h.op == unset ? unset : max0(s - 1 - h.op);
    return {h.k % 5 + 1, s, d, op};
}

template <class Layer, int N, axis H, axis W, bool Same>
constexpr bool check_layer() {
    constexpr int NW = N + 3, Cin = 2 + N % 3;
    constexpr auto in = Input<shape<N, NW, Cin>, name<"x">>{}();
    constexpr auto out = Layer{}(in);
    static_assert(!std::is_same_v<std::remove_cvref_t<decltype(out)>, invalid_node>);
    constexpr int LH = out.output_shape.height, LW = out.output_shape.width;
    static_assert(LH == keras_deconv_output_length(N, H.k, Same, H.op, H.s, H.d));
    static_assert(LW == keras_deconv_output_length(NW, W.k, Same, W.op, W.s, W.d));
    static_assert(LH == torch_length(N, H.k, H.s, H.d, Same, H.op));
    static_assert(LW == torch_length(NW, W.k, W.s, W.d, Same, W.op));
    static_assert(torch_conv(LH, H.k, H.s, H.d, Same) == N && torch_conv(LW, W.k, W.s, W.d, Same) == NW);
    static_assert(out.output_shape.channels == 5);
    static_assert(out.params == H.k * W.k * 5 * Cin + (Layer::bias ? 5 : 0));
    static_assert(Layer::template kernel_shape<in.output_shape> == std::array<std::int64_t, 4>{H.k, W.k, 5, Cin});  // (kh, kw, out, in)
    return true;
}

template <int N, axis H, bool Same>
constexpr bool transpose_case() {
    constexpr axis W = width_of(H);
    if constexpr (!keras_accepts(H, W, Same)) {
        return true;  // each rejection has its own must-not-compile case in fail/
    } else if constexpr (H.op == unset) {
        using bias = Conv2DTranspose<5, kernel_size<H.k, W.k>, strides<H.s, W.s>, dilation_rate<H.d, W.d>, padding_t<Same>,
                                     name<"t">>;
        using nobias = Conv2DTranspose<5, name<"t">, padding_t<Same>, no_bias, dilation_rate<H.d, W.d>, strides<H.s, W.s>,
                                       kernel_size<H.k, W.k>>;  // options in any order
        return check_layer<bias, N, H, W, Same>() && check_layer<nobias, N, H, W, Same>();
    } else {
        using set = Conv2DTranspose<5, kernel_size<H.k, W.k>, strides<H.s, W.s>, dilation_rate<H.d, W.d>, padding_t<Same>,
                                    output_padding<H.op, W.op>, name<"t">>;
        return check_layer<set, N, H, W, Same>();
    }
}

// J enumerates s ∈ 1..3, d ∈ 1..3, padding, op ∈ {unset, 0, 1, 2}: 72 cases per (n, k). Folds are
// nested because Clang allows 256 levels of brackets.
template <int N, int K, std::size_t... J>
constexpr bool cell(std::index_sequence<J...>) {
    return (transpose_case<N, axis{K, int(J / 24) + 1, int(J / 8 % 3) + 1, int(J % 4) - 1}, J / 4 % 2 == 1>() && ...);
}
template <int N, int... K>
constexpr bool row(std::integer_sequence<int, K...>) {
    return (cell<N, K + 1>(std::make_index_sequence<72>{}) && ...);
}
template <int... N>
constexpr bool grid(std::integer_sequence<int, N...>) {
    return (row<N + 1>(std::make_integer_sequence<int, 5>{}) && ...);
}
static_assert(grid(std::make_integer_sequence<int, 8>{}));  // n ∈ 1..8 (odd and even), k ∈ 1..5

// The grid is not vacuous: count the layers it builds per (n, k), and, on each axis, those with
// the case that tells TF's `same` from a symmetric padding: an even k′ with output_padding ≥ 1.
template <class Keep>
constexpr int count_cases(Keep keep) {
    int count = 0;
    for (int k = 1; k <= 5; ++k)
        for (int s = 1; s <= 3; ++s)
            for (int d = 1; d <= 3; ++d)
                for (int same = 0; same <= 1; ++same)
                    for (int op = unset; op <= 2; ++op) {
                        const axis h{k, s, d, op}, w = width_of(h);
                        count += keras_accepts(h, w, same == 1) && keep(h, w, same == 1);
                    }
    return count;
}
constexpr auto even_same_op = [](axis a, bool same) { return same && a.op >= 1 && dilated(a.k, a.d) % 2 == 0; };
static_assert(count_cases([](axis, axis, bool) { return true; }) == 112);  // × 8 input lengths
static_assert(count_cases([](axis h, axis, bool same) { return even_same_op(h, same); }) == 6);
static_assert(count_cases([](axis, axis w, bool same) { return even_same_op(w, same); }) == 4);

// Worked examples, by hand from layer-rules.md: the seed check 3 → 7 (k3 s2 valid), FCN-8's
// ×2 (k4 s2: 7 → 16) and ×8 (k8 s8: 28 → 224), and `same` with an output_padding.
static_assert(output_shape_t<Conv2DTranspose<1, kernel_size<3>, strides<2>, name<"t">>, shape<3, 3, 1>>::value == dims{7, 7, 1});
static_assert(output_shape_t<Conv2DTranspose<12, kernel_size<4>, strides<2>, name<"t">>, shape<7, 7, 8>>::value == dims{16, 16, 12});
static_assert(output_shape_t<Conv2DTranspose<12, kernel_size<8>, strides<8>, name<"t">>, shape<28, 28, 8>>::value == dims{224, 224, 12});
static_assert(output_shape_t<Conv2DTranspose<2, kernel_size<3>, strides<2>, same, output_padding<1>, name<"t">>, shape<5, 5, 1>>::value ==
              dims{10, 10, 2});  // (5−1)·2 + 1 + 1
static_assert(output_shape_t<Conv2DTranspose<2, kernel_size<3>, strides<2>, same, output_padding<0>, name<"t">>, shape<5, 5, 1>>::value ==
              dims{9, 9, 2});  // (5−1)·2 + 1 + 0: set to 0 is not unset (10)
static_assert(output_shape_t<Conv2DTranspose<2, kernel_size<1>, strides<3>, name<"t">>, shape<4, 4, 1>>::value == dims{12, 12, 2});  // k′ < s
static_assert(Conv2DTranspose<12, kernel_size<4>, strides<2>, no_bias, name<"t">>::params<dims{7, 7, 4096}> == 786'432);
static_assert(Conv2DTranspose<12, kernel_size<4>, strides<2>, name<"t">>::params<dims{7, 7, 4096}> == 786'432 + 12);
}  // namespace

int main() {}
