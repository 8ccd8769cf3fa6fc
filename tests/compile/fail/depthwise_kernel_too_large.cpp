// A 5×5 depthwise kernel does not fit a 4-row input under valid padding.
// expected-error {{kernel_larger_than_input<ctnn::DepthwiseConv2D<ctnn::kernel_size<5(, ?5)?> ?, ?ctnn::named<'d', ?'w'> ?>, ?ctnn::shape<4, ?9, ?2> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<4, 9, 2>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = DepthwiseConv2D<kernel_size<5>, name<"dw">>{}(in);
#else
    auto out = DepthwiseConv2D<kernel_size<3>, name<"dw">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
