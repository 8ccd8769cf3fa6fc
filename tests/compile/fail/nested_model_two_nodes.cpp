// A model of one input applied to two nodes, as if it were a merge layer. The control applies it
// to one.
// expected-error {{model_called_with_wrong_number_of_tensors<std::integral_constant<(long unsigned int|unsigned long), ?1> ?, ?std::integral_constant<(long unsigned int|unsigned long), ?2> ?>}}
// expected-error-count {{2}}
// SPDX-License-Identifier: BSL-1.0
#include <iostream>

#include <ctnn/ctnn.hpp>

namespace {
using namespace ctnn;

constexpr auto make_base() {
    auto in = Input<shape<8, 8, 3>, name<"in">>{}();
    return Model{in, Conv2D<2, kernel_size<1>, name<"head">>{}(in), name<"base">{}};
}

constexpr auto make() {
    constexpr auto base = make_base();
    auto image = Input<shape<8, 8, 3>, name<"image">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto other = Input<shape<8, 8, 3>, name<"other">>{}();
    return Model{inputs(image, other), ReLU<name<"relu">>{}(base(image, other))};
#else
    return Model{image, ReLU<name<"relu">>{}(base(image))};
#endif
}
// Used afterwards as a program would: no further diagnostic.
constexpr auto model = make();
static_assert(decltype(model)::total_params == 8);
[[maybe_unused]] void run() {
    summary(model, std::cout);
}
}  // namespace
