// pool_size is MaxPooling2D's option, not Conv2D's.
// expected-error {{option_not_accepted_by_layer<ctnn::Conv2D<8, ?ctnn::kernel_size<3(, ?3)?> ?, ?ctnn::pool_size<2(, ?2)?> ?, ?ctnn::named<'c', ?'o', ?'n', ?'v'> ?>, ?ctnn::pool_size<2(, ?2)?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<16, 16, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Conv2D<8, kernel_size<3>, pool_size<2>, name<"conv">>{}(in);
#else
    auto out = Conv2D<8, kernel_size<3>, strides<2>, name<"conv">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
