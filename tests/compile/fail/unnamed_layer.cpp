// Every layer needs a name: names tell layers apart and match them to their weights.
// expected-error {{layer_needs_a_name<ctnn::Conv2D<8, ?ctnn::kernel_size<3(, ?3)?> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<16, 16, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Conv2D<8, kernel_size<3>>{}(in);
#else
    auto out = Conv2D<8, kernel_size<3>, name<"conv">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
