// A 'valid' 4×4 pool does not fit a 3×3 map.
// expected-error {{pool_larger_than_input<ctnn::MaxPooling2D<ctnn::pool_size<4(, ?4)?> ?, ?ctnn::named<'p', ?'o', ?'o', ?'l'> ?>, ?ctnn::shape<3, ?3, ?8> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<3, 3, 8>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = MaxPooling2D<pool_size<4>, name<"pool">>{}(in);
#else
    auto out = MaxPooling2D<pool_size<4>, same, name<"pool">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
