// Weight files: what NumPy writes loads (stored, compressed, Fortran order); save → load is
// bit-exact; every bad file throws a message naming the file, the array and what was expected
// against what was found — and leaves the network's weights as they were.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>
#include <ctnn/io/weights.hpp>

#include <doctest/doctest.h>

#include "../support/zip_builder.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <vector>

namespace {
using namespace ctnn;
namespace fs = std::filesystem;

const fs::path fixtures = fs::path(CTNN_TEST_SOURCE_DIR) / "fixtures" / "io";

constexpr auto make_model() {
    auto x = Input<shape<6, 6, 2>, name<"x">>{}();
    return Model{x, Conv2D<4, kernel_size<3>, name<"conv">>{}(x)};
}
using net_t = network<decltype(make_model())>;

/// A fresh directory for files a test writes.
fs::path scratch(const std::string& name) {
    const auto dir = fs::temp_directory_path() / ("ctnn_weights_test_" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

std::vector<float> copy(std::span<const float> s) { return {s.begin(), s.end()}; }

/// The kernel the fixtures hold: (i − 36) / 16 in C order over (3, 3, 2, 4).
void check_fixture_values(const net_t& net) {
    const auto kernel = net.values("conv", "kernel");
    REQUIRE(kernel.size() == 72);
    for (std::size_t i = 0; i != 72; ++i) CHECK(kernel[i] == (static_cast<float>(i) - 36.0f) / 16.0f);
    CHECK(copy(net.values("conv", "bias")) == std::vector<float>{0.5f, -1.0f, 2.0f, -2.5f});
}

/// Loading `path` must throw exactly `message` and change no weight.
void check_refused(const fs::path& path, const std::string& message) {
    net_t net{make_model(), 3};
    const auto before_kernel = copy(net.values(0)), before_bias = copy(net.values(1));
    CHECK_THROWS_WITH_AS(io::load_weights(net, path), message.c_str(), io::file_error);
    CHECK(copy(net.values(0)) == before_kernel);
    CHECK(copy(net.values(1)) == before_bias);
}

void write_raw(const fs::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}
/// An .npy file (version 1.0) with header `dict` and no data.
std::string npy_with_header(const std::string& dict) {
    return std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(dict.size() & 0xFF) + static_cast<char>(dict.size() >> 8) + dict;
}
std::string read_raw(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}
}  // namespace

TEST_CASE("archives written by np.savez and np.savez_compressed load, in C or Fortran order") {
    for (const char* file : {"stored.npz", "compressed.npz", "fortran_order.npz"}) {
        CAPTURE(file);
        net_t net{make_model()};
        io::load_weights(net, fixtures / file);
        check_fixture_values(net);
    }
    const auto a = io::read_npy(fixtures / "kernel.npy");
    CHECK(a.shape == std::vector<std::int64_t>{3, 3, 2, 4});
    CHECK(a.values[71] == (71.0f - 36.0f) / 16.0f);
}

TEST_CASE("save then load is bit-exact, and numpy's layout is kept") {
    const auto dir = scratch("roundtrip");
    const net_t saved{make_model(), 11};
    io::save_weights(saved, dir / "w.npz");
    net_t loaded{make_model(), 12};
    io::load_weights(loaded, dir / "w.npz");
    CHECK(copy(loaded.values(0)) == copy(saved.values(0)));
    CHECK(copy(loaded.values(1)) == copy(saved.values(1)));
    const io::npz_reader file(dir / "w.npz");
    CHECK(file.keys() == std::vector<std::string>{"conv/kernel", "conv/bias"});
    CHECK(file.header("conv/kernel").shape == std::vector<std::int64_t>{3, 3, 2, 4});

    const auto network_file = io::load_network(make_model(), dir / "w.npz");
    CHECK(copy(network_file.values(0)) == copy(saved.values(0)));
}

TEST_CASE("a failed save leaves the existing file as it was") {
    const auto dir = scratch("failed_save");
    const net_t net{make_model(), 5};
    io::save_weights(net, dir / "w.npz");
    const auto before = read_raw(dir / "w.npz");
    CHECK_THROWS_AS(io::save_weights(net, dir / "missing_directory" / "w.npz"), io::file_error);
    CHECK(read_raw(dir / "w.npz") == before);
}

TEST_CASE("bad weight files are refused with a precise message, the model untouched") {
    const auto dir = scratch("bad");
    const std::string d = dir.string() + "/", f = fixtures.string() + "/";
    check_refused(fixtures / "float64.npz", f + "float64.npz: 'conv/kernel' has dtype '<f8', expected float32 '<f4'");
    check_refused(fixtures / "int32.npz", f + "int32.npz: 'conv/kernel' has dtype '<i4', expected float32 '<f4'");
    check_refused(fixtures / "big_endian.npz", f + "big_endian.npz: 'conv/kernel' has dtype '>f4', expected float32 '<f4'");
    check_refused(fixtures / "empty.npz",
                  f + "empty.npz: missing array 'conv/kernel' (layer conv expects float32 (3, 3, 2, 4))");
    check_refused(dir / "absent.npz", d + "absent.npz: cannot open (No such file)");

    write_raw(dir / "text.npz", "these are not weights\n");
    check_refused(dir / "text.npz", d + "text.npz: not a readable .npz archive (Not a zip archive)");

    const std::string good = read_raw(fixtures / "stored.npz");
    write_raw(dir / "truncated.npz", good.substr(0, good.size() / 2));
    check_refused(dir / "truncated.npz", d + "truncated.npz: truncated .npz archive: the file has " +
                                             std::to_string(good.size() / 2) + " bytes, but member 'conv/kernel.npy' ends at byte 481");

    std::string corrupt = good;
    corrupt[200] = static_cast<char>(corrupt[200] ^ 0x5A);  // inside conv/kernel's values
    write_raw(dir / "corrupt.npz", corrupt);
    check_refused(dir / "corrupt.npz", d + "corrupt.npz: 'conv/kernel' is corrupt (CRC error)");

    const std::vector<float> k(72), b(4), wrong(3);
    io::write_npz(dir / "shape.npz", std::vector<io::npz_entry>{{"conv/kernel", {3, 3, 4, 2}, k}, {"conv/bias", {4}, b}});
    check_refused(dir / "shape.npz", d + "shape.npz: 'conv/kernel' has shape (3, 3, 4, 2), but layer conv expects (3, 3, 2, 4)");
    io::write_npz(dir / "bias.npz", std::vector<io::npz_entry>{{"conv/kernel", {3, 3, 2, 4}, k}, {"conv/bias", {3}, wrong}});
    check_refused(dir / "bias.npz", d + "bias.npz: 'conv/bias' has shape (3,), but layer conv expects (4,)");
    io::write_npz(dir / "extra.npz", std::vector<io::npz_entry>{
                                         {"conv/kernel", {3, 3, 2, 4}, k}, {"conv/bias", {4}, b}, {"dense/kernel", {4}, b}});
    check_refused(dir / "extra.npz", d + "extra.npz: array 'dense/kernel' matches no weight of the model");
    io::write_npz(dir / "missing.npz", std::vector<io::npz_entry>{{"conv/kernel", {3, 3, 2, 4}, k}});
    check_refused(dir / "missing.npz", d + "missing.npz: missing array 'conv/bias' (layer conv expects float32 (4,))");
}

TEST_CASE("bad .npy inputs are refused with a precise message") {
    const auto dir = scratch("npy");
    const std::string d = dir.string() + "/";
    write_raw(dir / "short.npy", read_raw(fixtures / "kernel.npy").substr(0, 200));
    CHECK_THROWS_WITH_AS(io::read_npy(dir / "short.npy"),
                         (d + "short.npy holds 72 bytes of data, but shape (3, 3, 2, 4) needs 288 (truncated)").c_str(),
                         io::file_error);
    write_raw(dir / "garbage.npy", npy_with_header("{'descr': 42}"));
    CHECK_THROWS_WITH_AS(io::read_npy(dir / "garbage.npy"),
                         (d + "garbage.npy: unreadable .npy header (expected a string)").c_str(), io::file_error);
    write_raw(dir / "huge.npy", npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }"));
    CHECK_THROWS_WITH_AS(io::read_npy(dir / "huge.npy"),
                         (d + "huge.npy has an impossibly large shape (4611686018427387904, 4)").c_str(), io::file_error);
}

namespace {
std::span<const std::byte> bytes_of(const std::string& s) { return std::as_bytes(std::span(s.data(), s.size())); }
/// Sets a zip's claimed uncompressed size of its first member, in its local header and in the
/// directory alike, so that the archive stays consistent and only the claim is big.
std::string claim_uncompressed_size(std::string zip, std::uint32_t size) {
    const auto put = [&](std::size_t at) {
        for (int i = 0; i != 4; ++i) zip[at + static_cast<std::size_t>(i)] = static_cast<char>(size >> (8 * i));
    };
    put(22);
    put(zip.find("PK\x01\x02") + 24);
    return zip;
}
}  // namespace

TEST_CASE("every read is bounded: a claim beyond io::limits is refused, naming the limit, before allocation") {
    const auto dir = scratch("limits");
    const std::string d = dir.string() + "/";
    const std::string trillion = "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }";
    const std::string too_big = "has shape (1000000, 1000000), 4000000000000 bytes of float32, more than the limit of "
                                "2147483648 (io::limits::max_array_bytes)";
    write_raw(dir / "trillion.npy", npy_with_header(trillion));
    CHECK_THROWS_WITH_AS(io::read_npy(dir / "trillion.npy"), (d + "trillion.npy " + too_big).c_str(), io::file_error);

    std::string long_header = npy_with_header(trillion);
    long_header[8] = '\x60', long_header[9] = '\xEA';  // claims a 60000-byte header
    write_raw(dir / "long_header.npy", long_header);
    CHECK_THROWS_WITH_AS(io::read_npy(dir / "long_header.npy"),
                         (d + "long_header.npy: .npy header of 60000 bytes, more than the limit of 10000 "
                              "(io::limits::max_header_bytes)").c_str(), io::file_error);

    const std::string in_zip = test::make_zip({{"conv/kernel.npy", npy_with_header(trillion)}});
    CHECK_THROWS_WITH_AS(io::npz_reader(bytes_of(in_zip), "upload.npz").header("conv/kernel"),
                         ("upload.npz: 'conv/kernel' " + too_big).c_str(), io::file_error);

    const std::string four_gb = claim_uncompressed_size(
        test::make_zip({{"conv/kernel.npy", read_raw(fixtures / "kernel.npy"), true}, {"conv/bias.npy", "", true}}), 0xFFFFFFF0);
    write_raw(dir / "four_gb.npz", four_gb);
    check_refused(dir / "four_gb.npz", d + "four_gb.npz: 'conv/kernel' claims 4294967280 bytes, more than the limit of "
                                           "2147493660 (io::limits::max_array_bytes + max_header_bytes)");

    const io::limits small{.max_array_bytes = 100};
    CHECK_THROWS_WITH_AS(io::read_npy(fixtures / "kernel.npy", small),
                         (fixtures.string() + "/kernel.npy has shape (3, 3, 2, 4), 288 bytes of float32, more than the "
                                              "limit of 100 (io::limits::max_array_bytes)").c_str(), io::file_error);
}

TEST_CASE("arrays of no elements read, as NumPy writes them") {
    // read_npy copied their values with memcpy from a null pointer (undefined behaviour, if a
    // harmless one), as the .npy fuzzer's harness showed by doing the same.
    const auto dir = scratch("empty_arrays");
    write_raw(dir / "empty.npy", npy_with_header("{'descr': '<f4', 'fortran_order': True, 'shape': (0, 3), }"));
    const auto a = io::read_npy(dir / "empty.npy");
    CHECK(a.shape == std::vector<std::int64_t>{0, 3});
    CHECK(a.values.empty());
    const std::string zip = test::make_zip({{"e.npy", read_raw(dir / "empty.npy")}});
    const io::npz_reader file(bytes_of(zip), "empty.npz");
    CHECK(file.header("e").count() == 0);
    file.read("e", {});
}

TEST_CASE("an archive in memory reads as its file does, and a truncated one says so with the sizes") {
    const std::string good = read_raw(fixtures / "stored.npz");
    const io::npz_reader file(bytes_of(good), "upload.npz");
    CHECK(file.keys() == std::vector<std::string>{"conv/kernel", "conv/bias"});
    std::vector<float> bias(4);
    file.read("conv/bias", bias);
    CHECK(bias == std::vector<float>{0.5f, -1.0f, 2.0f, -2.5f});

    const std::string half = good.substr(0, good.size() / 2);
    CHECK_THROWS_WITH_AS(io::npz_reader(bytes_of(half), "half.npz"),
                         ("half.npz: truncated .npz archive: the file has " + std::to_string(half.size()) +
                          " bytes, but member 'conv/kernel.npy' ends at byte 481").c_str(), io::file_error);
    const std::string no_directory = good.substr(0, good.find("PK\x01\x02"));
    CHECK_THROWS_WITH_AS(io::npz_reader(bytes_of(no_directory), "no_directory.npz"),
                         ("no_directory.npz: truncated .npz archive: the file has " + std::to_string(no_directory.size()) +
                          " bytes and ends before the zip directory, which starts at byte " +
                          std::to_string(no_directory.size())).c_str(), io::file_error);
    const std::string short_directory = good.substr(0, good.size() - 10);
    CHECK_THROWS_WITH_AS(io::npz_reader(bytes_of(short_directory), "short.npz"),
                         ("short.npz: truncated .npz archive: the file has " + std::to_string(short_directory.size()) +
                          " bytes and ends inside the zip directory, which starts at byte " +
                          std::to_string(no_directory.size())).c_str(), io::file_error);
}
