// Reshape keeps every value: 4×4×3 = 48 values do not make a 7×7 map.
// expected-error {{reshape_changes_the_element_count<ctnn::Reshape<ctnn::target_shape<7, ?7>, ?ctnn::named<'r'> ?>, ?ctnn::shape<4, ?4, ?3>, ?ctnn::target_shape<7, ?7> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<4, 4, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Reshape<target_shape<7, 7>, name<"r">>{}(in);
#else
    auto out = Reshape<target_shape<6, 8>, name<"r">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
