// Keras' Rescaling has no default scale.
// expected-error {{option_required<ctnn::Rescaling<ctnn::offset<(ctnn::number)?.-1, ?1.>, ?ctnn::named<'r', ?'e', ?'s', ?'c', ?'a', ?'l', ?'e'> ?>, ?ctnn::scale<}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<8, 8, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Rescaling<offset<-1>, name<"rescale">>{}(in);
#else
    auto out = Rescaling<scale<"2/255">, offset<-1>, name<"rescale">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
