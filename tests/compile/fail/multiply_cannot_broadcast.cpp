// A squeeze-and-excitation gate of 4 channels cannot scale a map of 8: 1×1×4 and 6×6×8 do not
// broadcast (along channels the lengths differ and neither is 1).
// expected-error {{inputs_cannot_broadcast<ctnn::Multiply<ctnn::named<'s', ?'c', ?'a', ?'l', ?'e'> ?>, ?ctnn::shape<6, ?6, ?8>, ?ctnn::shape<1, ?1, ?4> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<6, 6, 8>, name<"input">>{}();
    auto pooled = AveragePooling2D<pool_size<6>, name<"squeeze">>{}(in);
#ifdef CTNN_SHOULD_FAIL
    auto gate = Conv2D<4, kernel_size<1>, sigmoid, name<"excite">>{}(pooled);
#else
    auto gate = Conv2D<8, kernel_size<1>, sigmoid, name<"excite">>{}(pooled);
#endif
    return Model{in, Multiply<name<"scale">>{}(in, gate)};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
