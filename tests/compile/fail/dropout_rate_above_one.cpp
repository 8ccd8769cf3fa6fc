// A dropout rate is a fraction: Keras refuses one above 1.
// expected-error {{rate_must_be_between_0_and_1<ctnn::Dropout<ctnn::rate<(ctnn::number)?.3, ?2.>, ?ctnn::named<'d', ?'r', ?'o', ?'p'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<4096>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Dropout<rate<"1.5">, name<"drop">>{}(in);
#else
    auto out = Dropout<rate<"0.5">, name<"drop">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
