// output_padding must be less than strides (Keras: strides must be greater than output padding).
// expected-error {{output_padding_must_be_less_than_strides<ctnn::Conv2DTranspose<4, ?ctnn::kernel_size<3(, ?3)?> ?, ?ctnn::strides<2(, ?2)?> ?, ?ctnn::output_padding<2(, ?2)?> ?, ?ctnn::named<'u', ?'p'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<8, 8, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = Conv2DTranspose<4, kernel_size<3>, strides<2>, output_padding<2>, name<"up">>{}(in);
#else
    auto out = Conv2DTranspose<4, kernel_size<3>, strides<2>, output_padding<1>, name<"up">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
