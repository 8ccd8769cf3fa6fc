// A convolution with no filters has no output.
// expected-error {{filters_must_be_positive<ctnn::Conv2D<0, ?ctnn::kernel_size<3(, ?3)?> ?, ?ctnn::named<'c', ?'o', ?'n', ?'v'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<16, 16, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Conv2D<0, kernel_size<3>, name<"conv">>{}(in);
#else
    auto out = Conv2D<1, kernel_size<3>, name<"conv">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
