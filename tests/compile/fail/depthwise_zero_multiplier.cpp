// A depthwise convolution with depth_multiplier 0 has no output channels.
// expected-error {{depth_multiplier_must_be_positive<ctnn::DepthwiseConv2D<ctnn::kernel_size<3(, ?3)?> ?, ?ctnn::depth_multiplier<0> ?, ?ctnn::named<'d', ?'w'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<8, 8, 4>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = DepthwiseConv2D<kernel_size<3>, depth_multiplier<0>, name<"dw">>{}(in);
#else
    auto out = DepthwiseConv2D<kernel_size<3>, depth_multiplier<2>, name<"dw">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
