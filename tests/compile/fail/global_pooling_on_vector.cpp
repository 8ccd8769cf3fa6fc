// Global pooling reduces the height and width of a map; a vector has none.
// expected-error {{layer_does_not_take_this_rank<ctnn::GlobalAveragePooling2D<ctnn::named<'g', ?'a', ?'p'> ?>, ?ctnn::shape<64>, ?ctnn::ranks<3> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto in = Input<shape<64>, name<"input">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto out = GlobalAveragePooling2D<name<"gap">>{}(in);
#else
    auto out = GlobalAveragePooling2D<name<"gap">>{}(Reshape<target_shape<1, 1, 64>, name<"to_map">>{}(in));
#endif
    return Model{in, out};
}
[[maybe_unused]] constexpr auto model = make();
}  // namespace
