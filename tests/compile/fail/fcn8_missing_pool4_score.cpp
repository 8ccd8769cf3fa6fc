// FCN-8 without the 1×1 conv that turns pool4's 512 channels into 12 class scores: the cropped
// upsampled map (14×14×12) meets pool4 itself (14×14×512).
// expected-error {{add_inputs_have_different_shapes<ctnn::Add<ctnn::named<'a', ?'d', ?'d'> ?>, ?ctnn::shape<14, ?14, ?12>, ?ctnn::shape<14, ?14, ?512> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/models/fcn8.hpp>

namespace {
using namespace ctnn;

constexpr auto decoder_head() {
    auto input = Input<shape<224, 224, 3>, name<"input_1">>{}();
    auto [pool3, pool4, conv7] = models::fcn8_encoder(input);
    auto up2 = Conv2DTranspose<12, kernel_size<4>, strides<2>, no_bias, name<"conv2d_transpose">>{}(conv7);
    auto crop2 = Cropping2D<cropping<1, 1>, name<"cropping2d">>{}(up2);
#ifdef CTNN_SHOULD_FAIL
    auto skip4 = pool4;
#else
    auto skip4 = Conv2D<12, kernel_size<1>, same, relu, name<"conv2d">>{}(pool4);
#endif
    auto fuse4 = Add<name<"add">>{}(crop2, skip4);
    static_cast<void>(pool3);
    return Model{input, fuse4};
}
[[maybe_unused]] constexpr auto model = decoder_head();
}  // namespace
