// Each input is checked against the broadcast of those before it: 1×1×4 and 8×8×1 broadcast
// to 8×8×4, which the third input, 8×8×5, does not.
// expected-error {{inputs_cannot_broadcast<ctnn::Maximum<ctnn::named<'m', ?'a', ?'x'> ?>, ?ctnn::shape<8, ?8, ?4>, ?ctnn::shape<8, ?8, ?5> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<8, 8, 4>, name<"input">>{}();
    auto channels = AveragePooling2D<pool_size<8>, name<"channels">>{}(in);
    auto mask = Conv2D<1, kernel_size<1>, name<"mask">>{}(in);
#ifdef CTNN_SHOULD_FAIL
    auto third = Conv2D<5, kernel_size<1>, name<"third">>{}(in);
#else
    auto third = Conv2D<4, kernel_size<1>, name<"third">>{}(in);
#endif
    return Model{in, Maximum<name<"max">>{}(channels, mask, third)};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
