// A program expects its model's output to be 14×14×12, but the model gives 16×16×12 (FCN-8's
// upsampled conv7 before its crop): expect_shape puts both shapes on the first error line.
// expected-error {{shape_differs_from_expected<ctnn::shape<16, ?16, ?12>, ?ctnn::shape<14, ?14, ?12> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto upsampled() {
    auto x = Input<shape<7, 7, 4096>, name<"conv7">>{}();
    auto up = Conv2DTranspose<12, kernel_size<4>, strides<2>, no_bias, name<"conv2d_transpose">>{}(x);
#ifdef CTNN_SHOULD_FAIL
    return Model{x, up};
#else
    return Model{x, Cropping2D<cropping<1, 1>, name<"cropping2d">>{}(up)};
#endif
}
constexpr auto model = upsampled();
static_assert(expect_shape<decltype(model)::output_shape, shape<14, 14, 12>{}>);
}  // namespace
