// Keras refuses a negative negative_slope for LeakyReLU (and ReLU).
// expected-error {{negative_slope_must_not_be_negative<ctnn::LeakyReLU<ctnn::negative_slope<(ctnn::number)?.-1, ?5.>, ?ctnn::named<'l', ?'e', ?'a', ?'k', ?'y'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<8, 8, 3>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = LeakyReLU<negative_slope<"-0.2">, name<"leaky">>{}(in);
#else
    auto out = LeakyReLU<negative_slope<"0.2">, name<"leaky">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
