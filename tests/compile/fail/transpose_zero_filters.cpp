// A transposed convolution with no filters has no output.
// expected-error {{filters_must_be_positive<ctnn::Conv2DTranspose<0, ?ctnn::kernel_size<4(, ?4)?> ?, ?ctnn::strides<2(, ?2)?> ?, ?ctnn::named<'u', ?'p'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<7, 7, 8>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Conv2DTranspose<0, kernel_size<4>, strides<2>, name<"up">>{}(in);
#else
    auto out = Conv2DTranspose<1, kernel_size<4>, strides<2>, name<"up">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
