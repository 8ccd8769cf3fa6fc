// Keras refuses a negative max_value for ReLU.
// expected-error {{max_value_must_not_be_negative<ctnn::ReLU<ctnn::max_value<(ctnn::number)?.-6, ?1.>, ?ctnn::named<'r', ?'e', ?'l', ?'u'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<8, 8, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = ReLU<max_value<-6>, name<"relu">>{}(in);
#else
    auto out = ReLU<max_value<6>, name<"relu">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
