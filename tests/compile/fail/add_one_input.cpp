// Add sums two or more maps; given one, it was given the wrong number of inputs (needs 2, got 1).
// expected-error {{wrong_number_of_inputs<ctnn::Add<ctnn::named<'s', ?'u', ?'m'> ?>, ?std::integral_constant<[a-z ]+, ?2> ?, ?std::integral_constant<[a-z ]+, ?1> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<8, 8, 4>, name<"input">>{}();
    auto a = Conv2D<4, kernel_size<3>, same, name<"a">>{}(in);
#ifdef CTNN_SHOULD_FAIL
    auto out = Add<name<"sum">>{}(a);
#else
    auto out = Add<name<"sum">>{}(a, in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
