// Keras files (io/keras.hpp): every layout Keras writes loads into a typed model with the same
// layer names, values equal to the file's (checked through the .npz reader, which shares no code
// with the Keras reader); a file that differs from the model is refused with one line per
// mismatch, a broken file with a message, and neither changes a weight.
// Fixtures: tests/oracle/make_keras_fixtures.py.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>
#include <ctnn/io/keras.hpp>
#include <ctnn/io/weights.hpp>

#include <doctest/doctest.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

namespace {
using namespace ctnn;
namespace fs = std::filesystem;

const fs::path fixtures = fs::path(CTNN_TEST_SOURCE_DIR) / "fixtures" / "keras";

/// The fixtures' model, written by hand: the Keras model's layer names, its nested Sequential's
/// conv_b among them.
constexpr auto make_model() {
    auto x = Input<shape<8, 8, 3>, name<"x">>{}();
    auto a = Conv2D<4, kernel_size<3>, same, name<"conv_a">>{}(x);
    auto b = BatchNormalization<name<"bn_a">>{}(a);
    auto c = Conv2D<6, kernel_size<1>, use_bias<false>, name<"conv_b">>{}(b);
    auto p = GlobalAveragePooling2D<name<"pool">>{}(c);
    return Model{x, Dense<3, name<"head">>{}(p)};
}
using net_t = network<decltype(make_model())>;

std::vector<float> copy(std::span<const float> s) { return {s.begin(), s.end()}; }

std::vector<std::vector<float>> all_values(const net_t& net) {
    std::vector<std::vector<float>> out;
    for (std::size_t i = 0; i != net_t::weights.size(); ++i) out.push_back(copy(net.values(i)));
    return out;
}

/// Loading `path` must throw exactly `message` and change no weight.
void check_refused(const fs::path& path, const std::string& message) {
    net_t net{make_model(), 3};
    const auto before = all_values(net);
    CHECK_THROWS_WITH_AS(io::load_keras_weights(net, path), message.c_str(), io::file_error);
    CHECK(all_values(net) == before);
}

fs::path scratch(const std::string& name) {
    const auto dir = fs::temp_directory_path() / ("ctnn_keras_test_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}
std::string read_raw(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}
void write_raw(const fs::path& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }
}  // namespace

TEST_CASE("Keras files of every layout load into the hand-written model, values as in the file") {
    net_t expected{make_model()};
    io::load_weights(expected, fixtures / "expected.npz");
    for (const char* file : {"model.keras", "tf_keras.keras", "keras2.h5", "keras3_legacy.h5", "save_weights.h5"}) {
        CAPTURE(file);
        net_t net{make_model(), 5};
        io::load_keras_weights(net, fixtures / file);
        CHECK(all_values(net) == all_values(expected));
        const auto loaded = io::load_keras_network(make_model(), fixtures / file);
        CHECK(all_values(loaded) == all_values(expected));
    }
}

TEST_CASE("a Keras file that differs from the model is refused with every mismatch, one line each") {
    const std::string f = fixtures.string() + "/";
    check_refused(fixtures / "mismatch.h5",
                  f + "mismatch.h5: layer 'conv_a' weight 'kernel' has shape (3, 3, 3, 5), the model expects (3, 3, 3, 4)\n" +
                  f + "mismatch.h5: layer 'bn_a' weight 'gamma' has dtype float64, the model expects float32\n" +
                  f + "mismatch.h5: layer 'conv_b' is missing from the file (the model expects kernel (1, 1, 4, 6))\n" +
                  f + "mismatch.h5: layer 'head' weight 'bias' is missing from the file (the model expects (3,); the layer has kernel (6, 3), scale (3,))\n" +
                  f + "mismatch.h5: layer 'head' weight 'scale' (3,) is in the file but not in the model\n" +
                  f + "mismatch.h5: layer 'extra' (kernel (2, 2), at 'model_weights/extra/extra') is in the file but not in the model");
    check_refused(fixtures / "mismatch.keras",
                  f + "mismatch.keras: layer 'conv_b' has 2 weights in the file (vars/0 (1, 1, 4, 6), vars/1 (6,)), the model expects 1 (kernel)\n" +
                  f + "mismatch.keras: layer 'head' weight 'kernel' has dtype float16, the model expects float32");
    check_refused(fixtures / "ambiguous.h5",
                  f + "ambiguous.h5: layer 'conv_a' is in the file 2 times, at 'model_weights/conv_a/conv_a' and "
                      "'model_weights/inner/conv_a': the model's layer names must pick one");
    check_refused(fixtures / "keras3.weights.h5",
                  f + "keras3.weights.h5: Keras 3's weights-only layout (layers/<class>_<n>/vars), which names no layer; "
                      "load the whole model's .keras file, or a legacy .h5, instead");
}

TEST_CASE("broken Keras files are refused with a message, never a crash") {
    const auto dir = scratch("broken");
    const std::string d = dir.string() + "/";
    check_refused(dir / "absent.keras", d + "absent.keras: cannot open (No such file or not readable)");
    write_raw(dir / "text.h5", "these are not weights\n");
    check_refused(dir / "text.h5", d + "text.h5: neither an HDF5 file (.h5) nor a zip archive (.keras)");
    check_refused(fixtures / "expected.npz", fixtures.string() + "/expected.npz: a zip archive without config.json, so not a .keras file");

    const std::string h5 = read_raw(fixtures / "keras2.h5");
    for (const std::size_t size : {h5.size() / 2, h5.size() - 1, std::size_t{600}}) {
        CAPTURE(size);
        write_raw(dir / "truncated.h5", h5.substr(0, size));
        net_t net{make_model(), 3};
        const auto before = all_values(net);
        const std::string eof = "truncated.h5: not a readable HDF5 file (truncated file: eof = " + std::to_string(size) + ",";
        CHECK_THROWS_WITH_AS(io::load_keras_weights(net, dir / "truncated.h5"), doctest::Contains(eof.c_str()), io::file_error);
        CHECK(all_values(net) == before);
    }
    const std::string keras = read_raw(fixtures / "model.keras");
    write_raw(dir / "truncated.keras", keras.substr(0, keras.size() / 2));
    check_refused(dir / "truncated.keras", d + "truncated.keras: truncated .keras archive: the file has " + std::to_string(keras.size() / 2) +
                                               " bytes, but member 'model.weights.h5' ends at byte 7964");
    write_raw(dir / "not_zip.keras", "PK\x03\x04 and then nothing a zip has");
    check_refused(dir / "not_zip.keras", d + "not_zip.keras: not a readable .keras archive (Not a zip archive)");
    std::string corrupt = keras;
    corrupt[keras.size() / 2] = static_cast<char>(corrupt[keras.size() / 2] ^ 0x5A);  // inside model.weights.h5
    write_raw(dir / "corrupt.keras", corrupt);
    check_refused(dir / "corrupt.keras", d + "corrupt.keras: 'model.weights.h5' is corrupt or truncated (CRC error)");
}
