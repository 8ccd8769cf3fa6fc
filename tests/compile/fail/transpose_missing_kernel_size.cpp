// Conv2DTranspose, like Conv2D, has no default kernel size.
// expected-error {{option_required<ctnn::Conv2DTranspose<12, ?ctnn::strides<2(, ?2)?> ?, ?ctnn::use_bias<false> ?, ?ctnn::named<'u', ?'p'> ?>, ?ctnn::kernel_size<1(, ?1)?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<7, 7, 8>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Conv2DTranspose<12, strides<2>, no_bias, name<"up">>{}(in);
#else
    auto out = Conv2DTranspose<12, kernel_size<4>, strides<2>, no_bias, name<"up">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
