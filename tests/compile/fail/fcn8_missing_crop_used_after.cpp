// FCN-8 without its first Cropping2D, in a program that goes on to use the model as if nothing
// were wrong: its own static_asserts and expect_shape, node_named, summary, a network, a prediction and
// load_weights. One mistake gives one diagnostic: the error naming Add and both shapes, and its
// static_assert sentence; nothing after it adds another.
// expected-error {{add_inputs_have_different_shapes<ctnn::Add<ctnn::named<'a', ?'d', ?'d'> ?>, ?ctnn::shape<16, ?16, ?12>, ?ctnn::shape<14, ?14, ?12> ?>}}
// expected-error-count {{2}}
// SPDX-License-Identifier: BSL-1.0
#include <sstream>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/weights.hpp>
#include <ctnn/models/fcn8.hpp>

namespace {
using namespace ctnn;

constexpr auto decoder_head() {
    auto input = Input<shape<224, 224, 3>, name<"input_1">>{}();
    auto [pool3, pool4, conv7] = models::fcn8_encoder(input);
    auto up2 = Conv2DTranspose<12, kernel_size<4>, strides<2>, no_bias, name<"conv2d_transpose">>{}(conv7);
#ifdef CTNN_SHOULD_FAIL
    auto fuse4 = Add<name<"add">>{}(up2, Conv2D<12, kernel_size<1>, same, relu, name<"conv2d">>{}(pool4));
#else
    auto crop2 = Cropping2D<cropping<1, 1>, name<"cropping2d">>{}(up2);
    auto fuse4 = Add<name<"add">>{}(crop2, Conv2D<12, kernel_size<1>, same, relu, name<"conv2d">>{}(pool4));
#endif
    static_cast<void>(pool3);
    return Model{input, fuse4};
}
constexpr auto model = decoder_head();
using M = decltype(model);

static_assert(M::output_shape == shape<14, 14, 12>{});
static_assert(expect_shape<M::output_shape, shape<14, 14, 12>{}>);
static_assert(M::total_params == 135'053'132);
static_assert(node_named_t<M, "conv6">::params == 102'764'544);
static_assert(node_named_t<M, "conv6">::output_shape == shape<7, 7, 4096>{});
}  // namespace

int use_the_model() {
    std::ostringstream text;
    summary(model, text);
    network net{model, 1};
    tensor<shape<224, 224, 3>> image(1);
    auto scores = net(image, {.threads = 1});
    static_cast<void>(scores);
    io::load_weights(net, "fcn8_head.npz");
    return static_cast<int>(text.str().size());
}
