// An axis of length 0 holds no values: Reshape's axes are at least 1, or -1.
// expected-error {{reshape_target_axes_must_be_positive<ctnn::Reshape<ctnn::target_shape<0, ?48>, ?ctnn::named<'r'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<4, 4, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Reshape<target_shape<0, 48>, name<"r">>{}(in);
#else
    auto out = Reshape<target_shape<1, 48>, name<"r">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
