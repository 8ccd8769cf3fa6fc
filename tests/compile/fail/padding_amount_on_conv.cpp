// padding<1> is ZeroPadding2D's amount; Conv2D's padding is `valid` or `same`.
// expected-error {{option_not_accepted_by_layer<ctnn::Conv2D<8, ?ctnn::kernel_size<3(, ?3)?> ?, ?ctnn::padding<1> ?, ?ctnn::named<'c', ?'o', ?'n', ?'v'> ?>, ?ctnn::padding<1> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<16, 16, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Conv2D<8, kernel_size<3>, padding<1>, name<"conv">>{}(in);
#else
    auto out = Conv2D<8, kernel_size<3>, same, name<"conv">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
