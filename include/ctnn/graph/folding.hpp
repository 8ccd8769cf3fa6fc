// Which BatchNormalization-like nodes and activation layers fold into the layer before them, and
// which zero paddings into the layer after them, decided from the model's type: the network then
// scales that layer's weights once, when they are set, or has its kernel apply the activation or
// read the padding as zeros, and skips the node.
//
// A layer whose output is a per-channel affine map of its input declares
// `static constexpr bool channel_affine = true` (BatchNormalization, Rescaling). A layer that can
// absorb such a map declares `absorbs_channel_affine` (true only if its own activation is linear:
// the map must act on what the layer's weights compute) and `output_kernel`, the position among
// its weights of the array whose last axis is its output channels, or whose output channels are
// runs of `output_kernel_run<In>` values (Conv2DTranspose's kernel, (kh, kw, Cout, Cin)); its
// weight named "bias", if any, is shifted.
// A channel-affine node folds into its input exactly when that input absorbs and nothing else
// reads the input's output (else the unscaled values are needed too): not another layer, not the
// caller (a model output), and no other application of a shared layer.
//
// A layer that only applies an activation function declares `activation_only` (true where it
// computes exactly `activation`: Activation always, ReLU when it is relu or relu6). A layer whose
// kernel can apply one declares `absorbs_activation` (true only if its own activation is linear).
// An activation node folds, under the same rule, into its input if that absorbs, or into the
// layer that input itself folded into (Conv2D → BatchNormalization → ReLU: the convolution
// computes all three); a layer absorbs one activation at most. The absorbing layer then writes
// the buffer of the last node folded into it.
//
// A layer that only surrounds its input with zeros declares `zero_padding`, its margins
// (ZeroPadding2D). A layer whose kernel can read its input as if so padded declares
// `absorbs_zero_padding` (DepthwiseConv2D: it skips the taps that fall outside its input, and
// zeros would add nothing; MaxPooling2D and AveragePooling2D: they count the margins' cells as
// zeros). A zero-padding node folds, under the same rule, into the one node
// that reads it, if that node absorbs and reads nothing else: that node then reads the padding's
// input (`reads`) with the margins added to its own padding (`input_padding`), and the padded map
// is never written. (MobileNetV2 pads before each strided depthwise layer: at batch 8 the padding
// took 2.3 ms of 37, and the padded maps, 39 MB, left the cache before they were read.)
//
// A layer that only sums its inputs declares `sums_inputs` (Add). A layer whose kernel can add a
// tensor of its output's shape to what it computes, before its activation, declares
// `absorbs_residual` (Conv2D, when its own activation is linear). A sum of two inputs folds into
// the layer p that computes one of them, q (q itself, or the layer q folded into), under the same
// rule for q, when p absorbs, has no activation yet, writes q's buffer, and comes after the layer
// that computes the other input, r, in topological order (r's value must exist when p runs):
// p then writes the sum's buffer with r added (`residual`), and an activation after the sum folds
// into p as after any other node. ResNet's block end, Conv2D → BatchNormalization → Add → ReLU, is
// then one convolution whose epilogue adds the shortcut and applies the ReLU while the tile is in
// registers (ResNet50's 16 Adds took 4.3 ms of 59 on an Intel Xeon, each a pass over three maps at
// memory pace). The memory plan needs nothing more: the sum's buffer is placed when p runs, while
// r is still live (its last reader is the sum), so p never writes over the shortcut it reads.
//
// A layer whose kernel reads each input value once, in a product it can feed through a transform,
// declares `absorbs_input_affine` (Conv2D when 1×1, of stride 1 and one group). A channel-affine
// node p that stays a node of its own (its input does not absorb it: a Concatenate's output,
// say), with or without the activation folded into it, folds into the one layer j that reads it,
// if j absorbs input maps, under the same rule for what j reads: j then reads p's input (`reads`)
// and applies p's scale and shift, and p's activation, to each value as it reads it
// (`input_affine`). DenseNet's pre-activation, Concatenate → BatchNormalization → ReLU → 1×1
// Conv2D, then reads the concatenated map once, where the BatchNormalization wrote a map as large
// and the convolution read it back (DenseNet121's 58 such nodes took 4.0 ms of its 46 on an
// Intel Xeon).
//
// A layer whose kernels can map each value they compute after their activation, by a scale and
// a shift per channel, declares `absorbs_output_affine` (Conv2D, DepthwiseConv2D). A
// channel-affine node j that its input's layer cannot take into its weights (an activation comes
// between: Conv2D → ReLU → BatchNormalization, Keras' other order; PP-OCRv4's hard SiLU →
// Rescaling after most of its convolutions) folds, under the same rule, into the layer p that
// computes its input (with what folded into p, the activation last), if p absorbs output maps
// and has none yet: p then applies j's scale and shift after its activation (`output_affine`)
// and writes j's buffer. Nothing folds into p after that (a sum or an activation would come
// before the map). PP-OCRv4's 14 such Rescalings were passes over maps of up to 26 MB: 2.3 ms of
// its 23 on 2 threads of an Intel Xeon.
//
// A layer whose every output row is computed from the same input row alone declares
// `produces_rows` (Conv2D when 1×1, of stride 1 and one group) and a `forward_rows`. A layer whose
// kernel reads its input a few rows at a time declares `absorbs_row_producer` (DepthwiseConv2D's
// window kernels). A producer p, with what folded into it (a BatchNormalization, an activation
// other than softmax; no residual, no input map), folds into the one layer j that reads its
// output, directly or through a zero padding folded into j, if j absorbs producers and p's
// output map is at least `row_producer_min_floats`, under the same rule for what p writes: j then
// reads p's input (`reads`) and has p compute each band of rows it needs (`producer`), and p's
// output is never written. MobileNetV2's expansion, 1×1 Conv2D → BatchNormalization → ReLU6 →
// (ZeroPadding2D →) DepthwiseConv2D, then keeps its widest maps (112×112×96 at the first block:
// 4.8 MB) in cache, where the 1×1 convolution wrote them out and the depthwise layer read them
// back. A map that stays in L2 anyway gains nothing from never being written, and loses: the
// products are made a band at a time, and the threads split the rows where the layers apart
// split differently (MobileNetV2's 14×14 and 7×7 blocks ran 0-20% slower folded on 2 threads).
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include <ctnn/graph/model.hpp>
#include <ctnn/options.hpp>

