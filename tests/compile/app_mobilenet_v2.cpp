// keras.applications.MobileNetV2 (alpha 1.0, 224), proven: Keras' published totals and shapes,
// including the asymmetric padding before each strided depthwise convolution.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/graph/folding.hpp>
#include <ctnn/models/mobilenet_v2.hpp>

namespace {
using namespace ctnn;

constexpr auto mobilenet = models::MobileNetV2();
using M = decltype(mobilenet);
template <fixed_string S>
constexpr dims at = node_named_t<M, S>::output_shape;

static_assert(M::layer_count == 156);  // len(model.layers) in Keras, the Input included
static_assert(M::total_params == 3'538'984);
static_assert(M::trainable_params == 3'504'872);
static_assert(M::non_trainable_params == 34'112);
static_assert(expect_shape<at<"Conv1_relu">, shape<112, 112, 32>{}>);
static_assert(expect_shape<at<"expanded_conv_project_BN">, shape<112, 112, 16>{}>);
static_assert(expect_shape<at<"block_1_pad">, shape<113, 113, 96>{}>);
static_assert(expect_shape<at<"block_1_depthwise">, shape<56, 56, 96>{}>);
static_assert(expect_shape<at<"block_2_add">, shape<56, 56, 24>{}>);
static_assert(expect_shape<at<"block_5_add">, shape<28, 28, 32>{}>);
static_assert(expect_shape<at<"block_12_add">, shape<14, 14, 96>{}>);
static_assert(expect_shape<at<"block_16_project_BN">, shape<7, 7, 320>{}>);
static_assert(expect_shape<at<"out_relu">, shape<7, 7, 1280>{}>);
static_assert(expect_shape<M::output_shape, shape<1000>{}>);
static_assert(node_named_t<M, "block_1_depthwise">::params == 3 * 3 * 96);
// The 10 blocks that keep their input's shape add it to their projection: each Add folds into
// the projecting 1×1 convolution (graph/folding.hpp).
static_assert(folding<M>.residual_count == 10);
}  // namespace

int main() {}
