// keras.applications.ResNet50, proven: Keras' published summary totals, the trainable /
// non-trainable split (BatchNormalization's moving statistics) and the 112→56→28→14→7 stages.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/graph/folding.hpp>
#include <ctnn/models/resnet.hpp>

namespace {
using namespace ctnn;

constexpr auto resnet = models::ResNet50();
using M = decltype(resnet);
template <fixed_string S>
constexpr dims at = node_named_t<M, S>::output_shape;

static_assert(M::layer_count == 177);  // len(model.layers) in Keras, the Input included
static_assert(M::total_params == 25'636'712);
static_assert(M::trainable_params == 25'583'592);
static_assert(M::non_trainable_params == 53'120);
static_assert(expect_shape<at<"conv1_pad">, shape<230, 230, 3>{}>);
static_assert(expect_shape<at<"conv1_relu">, shape<112, 112, 64>{}>);
static_assert(expect_shape<at<"pool1_pool">, shape<56, 56, 64>{}>);
static_assert(expect_shape<at<"conv2_block3_out">, shape<56, 56, 256>{}>);
static_assert(expect_shape<at<"conv3_block4_out">, shape<28, 28, 512>{}>);
static_assert(expect_shape<at<"conv4_block6_out">, shape<14, 14, 1024>{}>);
static_assert(expect_shape<at<"conv5_block3_out">, shape<7, 7, 2048>{}>);
static_assert(expect_shape<at<"avg_pool">, shape<2048>{}>);
static_assert(expect_shape<M::output_shape, shape<1000>{}>);
// Keras' v1: the stride is on the first 1×1 convolution of a stage (and on its projection).
static_assert(expect_shape<at<"conv3_block1_1_conv">, shape<28, 28, 128>{}>);
static_assert(node_named_t<M, "conv3_block1_0_conv">::params == 256 * 512 + 512);
static_assert(node_named_t<M, "conv3_block1_0_bn">::params == 4 * 512);
// Every block's Add, and the ReLU after it, fold into the block's last 1×1 convolution, whose
// epilogue adds the shortcut (graph/folding.hpp).
static_assert(folding<M>.residual_count == 16);
}  // namespace

int main() {}
