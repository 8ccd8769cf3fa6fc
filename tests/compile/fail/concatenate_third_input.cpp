// Concatenate checks every input against the first: the third (a 2×2 pool of 16×16, so 8×8) is
// the one that differs.
// expected-error {{concatenate_inputs_differ_in_height_or_width<ctnn::Concatenate<ctnn::named<'c', ?'a', ?'t'> ?>, ?ctnn::shape<16, ?16, ?3>, ?ctnn::shape<8, ?8, ?3> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<16, 16, 3>, name<"input">>{}();
    auto a = Conv2D<5, kernel_size<3>, same, name<"a">>{}(in);
#ifdef CTNN_SHOULD_FAIL
    auto b = MaxPooling2D<name<"pool">>{}(in);
#else
    auto b = MaxPooling2D<strides<1>, same, name<"pool">>{}(in);
#endif
    auto out = Concatenate<name<"cat">>{}(in, a, b);
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
