// Upsampling by 0 would leave no rows.
// expected-error {{size_must_be_positive<ctnn::UpSampling2D<ctnn::size<0, ?2> ?, ?ctnn::named<'u', ?'p'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<8, 8, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = UpSampling2D<size<0, 2>, name<"up">>{}(in);
#else
    auto out = UpSampling2D<size<1, 2>, name<"up">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
