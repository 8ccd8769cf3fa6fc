// Keras' Dropout has no default rate.
// expected-error {{option_required<ctnn::Dropout<ctnn::named<'d', ?'r', ?'o', ?'p'> ?>, ?ctnn::rate<}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<4096>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Dropout<name<"drop">>{}(in);
#else
    auto out = Dropout<rate<"0.5">, name<"drop">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
