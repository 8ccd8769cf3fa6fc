// A vector has one axis (Keras' axis 1): PReLU cannot share alpha along axis 2.
// expected-error {{shared_axes_outside_the_input<ctnn::PReLU<ctnn::shared_axes<2>, ?ctnn::named<'p', ?'r', ?'e', ?'l', ?'u'> ?>, ?ctnn::shape<16>, ?ctnn::shared_axes<2> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<16>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = PReLU<shared_axes<2>, name<"prelu">>{}(in);
#else
    auto out = PReLU<shared_axes<1>, name<"prelu">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
