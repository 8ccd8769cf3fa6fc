// A dilation_rate of 0 would put every tap of the kernel on one pixel.
// expected-error {{dilation_rate_must_be_positive<ctnn::Conv2D<8, ?ctnn::kernel_size<3(, ?3)?> ?, ?ctnn::dilation_rate<1, ?0> ?, ?ctnn::same, ?ctnn::named<'c', ?'o', ?'n', ?'v'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<16, 16, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Conv2D<8, kernel_size<3>, dilation_rate<1, 0>, same, name<"conv">>{}(in);
#else
    auto out = Conv2D<8, kernel_size<3>, dilation_rate<1, 2>, same, name<"conv">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
