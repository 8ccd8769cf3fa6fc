// FCN-8, proven: the decoder's shape chain and every parameter count of the Keras summary.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/models/fcn8.hpp>

namespace {
using namespace ctnn;

constexpr auto model = models::fcn8<12>();
using M = decltype(model);

template <fixed_string S>
constexpr dims shape_of_layer = node_named_t<M, S>::output_shape;
template <fixed_string S>
constexpr std::int64_t params_of = node_named_t<M, S>::params;

// The chain the decoder must get right: 7 → 16 → 14 = pool4's 14; 14 → 30 → 28 = pool3's 28;
// 28 → 224 = the input's 224.
static_assert(shape_of_layer<"conv7"> == shape<7, 7, 4096>{});
static_assert(shape_of_layer<"conv2d_transpose"> == shape<16, 16, 12>{});
static_assert(shape_of_layer<"cropping2d"> == shape<14, 14, 12>{});
static_assert(shape_of_layer<"block4_pool3"> == shape<14, 14, 512>{});
static_assert(shape_of_layer<"add"> == shape<14, 14, 12>{});
static_assert(shape_of_layer<"conv2d_transpose_1"> == shape<30, 30, 12>{});
static_assert(shape_of_layer<"cropping2d_1"> == shape<28, 28, 12>{});
static_assert(shape_of_layer<"block3_pool3"> == shape<28, 28, 256>{});
static_assert(shape_of_layer<"conv2d_transpose_2"> == shape<224, 224, 12>{});
static_assert(M::input_shape == shape<224, 224, 3>{});
static_assert(M::output_shape == shape<224, 224, 12>{});

// Every parameter count of the Keras summary (../shared/reference/fcn8.md).
static_assert(params_of<"input_1"> == 0);
static_assert(params_of<"block1_conv1"> == 1'792);
static_assert(params_of<"block1_conv2"> == 36'928);
static_assert(params_of<"block1_pool2"> == 0);
static_assert(params_of<"block2_conv1"> == 73'856);
static_assert(params_of<"block2_conv2"> == 147'584);
static_assert(params_of<"block2_pool2"> == 0);
static_assert(params_of<"block3_conv1"> == 295'168);
static_assert(params_of<"block3_conv2"> == 590'080);
static_assert(params_of<"block3_conv3"> == 590'080);
static_assert(params_of<"block3_pool3"> == 0);
static_assert(params_of<"block4_conv1"> == 1'180'160);
static_assert(params_of<"block4_conv2"> == 2'359'808);
static_assert(params_of<"block4_conv3"> == 2'359'808);
static_assert(params_of<"block4_pool3"> == 0);
static_assert(params_of<"block5_conv1"> == 2'359'808);
static_assert(params_of<"block5_conv2"> == 2'359'808);
static_assert(params_of<"block5_conv3"> == 2'359'808);
static_assert(params_of<"block5_pool3"> == 0);
static_assert(params_of<"conv6"> == 102'764'544);
static_assert(params_of<"conv7"> == 16'781'312);
static_assert(params_of<"conv2d_transpose"> == 786'432);
static_assert(params_of<"cropping2d"> == 0);
static_assert(params_of<"conv2d"> == 6'156);
static_assert(params_of<"add"> == 0);
static_assert(params_of<"conv2d_transpose_1"> == 2'304);
static_assert(params_of<"cropping2d_1"> == 0);
static_assert(params_of<"conv2d_1"> == 3'084);
static_assert(params_of<"add_1"> == 0);
static_assert(params_of<"conv2d_transpose_2"> == 9'216);
static_assert(params_of<"activation"> == 0);
static_assert(M::total_params == 135'067'736);
static_assert(M::layer_count == 31);

// The summary's order is Keras': inputs first, the pool taps before the decoder reads them.
static_assert(M::names[0] == "input_1" && M::names[21] == "conv2d_transpose" && M::names[23] == "conv2d" &&
              M::names[30] == "activation");

// The number of classes is a parameter: 21 (PASCAL VOC) checks too.
constexpr auto voc = models::fcn8<21>();
using V = decltype(voc);
static_assert(V::output_shape == shape<224, 224, 21>{});
static_assert(node_named_t<V, "conv2d_transpose">::params == 4 * 4 * 21 * 4096);
static_assert(node_named_t<V, "conv2d">::params == 512 * 21 + 21);
static_assert(V::total_params == 135'067'736 - 786'432 - 6'156 - 2'304 - 3'084 - 9'216 +
                                     (4 * 4 * 21 * 4096) + (512 * 21 + 21) + (4 * 4 * 21 * 21) +
                                     (256 * 21 + 21) + (8 * 8 * 21 * 21));

// Any input whose sides are multiples of 32 works: 7 → 16 → 14 becomes 10 → 22 → 20 at 320.
static_assert(decltype(models::fcn8<12, 320, 320>())::output_shape == shape<320, 320, 12>{});

// The forum post's own example: Conv2D k3 s2 valid takes 7 to 3, Conv2DTranspose takes 3 back.
constexpr auto seven = Input<shape<7, 7, 1>, name<"seven">>{}();
constexpr auto three = Conv2D<1, kernel_size<3>, strides<2>, name<"down">>{}(seven);
constexpr auto back = Conv2DTranspose<1, kernel_size<3>, strides<2>, name<"up">>{}(three);
static_assert(three.output_shape == shape<3, 3, 1>{});
static_assert(back.output_shape == shape<7, 7, 1>{});
}  // namespace

int main() {}
