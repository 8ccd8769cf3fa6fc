// A 'valid' 3×3 kernel dilated by 3 spans 7×7 (k′ = d·(k−1)+1), more than the 5×5 input; the
// undilated kernel would fit, so the rule must use the effective kernel.
// expected-error {{kernel_larger_than_input<ctnn::Conv2D<8, ?ctnn::kernel_size<3(, ?3)?> ?, ?ctnn::dilation_rate<3(, ?3)?> ?, ?ctnn::named<'c', ?'o', ?'n', ?'v'> ?>, ?ctnn::shape<5, ?5, ?3> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<5, 5, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Conv2D<8, kernel_size<3>, dilation_rate<3>, name<"conv">>{}(in);
#else
    auto out = Conv2D<8, kernel_size<3>, dilation_rate<2>, name<"conv">>{}(in);  // spans 5: fits, 1×1 out
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
