// keras.applications.ResNet152, proven: Keras' published totals, over 500 layers.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/graph/folding.hpp>
#include <ctnn/models/resnet.hpp>

namespace {
using namespace ctnn;

constexpr auto resnet = models::ResNet152();
using M = decltype(resnet);

static_assert(M::layer_count == 517);  // len(model.layers) in Keras, the Input included
static_assert(M::total_params == 60'419'944);
static_assert(M::trainable_params == 60'268'520);
static_assert(M::non_trainable_params == 151'424);
static_assert(expect_shape<node_named_t<M, "conv4_block36_out">::output_shape, shape<14, 14, 1024>{}>);
static_assert(expect_shape<M::output_shape, shape<1000>{}>);
// Every block's Add, and the ReLU after it, fold into the block's last 1×1 convolution.
static_assert(folding<M>.residual_count == 50);
}  // namespace

int main() {}
