// A Dense layer of 0 units would output nothing.
// expected-error {{units_must_be_positive<ctnn::Dense<0, ?ctnn::relu, ?ctnn::named<'f', ?'c'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<64>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Dense<0, relu, name<"fc">>{}(in);
#else
    auto out = Dense<1, relu, name<"fc">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
