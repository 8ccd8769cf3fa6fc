// 6 input channels do not split into 4 groups (Keras requires channels % groups == 0).
// expected-error {{input_channels_not_divisible_by_groups<ctnn::Conv2D<8, ?ctnn::kernel_size<3(, ?3)?> ?, ?ctnn::groups<4> ?, ?ctnn::named<'c', ?'o', ?'n', ?'v'> ?>, ?ctnn::shape<8, ?8, ?6> ?, ?std::integral_constant<int, ?4> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
#ifdef CTNN_SHOULD_FAIL
    auto in = Input<shape<8, 8, 6>, name<"input">>{}();
#else
    auto in = Input<shape<8, 8, 12>, name<"input">>{}();
#endif
    auto out = Conv2D<8, kernel_size<3>, groups<4>, name<"conv">>{}(in);
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
