// libFuzzer harness: .npz archives built from fuzzer-chosen members (names, .npy versions and
// headers, values, stored or deflated), each a valid zip with right CRCs, so that mutations
// reach the .npy headers inside instead of stopping at the zip layer's checks.
// SPDX-License-Identifier: BSL-1.0
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "../support/zip_builder.hpp"
#include "read_all.hpp"

namespace {
/// An .npy member: either a well-formed header around a fuzzed shape, or fuzzed header text.
std::string npy_member(FuzzedDataProvider& in) {
    std::string dict;
    if (in.ConsumeBool()) {
        dict = std::string("{'descr': '") + in.PickValueInArray({"<f4", "|f4", ">f4", "<f8", "<i4"}) +
               "', 'fortran_order': " + (in.ConsumeBool() ? "True" : "False") + ", 'shape': (";
        const int rank = in.ConsumeIntegralInRange(0, 5);
        for (int a = 0; a != rank; ++a) dict += std::to_string(in.ConsumeIntegralInRange<std::int64_t>(0, 1 << 12)) + ", ";
        dict += "), }";
    } else {
        dict = in.ConsumeRandomLengthString(256);
    }
    const std::uint8_t version = in.PickValueInArray<std::uint8_t>({1, 2, 3, 4});
    std::string out("\x93NUMPY", 6);
    out += static_cast<char>(version);
    out += '\0';
    const auto length = in.ConsumeBool() ? dict.size() : in.ConsumeIntegral<std::uint32_t>();
    for (int i = 0; i != (version == 1 ? 2 : 4); ++i) out += static_cast<char>(length >> (8 * i));
    out += dict;
    return out + in.ConsumeRandomLengthString(4096);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    std::vector<ctnn::test::zip_member> members;
    const int count = in.ConsumeIntegralInRange(1, 4);
    for (int i = 0; i != count; ++i) {
        std::string name = in.ConsumeRandomLengthString(24);
        if (in.ConsumeBool()) name += ".npy";
        const bool deflate = in.ConsumeBool();
        members.push_back({name, npy_member(in), deflate});
    }
    std::string archive;
    try {
        archive = ctnn::test::make_zip(members);
    } catch (const std::runtime_error&) {
        return 0;  // libzip refused the names (e.g. twice the same): nothing to read
    }
    ctnn::fuzz::read_all(std::as_bytes(std::span(archive.data(), archive.size())));
    return 0;
}
