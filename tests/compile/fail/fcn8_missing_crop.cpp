// FCN-8 without its first Cropping2D: conv7 upsampled ×2 is 16×16×12, pool4's scores are 14×14×12.
// expected-error {{add_inputs_have_different_shapes<ctnn::Add<ctnn::named<'a', ?'d', ?'d'> ?>, ?ctnn::shape<16, ?16, ?12>, ?ctnn::shape<14, ?14, ?12> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/models/fcn8.hpp>

namespace {
using namespace ctnn;

constexpr auto decoder_head() {
    auto input = Input<shape<224, 224, 3>, name<"input_1">>{}();
    auto [pool3, pool4, conv7] = models::fcn8_encoder(input);
    // The names of the tutorial's decoder (docs/snippets/fcn8_walkthrough.cpp), which shows this case.
    auto up2 = Conv2DTranspose<12, kernel_size<4>, strides<2>, no_bias, name<"conv2d_transpose">>{}(conv7);
    auto skip4 = Conv2D<12, kernel_size<1>, same, relu, name<"conv2d">>{}(pool4);
#ifdef CTNN_SHOULD_FAIL
    auto fuse4 = Add<name<"add">>{}(up2, skip4);  // 16×16×12 + 14×14×12
#else
    auto crop2 = Cropping2D<cropping<1, 1>, name<"cropping2d">>{}(up2);
    auto fuse4 = Add<name<"add">>{}(crop2, skip4);
#endif
    static_cast<void>(pool3);
    return Model{input, fuse4};
}
[[maybe_unused]] constexpr auto model = decoder_head();
}  // namespace
