// An Input of height 0 holds no sample.
// expected-error {{input_shape_must_be_positive<ctnn::shape<0, ?16, ?3> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
#ifdef CTNN_SHOULD_FAIL
    auto in = Input<shape<0, 16, 3>, name<"input">>{}();
#else
    auto in = Input<shape<1, 16, 3>, name<"input">>{}();
#endif
    auto out = Conv2D<4, kernel_size<1>, name<"conv">>{}(in);
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
