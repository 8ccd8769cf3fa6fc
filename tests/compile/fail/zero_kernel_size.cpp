// A kernel of height 0 sees nothing (Keras: all kernel sizes must be ≥ 1).
// expected-error {{kernel_size_must_be_positive<ctnn::Conv2D<8, ?ctnn::kernel_size<0, ?3> ?, ?ctnn::named<'c', ?'o', ?'n', ?'v'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<16, 16, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Conv2D<8, kernel_size<0, 3>, name<"conv">>{}(in);
#else
    auto out = Conv2D<8, kernel_size<1, 3>, name<"conv">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
