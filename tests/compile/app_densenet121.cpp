// keras.applications.DenseNet121, proven: Keras' published totals, and each dense block growing
// its channels by 32 per conv block.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/graph/folding.hpp>
#include <ctnn/models/densenet.hpp>

namespace {
using namespace ctnn;

constexpr auto densenet = models::DenseNet121();
using M = decltype(densenet);
template <fixed_string S>
constexpr dims at = node_named_t<M, S>::output_shape;

static_assert(M::layer_count == 429);  // len(model.layers) in Keras, the Input included
static_assert(M::total_params == 8'062'504);
static_assert(M::trainable_params == 7'978'856);
static_assert(M::non_trainable_params == 83'648);
static_assert(expect_shape<at<"pool1">, shape<56, 56, 64>{}>);
static_assert(expect_shape<at<"conv2_block6_concat">, shape<56, 56, 64 + 6 * 32>{}>);
static_assert(expect_shape<at<"pool2_pool">, shape<28, 28, 128>{}>);
static_assert(expect_shape<at<"conv3_block12_concat">, shape<28, 28, 128 + 12 * 32>{}>);
static_assert(expect_shape<at<"pool3_pool">, shape<14, 14, 256>{}>);
static_assert(expect_shape<at<"conv4_block24_concat">, shape<14, 14, 256 + 24 * 32>{}>);
static_assert(expect_shape<at<"pool4_pool">, shape<7, 7, 512>{}>);
static_assert(expect_shape<at<"conv5_block16_concat">, shape<7, 7, 512 + 16 * 32>{}>);
static_assert(expect_shape<M::output_shape, shape<1000>{}>);
// 120 of the 121 BatchNormalizations fold: conv1_bn and each conv block's `_1_bn` into the
// convolution before them; each conv block's `_0_bn` and each transition's `_bn`, after a
// Concatenate or a pooling, into the 1×1 convolution after them. The last, `bn`, stays.
static_assert(folding<M>.count == 59 && folding<M>.input_affine_count == 61);
static_assert(folding<M>.input_affine[M::index_of_name("conv3_block5_1_conv")] == M::index_of_name("conv3_block5_0_bn"));
static_assert(folding<M>.input_affine[M::index_of_name("pool3_conv")] == M::index_of_name("pool3_bn"));
static_assert(folding<M>.folded_into[M::index_of_name("bn")] == folding<M>.none);
}  // namespace

int main() {}
