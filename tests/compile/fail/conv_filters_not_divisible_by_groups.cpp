// 10 filters do not split into 4 groups (Keras requires filters % groups == 0).
// expected-error {{filters_not_divisible_by_groups<ctnn::Conv2D<10, ?ctnn::kernel_size<3(, ?3)?> ?, ?ctnn::groups<4> ?, ?ctnn::named<'c', ?'o', ?'n', ?'v'> ?>, ?std::integral_constant<int, ?10> ?, ?std::integral_constant<int, ?4> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<8, 8, 8>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Conv2D<10, kernel_size<3>, groups<4>, name<"conv">>{}(in);
#else
    auto out = Conv2D<12, kernel_size<3>, groups<4>, name<"conv">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
