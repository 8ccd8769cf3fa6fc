// The FCN-8 tutorial's code (docs/tutorial/fcn8.md shows it between the named markers). It builds
// and runs as a test, so the tutorial cannot show code that does not compile or work.
//   docs_fcn8_walkthrough [weights.npz]
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>
#include <ctnn/io/weights.hpp>
#include <ctnn/models/fcn8.hpp>

#include <iostream>

using namespace ctnn;

// [layers]
constexpr auto first_block() {
    auto input = Input<shape<224, 224, 3>, name<"input_1">>{}();
    auto conv = Conv2D<64, kernel_size<3>, same, relu, name<"block1_conv1">>{}(input);
    static_assert(decltype(conv)::output_shape == shape<224, 224, 64>{});
    static_assert(decltype(conv)::params == 3 * 3 * 3 * 64 + 64);
    return Model{input, conv};
}
// [layers]
static_assert(decltype(first_block())::total_params == 1'792);

// [decoder]
template <int Classes = 12>
constexpr auto my_fcn8() {
    auto input = Input<shape<224, 224, 3>, name<"input_1">>{}();
    auto [pool3, pool4, conv7] = models::fcn8_encoder(input);  // VGG-16 + conv6, conv7
    static_assert(decltype(pool3)::output_shape == shape<28, 28, 256>{});
    static_assert(decltype(pool4)::output_shape == shape<14, 14, 512>{});
    static_assert(decltype(conv7)::output_shape == shape<7, 7, 4096>{});

    // ×2: 7·2 + max(4 − 2, 0) = 16, two more than pool4's 14, so one row and column go on each side.
    auto up2 = Conv2DTranspose<Classes, kernel_size<4>, strides<2>, no_bias, name<"conv2d_transpose">>{}(conv7);
    static_assert(decltype(up2)::output_shape == shape<16, 16, Classes>{});
    auto crop2 = Cropping2D<cropping<1, 1>, name<"cropping2d">>{}(up2);
    auto skip4 = Conv2D<Classes, kernel_size<1>, same, relu, name<"conv2d">>{}(pool4);
    auto fuse4 = Add<name<"add">>{}(crop2, skip4);  // 14×14×Classes, twice

    // ×2 again: 14·2 + max(4 − 2, 0) = 30, cropped to pool3's 28.
    auto up4 = Conv2DTranspose<Classes, kernel_size<4>, strides<2>, no_bias, name<"conv2d_transpose_1">>{}(fuse4);
    auto crop4 = Cropping2D<cropping<1, 1>, name<"cropping2d_1">>{}(up4);
    auto skip3 = Conv2D<Classes, kernel_size<1>, same, relu, name<"conv2d_1">>{}(pool3);
    auto fuse3 = Add<name<"add_1">>{}(crop4, skip3);

    // ×8: 28·8 + max(8 − 8, 0) = 224, the input's size: no crop needed.
    auto up32 = Conv2DTranspose<Classes, kernel_size<8>, strides<8>, no_bias, name<"conv2d_transpose_2">>{}(fuse3);
    static_assert(decltype(up32)::output_shape == shape<224, 224, Classes>{});
    auto probabilities = Activation<softmax, name<"activation">>{}(up32);
    return Model{input, probabilities};
}
// [decoder]

// [checks]
constexpr auto model = my_fcn8();
using M = decltype(model);
static_assert(M::total_params == 135'067'736);
static_assert(node_named_t<M, "conv6">::params == 102'764'544);
// The same model as ctnn's own models::fcn8<12>(): the same type.
static_assert(std::is_same_v<std::remove_cv_t<M>, decltype(models::fcn8<12>())>);
// [checks]

int main(int argc, char** argv) {
    // [run]
    network net{model, /*seed=*/42};          // Glorot-uniform kernels, zero biases
    if (argc > 1) io::load_weights(net, argv[1]);  // or weights exported from Keras or PyTorch
    tensor<shape<224, 224, 3>> image(1);      // NHWC; fill with pixels scaled to [-1, 1]
    const auto probabilities = net(image, {.threads = 2});
    std::cout << "P(class 0) at the centre: " << probabilities(0, 112, 112, 0) << '\n';
    // [run]
}
