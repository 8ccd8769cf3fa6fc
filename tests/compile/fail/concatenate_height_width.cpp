// Concatenate joins along channels: a 16×16 map and an 8×8 map cannot be joined.
// expected-error {{concatenate_inputs_differ_in_height_or_width<ctnn::Concatenate<ctnn::named<'j', ?'o', ?'i', ?'n'> ?>, ?ctnn::shape<16, ?16, ?8>, ?ctnn::shape<8, ?8, ?4> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<16, 16, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto a = Conv2D<8, kernel_size<3>, same, name<"a">>{}(in);
    auto b = Conv2D<4, kernel_size<2>, strides<2>, name<"b">>{}(in);
    auto out = Concatenate<name<"join">>{}(a, b);
#else
    auto a = Conv2D<8, kernel_size<3>, same, name<"a">>{}(in);
    auto b = Conv2D<4, kernel_size<3>, same, name<"b">>{}(in);
    auto out = Concatenate<name<"join">>{}(a, b);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
