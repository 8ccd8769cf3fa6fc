// A stride of 0 never moves the window.
// expected-error {{strides_must_be_positive<ctnn::Conv2D<8, ?ctnn::kernel_size<3(, ?3)?> ?, ?ctnn::strides<0, ?1> ?, ?ctnn::named<'c', ?'o', ?'n', ?'v'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<16, 16, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Conv2D<8, kernel_size<3>, strides<0, 1>, name<"conv">>{}(in);
#else
    auto out = Conv2D<8, kernel_size<3>, strides<1, 1>, name<"conv">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
