// A 'valid' 2×5 average pool is wider than the 4×4 map it slides over (only the width fails).
// expected-error {{pool_larger_than_input<ctnn::AveragePooling2D<ctnn::pool_size<2, ?5> ?, ?ctnn::strides<1(, ?1)?> ?, ?ctnn::named<'a', ?'v', ?'g'> ?>, ?ctnn::shape<4, ?4, ?6> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<4, 4, 6>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = AveragePooling2D<pool_size<2, 5>, strides<1>, name<"avg">>{}(in);
#else
    auto out = AveragePooling2D<pool_size<2, 4>, strides<1>, name<"avg">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
