// TensorFlow's 'same' rule for transposed convolutions holds per axis: the 3-row kernel is odd,
// but the 4-column kernel is even and its output_padding is 0.
// expected-error {{same_padding_with_even_kernel_needs_output_padding<ctnn::Conv2DTranspose<4, ?ctnn::kernel_size<3, ?4> ?, ?ctnn::strides<2(, ?2)?> ?, ?ctnn::same, ?ctnn::output_padding<0(, ?0)?> ?, ?ctnn::named<'u', ?'p'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<8, 8, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Conv2DTranspose<4, kernel_size<3, 4>, strides<2>, same, output_padding<0>, name<"up">>{}(in);
#else
    auto out = Conv2DTranspose<4, kernel_size<3, 4>, strides<2>, same, output_padding<0, 1>, name<"up">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
