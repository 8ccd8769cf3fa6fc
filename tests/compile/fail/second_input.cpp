// An output that depends on an Input the model was not given could not be run from the model's
// inputs alone (with both inputs listed, `Model{inputs(in, mask), out}`, it is a model of two).
// expected-error {{model_lacks_an_input_its_outputs_need<ctnn::Input<ctnn::shape<16, ?16, ?3>, ?ctnn::named<'m', ?'a', ?'s', ?'k'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<16, 16, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto mask = Input<shape<16, 16, 3>, name<"mask">>{}();
#else
    auto mask = Conv2D<3, kernel_size<1>, sigmoid, name<"mask">>{}(in);
#endif
    auto out = Add<name<"add">>{}(in, mask);
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
