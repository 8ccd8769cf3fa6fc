// A model applied as a layer without a name: its layers would join the caller's graph under no
// prefix, where their names could clash and their weights could not be told from the caller's.
// Keras names every model; ctnn asks for the name. The control names it.
// expected-error {{nested_model_needs_a_name<ctnn::Conv2D<2, ?ctnn::kernel_size<1(, ?1)?> ?, ?ctnn::named<'h', ?'e', ?'a', ?'d'> ?> ?>}}
// expected-error-count {{2}}
// SPDX-License-Identifier: BSL-1.0
#include <iostream>

#include <ctnn/ctnn.hpp>

namespace {
using namespace ctnn;

constexpr auto make_base() {
    auto in = Input<shape<8, 8, 3>, name<"in">>{}();
    auto head = Conv2D<2, kernel_size<1>, name<"head">>{}(in);
#ifdef CTNN_SHOULD_FAIL
    return Model{in, head};
#else
    return Model{in, head, name<"base">{}};
#endif
}

constexpr auto make() {
    constexpr auto base = make_base();
    auto image = Input<shape<8, 8, 3>, name<"image">>{}();
    return Model{image, ReLU<name<"relu">>{}(base(image))};
}
// Used afterwards as a program would: no further diagnostic.
constexpr auto model = make();
static_assert(decltype(model)::total_params == 8);
[[maybe_unused]] void run() {
    network net{model};
    summary(model, std::cout);
}
}  // namespace
