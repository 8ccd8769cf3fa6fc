// How each layer runs: the glue from a layer type to its kernel. The layer's hyper-parameters
// are constants; the shapes arrive as run-time values, so each kernel is compiled once.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <span>
#include <type_traits>

#include <ctnn/layers.hpp>
#include <ctnn/rules/placement.hpp>
#include <ctnn/runtime/kernels/conv2d.hpp>
#include <ctnn/runtime/kernels/conv2d_transpose.hpp>
#include <ctnn/runtime/kernels/pooling.hpp>
#include <ctnn/runtime/kernels/reshape.hpp>
#include <ctnn/runtime/node_io.hpp>
#include <ctnn/runtime/workspace.hpp>
// Kernels that end with their layers' forward glue (issue 9, part A).
#include <ctnn/runtime/kernels/dense.hpp>
#include <ctnn/runtime/kernels/elu.hpp>
#include <ctnn/runtime/kernels/global_pooling.hpp>
#include <ctnn/runtime/kernels/identity.hpp>
#include <ctnn/runtime/kernels/prelu.hpp>
#include <ctnn/runtime/kernels/relu.hpp>
#include <ctnn/runtime/kernels/rescaling.hpp>
#include <ctnn/runtime/kernels/softmax.hpp>

namespace ctnn::detail {

template <int F, class... O>
void forward(std::type_identity<Conv2D<F, O...>>, const node_io& io) {
    using L = Conv2D<F, O...>;
    const dims in = io.inputs[0].shape, out = io.output.shape;
    const conv2d_op op{in,
                       out,
                       L::kernel,
                       L::stride,
                       L::dilation,
                       same_padding_before(L::padding, in.height, L::kernel.height, L::stride.height, L::dilation.height, out.height),
                       same_padding_before(L::padding, in.width, L::kernel.width, L::stride.width, L::dilation.width, out.width),
                       L::activation};
    conv2d(op, io.inputs[0], io.output, io.weights[0], L::bias ? io.weights[1] : nullptr, io.ws);
}

template <int F, class... O>
void forward(std::type_identity<Conv2DTranspose<F, O...>>, const node_io& io) {
    using L = Conv2DTranspose<F, O...>;
    const dims in = io.inputs[0].shape, out = io.output.shape;
    auto cut = [](int n, int k, int s, int d, int length) {
        const rules::args a{.n = n, .k = k, .s = s, .d = d, .out = length};
        return static_cast<int>(rules::place_transpose(a, L::padding == padding_mode::same).cut_before);
    };
    const conv2d_transpose_op op{in,
                                 out,
                                 L::kernel,
                                 L::stride,
                                 L::dilation,
                                 cut(in.height, L::kernel.height, L::stride.height, L::dilation.height, out.height),
                                 cut(in.width, L::kernel.width, L::stride.width, L::dilation.width, out.width),
                                 L::activation};
    conv2d_transpose(op, io.inputs[0], io.output, io.weights[0], L::bias ? io.weights[1] : nullptr, io.ws);
}

template <class L>
void forward_pooling(const node_io& io, bool average) {
    const dims in = io.inputs[0].shape, out = io.output.shape;
    const pooling_op op{in,
                        out,
                        L::kernel,
                        L::stride,
                        same_padding_before(L::padding, in.height, L::kernel.height, L::stride.height, 1, out.height),
                        same_padding_before(L::padding, in.width, L::kernel.width, L::stride.width, 1, out.width),
                        average};
    pool2d(op, io.inputs[0], io.output, io.ws.threads());
}
template <class... O>
void forward(std::type_identity<MaxPooling2D<O...>>, const node_io& io) {
    forward_pooling<MaxPooling2D<O...>>(io, false);
}
template <class... O>
void forward(std::type_identity<AveragePooling2D<O...>>, const node_io& io) {
    forward_pooling<AveragePooling2D<O...>>(io, true);
}

template <class... O>
void forward(std::type_identity<Cropping2D<O...>>, const node_io& io) {
    crop2d(io.inputs[0], io.output, Cropping2D<O...>::crop.top, Cropping2D<O...>::crop.left);
}
template <class... O>
void forward(std::type_identity<ZeroPadding2D<O...>>, const node_io& io) {
    pad2d(io.inputs[0], io.output, ZeroPadding2D<O...>::pad.top, ZeroPadding2D<O...>::pad.left);
}
template <class... O>
void forward(std::type_identity<UpSampling2D<O...>>, const node_io& io) {
    upsample2d(io.inputs[0], io.output, UpSampling2D<O...>::factor);
}
template <class... O>
void forward(std::type_identity<Add<O...>>, const node_io& io) {
    add(io.inputs, io.output);
}
template <class... O>
void forward(std::type_identity<Concatenate<O...>>, const node_io& io) {
    concatenate(io.inputs, io.output);
}
template <class... O>
void forward(std::type_identity<Activation<O...>>, const node_io& io) {
    activation(io.inputs[0], io.output, Activation<O...>::activation);
}

/// What the executor calls for a node of layer type `L`.
using layer_kernel = void (*)(const node_io&);
template <class L>
void run_layer(const node_io& io) {
    forward(std::type_identity<L>{}, io);
}
/// The kernel of a node; none for an Input, whose values the caller provides.
template <class E>
constexpr layer_kernel kernel_of() {
    if constexpr (E::input_count == 0) return nullptr;
    else return &run_layer<typename E::layer_type>;
}

}  // namespace ctnn::detail
