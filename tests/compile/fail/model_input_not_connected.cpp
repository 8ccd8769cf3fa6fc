// A model input that no output depends on: Keras calls the graph disconnected. The control
// connects it through an Add.
// expected-error {{model_input_not_connected<ctnn::Input<ctnn::shape<8, ?8, ?2>, ?ctnn::named<'h', ?'i', ?'n', ?'t'> ?> ?>}}
// expected-error-count {{2}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto image = Input<shape<8, 8, 2>, name<"image">>{}();
    auto hint = Input<shape<8, 8, 2>, name<"hint">>{}();
    auto conv = Conv2D<2, kernel_size<3>, same, name<"conv">>{}(image);
#ifdef CTNN_SHOULD_FAIL
    auto out = conv;
#else
    auto out = Add<name<"add">>{}(conv, hint);
#endif
    return Model{inputs(image, hint), out};
}
constexpr auto model = make();
static_assert(decltype(model)::input_shapes[1] == shape<8, 8, 2>{});
}  // namespace
