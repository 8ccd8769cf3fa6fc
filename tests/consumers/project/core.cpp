// A user of the compile-time checks only: ctnn::core brings nothing but the standard library.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>
#include <ctnn/version.hpp>

#if __has_include(<Eigen/Core>)
#error "ctnn::core must not bring Eigen into a user's include path"
#endif

#include <iostream>

int main() {
    using namespace ctnn;
    auto in = Input<shape<28, 28, 1>, name<"digits">>{}();
    auto conv = Conv2D<8, kernel_size<3>, relu, name<"conv">>{}(in);
    auto pool = MaxPooling2D<name<"pool">>{}(conv);
    Model model{in, pool};
    static_assert(decltype(model)::output_shape == shape<13, 13, 8>{});
    static_assert(decltype(model)::total_params == 3 * 3 * 1 * 8 + 8);
    static_assert(version.major == CTNN_VERSION_MAJOR);
    summary(model, std::cout);
}
