// ctnn takes a softmax over the last axis only (Keras' axis counts the batch axis: 3 is a map's channels).
// expected-error {{softmax_axis_is_not_the_last<ctnn::Softmax<ctnn::axis<1>, ?ctnn::named<'s', ?'o', ?'f', ?'t', ?'m', ?'a', ?'x'> ?>, ?ctnn::shape<8, ?8, ?10>, ?ctnn::axis<1> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<8, 8, 10>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Softmax<axis<1>, name<"softmax">>{}(in);
#else
    auto out = Softmax<axis<3>, name<"softmax">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
