// An Activation layer where Conv2D's activation option belongs: it is not an option at all.
// expected-error {{option_not_accepted_by_layer<ctnn::Conv2D<8, ?ctnn::kernel_size<3(, ?3)?> ?, ?ctnn::Activation<ctnn::relu, ?ctnn::named<'r'> ?> ?, ?ctnn::named<'c', ?'o', ?'n', ?'v'> ?>, ?ctnn::Activation<ctnn::relu, ?ctnn::named<'r'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<16, 16, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Conv2D<8, kernel_size<3>, Activation<relu, name<"r">>, name<"conv">>{}(in);
#else
    auto out = Conv2D<8, kernel_size<3>, relu, name<"conv">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
