// Only one axis of a Reshape can be inferred.
// expected-error {{reshape_target_has_more_than_one_unknown_axis<ctnn::Reshape<ctnn::target_shape<-1, ?-1>, ?ctnn::named<'r'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<4, 4, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Reshape<target_shape<-1, -1>, name<"r">>{}(in);
#else
    auto out = Reshape<target_shape<-1, 3>, name<"r">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
