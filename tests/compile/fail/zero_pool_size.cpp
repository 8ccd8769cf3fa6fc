// A pool of height 0 has nothing to reduce. Its strides default to pool_size, but only the pool is
// reported: the user wrote no strides.
// expected-error {{pool_size_must_be_positive<ctnn::MaxPooling2D<ctnn::pool_size<0, ?2> ?, ?ctnn::named<'p', ?'o', ?'o', ?'l'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<16, 16, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = MaxPooling2D<pool_size<0, 2>, name<"pool">>{}(in);
#else
    auto out = MaxPooling2D<pool_size<1, 2>, name<"pool">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
