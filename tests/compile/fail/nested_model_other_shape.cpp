// A model made for 8×8×3 applied to a 16×16×3 node. Keras would build its layers again for the
// new shape; in ctnn a model's shapes are its type, so the model must be made for the shape it
// is applied to. The control applies it to the shape it was made for.
// expected-error {{nested_model_applied_to_another_shape<ctnn::named<'b', ?'a', ?'s', ?'e'> ?, ?ctnn::shape<8, ?8, ?3> ?, ?ctnn::shape<16, ?16, ?3> ?>}}
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
#ifdef CTNN_SHOULD_FAIL
    auto image = Input<shape<16, 16, 3>, name<"image">>{}();
#else
    auto image = Input<shape<8, 8, 3>, name<"image">>{}();
#endif
    return Model{image, ReLU<name<"relu">>{}(base(image))};
}
// Used afterwards as a program would: no further diagnostic.
constexpr auto model = make();
static_assert(decltype(model)::total_params == 8);
static_assert(expect_shape<decltype(model)::output_shape, shape<8, 8, 2>{}>);
[[maybe_unused]] void run() {
    network net{model};
    summary(model, std::cout);
    static_cast<void>(node_named<"base/head">(model));
}
}  // namespace
