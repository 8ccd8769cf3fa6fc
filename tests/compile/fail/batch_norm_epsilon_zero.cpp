// A BatchNormalization with epsilon 0 divides by zero where a channel's variance is 0.
// expected-error {{epsilon_must_be_positive<ctnn::BatchNormalization<ctnn::epsilon<.*named<'b', ?'n'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<8, 8, 4>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = BatchNormalization<epsilon<0>, name<"bn">>{}(in);
#else
    auto out = BatchNormalization<epsilon<"1e-5">, name<"bn">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
