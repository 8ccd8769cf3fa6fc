// keras.applications.VGG16, proven: Keras' published summary totals and the stage shapes.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/models/vgg16.hpp>

namespace {
using namespace ctnn;

constexpr auto vgg = models::VGG16();
using M = decltype(vgg);
template <fixed_string S>
constexpr dims at = node_named_t<M, S>::output_shape;

static_assert(M::layer_count == 23);  // len(model.layers) in Keras, the Input included
static_assert(M::total_params == 138'357'544);
static_assert(M::trainable_params == 138'357'544 && M::non_trainable_params == 0);
static_assert(expect_shape<at<"block1_pool">, shape<112, 112, 64>{}>);
static_assert(expect_shape<at<"block3_pool">, shape<28, 28, 256>{}>);
static_assert(expect_shape<at<"block5_pool">, shape<7, 7, 512>{}>);
static_assert(expect_shape<at<"flatten">, shape<25088>{}>);
static_assert(node_named_t<M, "fc1">::params == 25088LL * 4096 + 4096);
static_assert(expect_shape<M::output_shape, shape<1000>{}>);

// Without the classifier: the 14,714,688 parameters of the convolutions, on any input size.
constexpr auto features = models::VGG16<models::application{.include_top = false, .input_shape = {160, 96, 3}}>();
static_assert(decltype(features)::total_params == 14'714'688);
static_assert(expect_shape<decltype(features)::output_shape, shape<5, 3, 512>{}>);
constexpr auto pooled = models::VGG16<models::application{.include_top = false, .pooling = models::pooling_mode::max}>();
static_assert(expect_shape<decltype(pooled)::output_shape, shape<512>{}>);
}  // namespace

int main() {}
