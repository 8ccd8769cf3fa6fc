// A user who saves and loads weights: ctnn::io (runtime + libzip).
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>
#include <ctnn/io/weights.hpp>

#include <filesystem>

int main() {
    using namespace ctnn;
    auto in = Input<shape<8, 8, 1>, name<"x">>{}();
    Model model{in, Conv2D<2, kernel_size<3>, name<"conv">>{}(in)};
    const auto path = std::filesystem::temp_directory_path() / "ctnn_consumer_io.npz";
    io::save_weights(network{model, 1}, path);
    const auto loaded = io::load_network(model, path);
    return loaded.values("conv", "bias").size() == 2 ? 0 : 1;
}