namespace ctnn {

namespace detail {
enum class fold_role { none, channel_affine, absorbs };

template <class L>
constexpr fold_role fold_role_of() {
    if constexpr (requires { L::channel_affine; }) {
        return L::channel_affine ? fold_role::channel_affine : fold_role::none;
    } else if constexpr (requires { L::absorbs_channel_affine; L::output_kernel; }) {
        return L::absorbs_channel_affine ? fold_role::absorbs : fold_role::none;
    } else {
        return fold_role::none;
    }
}
template <class... Es>
constexpr std::array<fold_role, sizeof...(Es)> fold_roles_of(graph<Es...>) {
    return {fold_role_of<typename Es::layer_type>()...};
}

/// What a layer is to an activation fold: whether it is one activation function (and which),
/// whether it can apply one.
struct activation_role {
    bool is_activation = false;
    activation_kind activation = activation_kind::linear;
    bool absorbs = false;
};
template <class L>
constexpr activation_role activation_role_of() {
    activation_role r{};
    if constexpr (requires { L::activation_only; L::activation; }) {
        r.is_activation = L::activation_only;
        r.activation = L::activation;
    }
    if constexpr (requires { L::absorbs_activation; }) r.absorbs = L::absorbs_activation;
    return r;
}
template <class... Es>
constexpr std::array<activation_role, sizeof...(Es)> activation_roles_of(graph<Es...>) {
    return {activation_role_of<typename Es::layer_type>()...};
}

/// What a layer is to a zero-padding fold: whether it only pads (and by how much), whether it
/// can read a padded input.
struct padding_role {
    bool is_padding = false;
    margins amounts{};
    bool absorbs = false;
};
template <class L>
constexpr padding_role padding_role_of() {
    padding_role r{};
    if constexpr (requires { L::zero_padding; }) r.is_padding = true, r.amounts = L::zero_padding;
    if constexpr (requires { L::absorbs_zero_padding; }) r.absorbs = L::absorbs_zero_padding;
    return r;
}
template <class... Es>
constexpr std::array<padding_role, sizeof...(Es)> padding_roles_of(graph<Es...>) {
    return {padding_role_of<typename Es::layer_type>()...};
}

/// What a layer is to a residual fold: whether it only sums its inputs, whether it can add one.
struct residual_role {
    bool is_sum = false;
    bool absorbs = false;
};
template <class L>
constexpr residual_role residual_role_of() {
    residual_role r{};
    if constexpr (requires { L::sums_inputs; }) r.is_sum = L::sums_inputs;
    if constexpr (requires { L::absorbs_residual; }) r.absorbs = L::absorbs_residual;
    return r;
}
template <class... Es>
constexpr std::array<residual_role, sizeof...(Es)> residual_roles_of(graph<Es...>) {
    return {residual_role_of<typename Es::layer_type>()...};
}

/// Whether a layer can apply a channel-affine map (and an activation) to its input as it reads it.
template <class L>
constexpr bool absorbs_input_affine() {
    if constexpr (requires { L::absorbs_input_affine; }) return L::absorbs_input_affine;
    else return false;
}
template <class... Es>
constexpr std::array<bool, sizeof...(Es)> input_affine_roles_of(graph<Es...>) {
    return {absorbs_input_affine<typename Es::layer_type>()...};
}

/// Whether a layer's kernels can map their output by a channel-affine node after their activation.
template <class L>
constexpr bool absorbs_output_affine() {
    if constexpr (requires { L::absorbs_output_affine; }) return L::absorbs_output_affine;
    else return false;
}
template <class... Es>
constexpr std::array<bool, sizeof...(Es)> output_affine_roles_of(graph<Es...>) {
    return {absorbs_output_affine<typename Es::layer_type>()...};
}

/// What a layer is to a row-producer fold: whether it computes each output row from its input's
/// row alone, whether it can take such a layer in.
struct row_role {
    bool produces = false;
    bool absorbs = false;
};
template <class L>
constexpr row_role row_role_of() {
    row_role r{};
    if constexpr (requires { L::produces_rows; }) r.produces = L::produces_rows;
    if constexpr (requires { L::absorbs_row_producer; }) r.absorbs = L::absorbs_row_producer;
    return r;
}
template <class... Es>
constexpr std::array<row_role, sizeof...(Es)> row_roles_of(graph<Es...>) {
    return {row_role_of<typename Es::layer_type>()...};
}
}  // namespace detail

/// The smallest map (floats per sample) a row producer folds away: 1 MiB, which an L2 cache of 1
/// or 2 MiB does not keep beside the layers' other maps.
inline constexpr std::int64_t row_producer_min_floats = std::int64_t{1} << 18;

/// The folds of model type `M`, as positions in `M::layers`.
template <std::size_t N>
struct folding_result {
    static constexpr std::size_t none = static_cast<std::size_t>(-1);
    /// For a folded node (channel-affine, activation or zero padding): the node it folds into;
    /// else `none`.
    std::array<std::size_t, N> folded_into{};
    /// For a node that absorbs a channel-affine fold: the folded node; else `none`.
    std::array<std::size_t, N> absorbs{};
    /// Per node, the activation folded into it (linear if none).
    std::array<activation_kind, N> activation{};
    /// Per node, the node whose buffer its output goes to: the last node folded into it, or itself.
    std::array<std::size_t, N> writes{};
    /// Per node, the node whose buffer holds its output as its readers see it: itself, or for a
    /// folded zero padding, the padding's input.
    std::array<std::size_t, N> reads{};
    /// Per node, the zeros around its input that a folded zero padding leaves to it to add.
    std::array<margins, N> input_padding{};
    /// Per node that absorbs a sum: the node whose output it adds (read as `reads` says); else
    /// `none`.
    std::array<std::size_t, N> residual{};
    /// Per node that applies a channel-affine node to its input: that node, whose activation
    /// (`activation`) it applies too; else `none`.
    std::array<std::size_t, N> input_affine{};
    /// Per node that computes the rows it reads with the row producer before it: that producer;
    /// else `none`.
    std::array<std::size_t, N> producer{};
    /// Per node that maps its output, after its activation, by a channel-affine node after it:
    /// that node; else `none`.
    std::array<std::size_t, N> output_affine{};
    /// Channel-affine folds into the layer before (each has weights to scale), activation folds,
    /// zero-padding folds, residual folds, channel-affine folds into the layer after, row
    /// producers, channel-affine folds after the layer before's activation.
    std::size_t count = 0;
    std::size_t activation_count = 0;
    std::size_t padding_count = 0;
    std::size_t residual_count = 0;
    std::size_t input_affine_count = 0;
    std::size_t producer_count = 0;
    std::size_t output_affine_count = 0;
};

namespace detail {
template <class M>
constexpr folding_result<M::layer_count> make_folding() {
    constexpr std::size_t n = M::layer_count;
    constexpr auto roles = fold_roles_of(typename M::graph_type{});
    constexpr auto activations = activation_roles_of(typename M::graph_type{});
    constexpr auto paddings = padding_roles_of(typename M::graph_type{});
    constexpr auto residuals = residual_roles_of(typename M::graph_type{});
    constexpr auto input_affines = input_affine_roles_of(typename M::graph_type{});
    constexpr auto rows = row_roles_of(typename M::graph_type{});
    constexpr auto output_affines = output_affine_roles_of(typename M::graph_type{});
    folding_result<n> f{};
    f.folded_into.fill(f.none);
    f.absorbs.fill(f.none);
    f.residual.fill(f.none);
    f.input_affine.fill(f.none);
    f.producer.fill(f.none);
    f.output_affine.fill(f.none);
    f.activation.fill(activation_kind::linear);
    for (std::size_t i = 0; i != n; ++i) f.writes[i] = f.reads[i] = i;
    std::array<std::size_t, n> readers{};
    for (std::size_t j = 0; j != n; ++j)
        for (std::size_t e = 0; e != M::layers[j].input_count; ++e) ++readers[M::edges[M::layers[j].first_input + e]];
    // A shared layer's weights serve all its applications, so neither side of a fold may be one;
    // and a model output is read by the caller.
    std::array<std::size_t, n> applications{};
    for (std::size_t j = 0; j != n; ++j) ++applications[M::owner[j]];
    // Whether node j may fold into what computes q: nothing else reads q (not the caller, not a
    // second application of a shared layer).
    const auto sole_reader = [&](std::size_t j, std::size_t q) {
        return readers[q] == 1 && !M::external[q] && applications[M::owner[q]] == 1 && applications[M::owner[j]] == 1;
    };
    // The node whose kernel computes q's output: q, or the layer q folded into.
    const auto computed_by = [&](std::size_t q) { return f.folded_into[q] == f.none ? q : f.folded_into[q]; };
    // In topological order, so that a BatchNormalization has folded before the activation after it,
    // and a sum before the activation after it.
    for (std::size_t j = 0; j != n; ++j) {
        if (residuals[j].is_sum && M::layers[j].input_count == 2) {
            // Into the later of the two layers that may take it.
            std::size_t best = f.none, other = f.none;
            for (std::size_t e = 0; e != 2; ++e) {
                const std::size_t q = M::edges[M::layers[j].first_input + e], r = M::edges[M::layers[j].first_input + 1 - e];
                const std::size_t p = computed_by(q);
                if (!sole_reader(j, q) || !residuals[p].absorbs || f.activation[p] != activation_kind::linear || f.writes[p] != q ||
                    f.output_affine[p] != f.none || computed_by(r) >= p || (best != f.none && p < best))
                    continue;
                best = p, other = r;
            }
            if (best != f.none) {
                f.folded_into[j] = best, f.writes[best] = j, f.residual[best] = other;
                ++f.residual_count;
            }
            continue;
        }
        if (M::layers[j].input_count != 1) continue;
        const std::size_t q = M::edges[M::layers[j].first_input];
        if (!sole_reader(j, q)) continue;
        if (const std::size_t p = computed_by(q); input_affines[j] && roles[p] == fold_role::channel_affine &&
                                                  f.folded_into[p] == f.none && f.writes[p] == q && applications[M::owner[p]] == 1) {
            // p computes q (itself, or with the activation q folded into it) and nothing else reads
            // either: j reads p's input instead.
            f.folded_into[p] = j, f.input_affine[j] = p, f.reads[q] = f.reads[M::edges[M::layers[p].first_input]];
            ++f.input_affine_count;
            continue;
        }
        if (paddings[q].is_padding && paddings[j].absorbs) {
            f.folded_into[q] = j, f.reads[q] = M::edges[M::layers[q].first_input], f.input_padding[j] = paddings[q].amounts;
            ++f.padding_count;
        } else if (roles[j] == fold_role::channel_affine && roles[q] == fold_role::absorbs) {
            f.folded_into[j] = q, f.absorbs[q] = j, f.writes[q] = j;
            ++f.count;
        } else if (activations[j].is_activation) {
            const std::size_t p = computed_by(q);
            if (!activations[p].absorbs || f.activation[p] != activation_kind::linear || f.writes[p] != q || f.output_affine[p] != f.none)
                continue;
            f.folded_into[j] = p, f.activation[p] = activations[j].activation, f.writes[p] = j;
            ++f.activation_count;
        } else if (roles[j] == fold_role::channel_affine) {
            const std::size_t p = computed_by(q);
            if (!output_affines[p] || f.output_affine[p] != f.none || f.writes[p] != q || applications[M::owner[p]] != 1) continue;
            f.folded_into[j] = p, f.output_affine[p] = j, f.writes[p] = j;
            ++f.output_affine_count;
        }
        if (rows[j].absorbs) {
            // What j reads: q, or the input of the padding q that just folded into j.
            const std::size_t t = f.reads[q], p = computed_by(t);
            if (rows[p].produces && M::layers[p].output_shape.size() >= row_producer_min_floats && f.folded_into[p] == f.none &&
                f.writes[p] == t && f.residual[p] == f.none && f.input_affine[p] == f.none &&
                f.activation[p] != activation_kind::softmax && applications[M::owner[p]] == 1 && (t == q || sole_reader(q, t))) {
                const std::size_t from = f.reads[M::edges[M::layers[p].first_input]];
                f.folded_into[p] = j, f.producer[j] = p, f.reads[t] = f.reads[q] = from;
                ++f.producer_count;
            }
        }
    }
    return f;
}
}  // namespace detail

/// Which nodes of model type `M` fold into which (see above).
template <class M>
inline constexpr folding_result<M::layer_count> folding = detail::make_folding<M>();

}  // namespace ctnn
