// Subtract takes exactly two inputs (the first minus the second), as in Keras.
// expected-error {{wrong_number_of_inputs<ctnn::Subtract<ctnn::named<'d', ?'i', ?'f', ?'f'> ?>, ?std::integral_constant<[a-z ]+, ?2> ?, ?std::integral_constant<[a-z ]+, ?3> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<8, 8, 4>, name<"input">>{}();
    auto a = Conv2D<4, kernel_size<1>, name<"a">>{}(in);
#ifdef CTNN_SHOULD_FAIL
    auto out = Subtract<name<"diff">>{}(in, a, a);
#else
    auto out = Subtract<name<"diff">>{}(in, a);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
