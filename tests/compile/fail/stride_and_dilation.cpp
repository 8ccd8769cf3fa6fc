// Keras rejects a stride above 1 together with a dilation_rate above 1.
// expected-error {{strides_and_dilation_rate_both_above_one<ctnn::Conv2D<8, ?ctnn::kernel_size<3(, ?3)?> ?, ?ctnn::strides<2(, ?2)?> ?, ?ctnn::dilation_rate<2(, ?2)?> ?, ?ctnn::named<'c', ?'o', ?'n', ?'v'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<16, 16, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Conv2D<8, kernel_size<3>, strides<2>, dilation_rate<2>, name<"conv">>{}(in);
#else
    auto out = Conv2D<8, kernel_size<3>, strides<1>, dilation_rate<2>, name<"conv">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
