// Two different layers named "conv": names identify layers and their weights, so this is an error.
// expected-error {{duplicate_layer_name<ctnn::named<'c', ?'o', ?'n', ?'v'> ?, ?ctnn::Conv2D<8, ?ctnn::kernel_size<3(, ?3)?> ?, ?ctnn::named<'c', ?'o', ?'n', ?'v'> ?>, ?ctnn::Conv2D<8, ?ctnn::kernel_size<1(, ?1)?> ?, ?ctnn::named<'c', ?'o', ?'n', ?'v'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<16, 16, 3>, name<"input">>{}();
    auto a = Conv2D<8, kernel_size<3>, name<"conv">>{}(in);
#ifdef CTNN_SHOULD_FAIL
    auto b = Conv2D<8, kernel_size<1>, name<"conv">>{}(a);
#else
    auto b = Conv2D<8, kernel_size<1>, name<"conv_1">>{}(a);
#endif
    return Model{in, b};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
