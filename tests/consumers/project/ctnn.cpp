// A user who takes all of ctnn through the umbrella header and ctnn::ctnn.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>
#include <ctnn/io/npy.hpp>
#include <ctnn/version.hpp>

int main() {
    using namespace ctnn;
    auto in = Input<shape<4, 4, 1>, name<"x">>{}();
    Model model{in, MaxPooling2D<name<"pool">>{}(in)};
    network net{model};
    tensor<shape<4, 4, 1>> x(2);
    return net(x, {.threads = 1}).batch() == 2 && io::shape_text({2, 2}) == "(2, 2)" && version.minor >= 0 ? 0 : 1;
}
