// A convolution needs an H×W×C map: after Flatten or Dense there is only a vector (Reshape it first).
// expected-error {{layer_does_not_take_this_rank<ctnn::Conv2D<4, ?ctnn::kernel_size<1(, ?1)?>, ?ctnn::named<'c', ?'o', ?'n', ?'v'> ?>, ?ctnn::shape<8>, ?ctnn::ranks<3> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<8>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Conv2D<4, kernel_size<1>, name<"conv">>{}(in);
#else
    auto out = Conv2D<4, kernel_size<1>, name<"conv">>{}(Reshape<target_shape<1, 1, 8>, name<"to_map">>{}(in));
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
