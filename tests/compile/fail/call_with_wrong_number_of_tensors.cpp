// A model of two inputs called with one tensor: each input needs its tensor, in the order the
// model lists them.
// expected-error {{model_called_with_wrong_number_of_tensors<std::integral_constant<(long unsigned int|unsigned long), ?2>, ?std::integral_constant<(long unsigned int|unsigned long), ?1> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>

namespace {
using namespace ctnn;

constexpr auto make() {
    auto image = Input<shape<8, 8, 3>, name<"image">>{}();
    auto mask = Input<shape<8, 8, 3>, name<"mask">>{}();
    return Model{inputs(image, mask), Add<name<"masked">>{}(image, mask)};
}
constexpr auto model = make();

[[maybe_unused]] void run(const network<std::remove_const_t<decltype(model)>>& net) {
    tensor<shape<8, 8, 3>> image(1), mask(1);
#ifdef CTNN_SHOULD_FAIL
    [[maybe_unused]] auto masked = net(image);
#else
    [[maybe_unused]] auto [masked] = net(image, mask);
#endif
}
}  // namespace
