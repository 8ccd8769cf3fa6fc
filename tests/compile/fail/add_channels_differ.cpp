// Add does not broadcast (Keras would broadcast a 1-channel map): 8×8×4 + 8×8×1 is an error.
// expected-error {{add_inputs_have_different_shapes<ctnn::Add<ctnn::named<'s', ?'u', ?'m'> ?>, ?ctnn::shape<8, ?8, ?4>, ?ctnn::shape<8, ?8, ?1> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<8, 8, 4>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto gate = Conv2D<1, kernel_size<1>, sigmoid, name<"gate">>{}(in);
#else
    auto gate = Conv2D<4, kernel_size<1>, sigmoid, name<"gate">>{}(in);
#endif
    auto out = Add<name<"sum">>{}(in, gate);
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
