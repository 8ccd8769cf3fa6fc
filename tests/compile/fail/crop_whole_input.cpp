// Cropping 2 + 2 rows from a 4-row map would leave nothing.
// expected-error {{cropping_removes_whole_input<ctnn::Cropping2D<ctnn::cropping<2, ?1> ?, ?ctnn::named<'c', ?'r', ?'o', ?'p'> ?>, ?ctnn::shape<4, ?6, ?3> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<4, 6, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Cropping2D<cropping<2, 1>, name<"crop">>{}(in);
#else
    auto out = Cropping2D<cropping<1, 1>, name<"crop">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
