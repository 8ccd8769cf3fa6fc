// A user who loads weights straight from Keras files: ctnn::keras (io + HDF5). No Keras file is
// at hand here, so it checks that a file that is not one is refused with ctnn's message.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>
#include <ctnn/io/keras.hpp>

#include <filesystem>
#include <fstream>
#include <string>

int main() {
    using namespace ctnn;
    auto in = Input<shape<8, 8, 1>, name<"x">>{}();
    Model model{in, Conv2D<2, kernel_size<3>, name<"conv">>{}(in)};
    const auto path = std::filesystem::temp_directory_path() / "ctnn_consumer_keras.h5";
    std::ofstream(path) << "not HDF5\n";
    network net{model, 1};
    try {
        io::load_keras_weights(net, path);
    } catch (const io::file_error& e) {
        return std::string(e.what()).find("neither an HDF5 file") != std::string::npos ? 0 : 1;
    }
    return 1;
}
