// The stride/dilation rule holds for Conv2DTranspose too, and across axes: a stride above 1 along
// the height and a dilation above 1 along the width.
// expected-error {{strides_and_dilation_rate_both_above_one<ctnn::Conv2DTranspose<4, ?ctnn::kernel_size<3(, ?3)?> ?, ?ctnn::strides<2, ?1> ?, ?ctnn::dilation_rate<1, ?2> ?, ?ctnn::named<'u', ?'p'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<8, 8, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Conv2DTranspose<4, kernel_size<3>, strides<2, 1>, dilation_rate<1, 2>, name<"up">>{}(in);
#else
    auto out = Conv2DTranspose<4, kernel_size<3>, strides<1, 1>, dilation_rate<1, 2>, name<"up">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
