// Conv2D has no default kernel size (Keras requires kernel_size).
// expected-error {{option_required<ctnn::Conv2D<8, ?ctnn::named<'c', ?'o', ?'n', ?'v'> ?>, ?ctnn::kernel_size<1(, ?1)?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<16, 16, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Conv2D<8, name<"conv">>{}(in);
#else
    auto out = Conv2D<8, kernel_size<1>, name<"conv">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
