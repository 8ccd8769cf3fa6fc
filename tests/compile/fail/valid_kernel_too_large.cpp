// A 'valid' 7×7 kernel does not fit a 5×5 input (Keras: one of the dimensions in the output is <= 0).
// expected-error {{kernel_larger_than_input<ctnn::Conv2D<8, ?ctnn::kernel_size<7(, ?7)?> ?, ?ctnn::named<'c', ?'o', ?'n', ?'v'> ?>, ?ctnn::shape<5, ?5, ?3> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<5, 5, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Conv2D<8, kernel_size<7>, name<"conv">>{}(in);
#else
    auto out = Conv2D<8, kernel_size<7>, same, name<"conv">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
