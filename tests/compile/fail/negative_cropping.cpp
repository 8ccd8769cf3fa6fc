// Cropping removes rows; a negative amount is not a crop (ZeroPadding2D adds rows).
// expected-error {{cropping_must_not_be_negative<ctnn::Cropping2D<ctnn::cropping<0, ?0, ?-1, ?1> ?, ?ctnn::named<'c', ?'r', ?'o', ?'p'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<8, 8, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Cropping2D<cropping<0, 0, -1, 1>, name<"crop">>{}(in);
#else
    auto out = Cropping2D<cropping<0, 0, 1, 1>, name<"crop">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
