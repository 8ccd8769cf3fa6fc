// A standard deviation below 0 means nothing; Keras 3 takes 0 to 1.
// expected-error {{stddev_must_be_between_0_and_1<ctnn::GaussianNoise<ctnn::stddev<(ctnn::number)?.-1, ?10.>, ?ctnn::named<'n', ?'o', ?'i', ?'s', ?'e'> ?> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<16>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = GaussianNoise<stddev<"-0.1">, name<"noise">>{}(in);
#else
    auto out = GaussianNoise<stddev<"0.1">, name<"noise">>{}(in);
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
