// Builds zip archives in memory with libzip, for tests and fuzzers that need well-formed archives
// (right CRCs, consistent directory) around contents of their choosing: a fuzzer that only flips
// bytes of a whole archive is stopped by the CRC check before it reaches the .npy headers inside.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <zip.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ctnn::test {

struct zip_member {
    std::string name;
    std::string bytes;
    bool deflate = false;
};

/// The bytes of a zip archive holding `members`, in order.
inline std::string make_zip(const std::vector<zip_member>& members) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
    zip_t* archive = buffer != nullptr ? zip_open_from_source(buffer, ZIP_TRUNCATE, &error) : nullptr;
    zip_error_fini(&error);
    if (archive == nullptr) throw std::runtime_error("make_zip: cannot create an archive in memory");
    zip_source_keep(buffer);  // zip_close frees the archive's reference; the bytes are read after
    for (const auto& m : members) {
        zip_source_t* source = zip_source_buffer(archive, m.bytes.data(), m.bytes.size(), 0);
        const zip_int64_t index = source != nullptr ? zip_file_add(archive, m.name.c_str(), source, ZIP_FL_ENC_RAW) : -1;
        if (index < 0) {
            if (source != nullptr) zip_source_free(source);
            zip_discard(archive);
            zip_source_free(buffer);
            throw std::runtime_error("make_zip: cannot add member");
        }
        zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), m.deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 1);
    }
    if (zip_close(archive) != 0) {
        zip_discard(archive);
        zip_source_free(buffer);
        throw std::runtime_error("make_zip: cannot write the archive");
    }
    std::string out;
    zip_stat_t stat;
    if (zip_source_stat(buffer, &stat) == 0 && zip_source_open(buffer) == 0) {
        out.resize(static_cast<std::size_t>(stat.size));
        const zip_int64_t got = zip_source_read(buffer, out.data(), out.size());
        out.resize(got < 0 ? 0 : static_cast<std::size_t>(got));
        zip_source_close(buffer);
    }
    zip_source_free(buffer);
    return out;
}

}  // namespace ctnn::test
