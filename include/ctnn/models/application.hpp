// The options Keras' applications share (include_top, classes, input_shape, pooling), as one
// value that a model function takes as its template argument:
// `ctnn::models::ResNet50<{.include_top = false, .pooling = pooling_mode::avg}>()`.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/core.hpp>

namespace ctnn::models {

/// Keras' `pooling=` of a model without its classifier: none keeps the last feature map.
enum class pooling_mode { none, avg, max };

struct application {
    /// With the classifier on top (then `input_shape` must be the one the classifier was made
    /// for, as in Keras, where the dense layers fix it).
    bool include_top = true;
    int classes = 1000;
    dims input_shape{224, 224, 3};
    pooling_mode pooling = pooling_mode::none;
    /// Not a Keras option: every layer's width (filters, units of the hidden dense layers,
    /// DenseNet's growth) divided by this, names unchanged, so that tests can check the same
    /// architecture in small against an oracle. 1 is Keras' model.
    int width_divisor = 1;

    /// `filters` at this width.
    constexpr int width(int filters) const { return filters / width_divisor; }
};

namespace detail {
/// The global pooling a model without its top ends with, named as that model names it.
template <pooling_mode P, class AvgName, class MaxName, class Node>
constexpr auto global_pooling(Node x) {
    if constexpr (P == pooling_mode::avg) return GlobalAveragePooling2D<AvgName>{}(x);
    else if constexpr (P == pooling_mode::max) return GlobalMaxPooling2D<MaxName>{}(x);
    else return x;
}
}  // namespace detail

}  // namespace ctnn::models
