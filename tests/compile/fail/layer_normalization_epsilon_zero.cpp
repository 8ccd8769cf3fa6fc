// LayerNormalization with epsilon 0: a position whose values are all equal has variance 0 and
// would divide by zero. The control uses ConvNeXt's 1e-6.
// expected-error {{epsilon_must_be_positive<ctnn::LayerNormalization<ctnn::epsilon<.*named<'l', ?'n'> ?> ?>}}
// expected-error-count {{2}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<14, 14, 96>, name<"in">>{}();
#ifdef CTNN_SHOULD_FAIL
    return Model{in, LayerNormalization<epsilon<0>, name<"ln">>{}(in)};
#else
    return Model{in, LayerNormalization<epsilon<"1e-6">, name<"ln">>{}(in)};
#endif
}
constexpr auto model = make();
static_assert(decltype(model)::total_params == 2 * 96);
}  // namespace
