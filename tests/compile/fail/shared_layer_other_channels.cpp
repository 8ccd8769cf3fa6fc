// One layer applied to maps of 3 and of 4 channels: as a Keras layer object, a shared layer has one
// kernel, which cannot take both. (Other heights and widths are fine, as in Keras.) The control
// shares the layer between two 3-channel inputs of different sizes.
// expected-error {{shared_layer_applied_to_another_shape<ctnn::Conv2D<8, ?ctnn::kernel_size<3(, ?3)?> ?, ?ctnn::named<'s', ?'h', ?'a', ?'r', ?'e', ?'d'> ?>, ?ctnn::shape<16, ?16, ?3>, ?ctnn::shape<12, ?12, ?4> ?>}}
// expected-error-count {{2}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto rgb = Input<shape<16, 16, 3>, name<"rgb">>{}();
#ifdef CTNN_SHOULD_FAIL
    auto rgbd = Input<shape<12, 12, 4>, name<"rgbd">>{}();
#else
    auto rgbd = Input<shape<12, 12, 3>, name<"rgbd">>{}();
#endif
    constexpr Conv2D<8, kernel_size<3>, name<"shared">> shared;
    return Model{inputs(rgb, rgbd), outputs(shared(rgb), shared(rgbd))};
}
constexpr auto model = make();
static_assert(decltype(model)::total_params == 3 * 3 * 3 * 8 + 8);
}  // namespace
