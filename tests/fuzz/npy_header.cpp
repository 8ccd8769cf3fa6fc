// libFuzzer harness: an .npy stream (magic, version, header, values) as a file from outside
// gives it. Only io::file_error may come out, and nothing may be allocated beyond the limits.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/io/npy.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace io = ctnn::io;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    // Small limits: the run's -malloc_limit_mb then catches any allocation that escapes them.
    const io::limits bounds{.max_array_bytes = 1 << 20, .max_header_bytes = 10000};
    try {
        std::size_t header_bytes = 0;
        const io::npy_header h = io::parse_npy(bytes, "fuzz.npy", header_bytes, bounds);
        io::require_float32(h, "fuzz.npy", bounds);
        io::require_size(h, size - header_bytes, "fuzz.npy");
        std::vector<float> stored(static_cast<std::size_t>(h.count())), values(stored.size());
        if (!stored.empty()) std::memcpy(stored.data(), data + header_bytes, stored.size() * sizeof(float));
        if (h.fortran_order) io::fortran_to_c(stored.data(), values.data(), h.shape);
    } catch (const io::file_error&) {
    }
    return 0;
}
