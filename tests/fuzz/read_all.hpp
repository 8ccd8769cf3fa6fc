// What the .npz harnesses do with an archive: open it and read every array, as loading weights
// does. Only io::file_error may come out.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/io/npz.hpp>

#include <cstddef>
#include <span>
#include <vector>

namespace ctnn::fuzz {

/// Small limits: the run's -malloc_limit_mb then catches any allocation that escapes them.
inline constexpr io::limits bounds{.max_array_bytes = 1 << 20, .max_header_bytes = 10000};

inline void read_all(std::span<const std::byte> archive) {
    try {
        const io::npz_reader file(archive, "fuzz.npz", bounds);
        for (const auto& key : file.keys()) {
            try {
                std::vector<float> values(static_cast<std::size_t>(file.header(key).count()));
                file.read(key, values);
            } catch (const io::file_error&) {
                // one bad array: the others are still read, as more of the reader is reached
            }
        }
    } catch (const io::file_error&) {
    }
}

}  // namespace ctnn::fuzz
