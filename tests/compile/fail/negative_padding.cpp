// ZeroPadding2D adds rows; a negative amount is not padding (Cropping2D removes rows).
// expected-error {{padding_must_not_be_negative<ctnn::ZeroPadding2D<ctnn::padding<-1, ?2> ?, ?ctnn::named<'p', ?'a', ?'d'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<8, 8, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = ZeroPadding2D<padding<-1, 2>, name<"pad">>{}(in);
#else
    auto out = ZeroPadding2D<padding<1, 2>, name<"pad">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
