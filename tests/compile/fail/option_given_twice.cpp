// Two paddings for one layer: which one was meant?
// expected-error {{option_given_twice<ctnn::Conv2D<8, ?ctnn::kernel_size<3(, ?3)?> ?, ?ctnn::same, ?ctnn::valid, ?ctnn::named<'c', ?'o', ?'n', ?'v'> ?>, ?ctnn::(same|valid) ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<16, 16, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Conv2D<8, kernel_size<3>, same, valid, name<"conv">>{}(in);
#else
    auto out = Conv2D<8, kernel_size<3>, same, name<"conv">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
