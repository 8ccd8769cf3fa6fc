// A user who runs models but reads no files: ctnn::runtime (core + Eigen).
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>
#include <ctnn/runtime/network.hpp>

int main() {
    using namespace ctnn;
    auto in = Input<shape<8, 8, 1>, name<"x">>{}();
    Model model{in, Conv2D<2, kernel_size<3>, relu, name<"conv">>{}(in)};
    network net{model, 1};
    tensor<shape<8, 8, 1>> x(1);
    for (auto& v : x) v = 1.0f;
    const auto y = net(x, {.threads = 1});
    return y.size() == 6 * 6 * 2 ? 0 : 1;
}
