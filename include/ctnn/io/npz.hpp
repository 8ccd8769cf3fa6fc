// NumPy .npz archives (np.savez and np.savez_compressed) of float32 arrays, through libzip:
// the weight files of ctnn models, keyed `<layer name>/kernel` and `<layer name>/bias`.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <zip.h>

#include <algorithm>
#include <cstdint>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <ctnn/io/npy.hpp>

namespace ctnn::io {

namespace detail {
/// Why a zip archive that libzip refuses is truncated, with the sizes, or "" if it does not look
/// truncated. Walks the members' local headers from the start, as the central directory at the
/// end is what a truncated file lacks. `read_at(offset, n)` returns up to n bytes at offset.
template <class ReadAt>
std::string zip_truncation(ReadAt read_at, std::uint64_t size) {
    const auto u16 = [](const std::string& b, std::size_t i) {
        return std::uint32_t{static_cast<unsigned char>(b[i])} | std::uint32_t{static_cast<unsigned char>(b[i + 1])} << 8;
    };
    const auto u32 = [&](const std::string& b, std::size_t i) { return u16(b, i) | u16(b, i + 2) << 16; };
    const std::string has = "the file has " + std::to_string(size) + " bytes";
    std::uint64_t offset = 0;
    for (;;) {
        const std::string local = read_at(offset, 30);
        if (local.size() < 4 || local.compare(0, 4, "PK\x03\x04", 4) != 0) break;
        if (local.size() < 30) return has + " and ends inside a member's header at byte " + std::to_string(offset);
        // Bit 3: sizes follow the data, so the next member cannot be found from here.
        // 0xFFFFFFFF: the size is in a zip64 field; these archives are not walked.
        const std::uint32_t compressed = u32(local, 18);
        if ((u16(local, 6) & 8) != 0 || compressed == 0xFFFFFFFF) return "";
        const std::uint32_t name_bytes = u16(local, 26), extra_bytes = u16(local, 28);
        const std::string member = read_at(offset + 30, name_bytes);
        const std::uint64_t end = offset + 30 + name_bytes + extra_bytes + compressed;
        if (end > size) return has + ", but member '" + member + "' ends at byte " + std::to_string(end);
        offset = end;
    }
    if (offset == 0) return "";  // not a zip archive at all
    if (offset >= size) return has + " and ends before the zip directory, which starts at byte " + std::to_string(offset);
    // A zip ends with its end-of-directory record: 22 bytes and a comment of up to 65535.
    const std::uint64_t tail_start = size > 65557 ? size - 65557 : 0;
    const std::string tail = read_at(tail_start, static_cast<std::size_t>(size - tail_start));
    const auto record = tail.rfind("PK\x05\x06");
    if (record == std::string::npos || record + 22 > tail.size())
        return has + " and ends inside the zip directory, which starts at byte " + std::to_string(offset);
    return "";
}

/// zip_truncation of the file at `path`.
inline std::string zip_file_truncation(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    const auto size = in ? static_cast<std::uint64_t>(in.tellg()) : 0;
    return zip_truncation(
        [&](std::uint64_t offset, std::size_t n) {
            std::string out(n, '\0');
            in.clear();
            in.seekg(static_cast<std::streamoff>(offset));
            in.read(out.data(), static_cast<std::streamsize>(n));
            out.resize(static_cast<std::size_t>(in.gcount()));
            return out;
        },
        size);
}
}  // namespace detail

/// Reads the arrays of an .npz archive one at a time, straight into the caller's memory: a
/// 540 MB weight file needs no second 540 MB to load. Nothing a file claims (an array's shape,
/// a member's size, a header's length) is allocated before it is checked against `limits`.
class npz_reader {
public:
    explicit npz_reader(const std::filesystem::path& path, const limits& bounds = {}) : name_(path.string()), limits_(bounds) {
        int error = 0;
        // ZIP_CHECKCONS: reject archives whose directory and entries disagree (truncation).
        zip_t* archive = zip_open(name_.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &error);
        if (archive == nullptr) {
            if (error == ZIP_ER_NOENT || error == ZIP_ER_OPEN) throw file_error(name_ + ": cannot open (" + error_text(error) + ")");
            refuse(error, detail::zip_file_truncation(path));
        }
        adopt(archive);
    }

    /// Reads an archive held in memory (e.g. a request's body), named `name` in messages. The
    /// bytes are not copied: they must outlive the reader.
    npz_reader(std::span<const std::byte> bytes, std::string name, const limits& bounds = {})
        : name_(std::move(name)), limits_(bounds) {
        zip_error_t error;
        zip_error_init(&error);
        zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
        zip_t* archive = source != nullptr ? zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error) : nullptr;
        const int code = zip_error_code_zip(&error);
        zip_error_fini(&error);
        if (archive == nullptr) {
            if (source != nullptr) zip_source_free(source);
            const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
            refuse(code, detail::zip_truncation(
                             [&](std::uint64_t offset, std::size_t n) {
                                 return std::string(text.substr(std::min<std::size_t>(offset, text.size()), n));
                             },
                             bytes.size()));
        }
        adopt(archive);
    }

    const std::string& name() const { return name_; }
    /// The array names, without NumPy's ".npy" suffix, in archive order.
    const std::vector<std::string>& keys() const { return keys_; }
    bool contains(const std::string& key) const { return std::find(keys_.begin(), keys_.end(), key) != keys_.end(); }

    /// The header of array `key`, checked to be float32.
    npy_header header(const std::string& key) const {
        member m = open(key);
        std::size_t header_bytes = 0;
        npy_header h = read_header(m, key, header_bytes);
        require_size(h, m.size - header_bytes, where(key));
        return h;
    }

    /// Reads array `key` into `out`, which must hold exactly its values. Reading to the end lets
    /// libzip check the member's CRC, so a corrupt archive is an error, never wrong weights.
    void read(const std::string& key, std::span<float> out) const {
        member m = open(key);
        std::size_t header_bytes = 0;
        const npy_header h = read_header(m, key, header_bytes);
        require_size(h, m.size - header_bytes, where(key));
        if (static_cast<std::size_t>(h.count()) != out.size())
            throw file_error(where(key) + " has " + std::to_string(h.count()) + " values, expected " + std::to_string(out.size()));
        if (h.fortran_order) {
            std::vector<float> stored(out.size());
            read_exactly(m, reinterpret_cast<char*>(stored.data()), stored.size() * sizeof(float), key);
            fortran_to_c(stored.data(), out.data(), h.shape);
        } else {
            read_exactly(m, reinterpret_cast<char*>(out.data()), out.size() * sizeof(float), key);
        }
        char extra = 0;
        if (zip_fread(m.file.get(), &extra, 1) != 0) throw file_error(where(key) + " is corrupt (" + last_error(m) + ")");
    }

private:
    struct close_archive {
        void operator()(zip_t* z) const { zip_discard(z); }
    };
    struct close_file {
        void operator()(zip_file_t* f) const { zip_fclose(f); }
    };
    struct member {
        std::unique_ptr<zip_file_t, close_file> file;
        std::size_t size;
    };

    static std::string error_text(int code) {
        zip_error_t e;
        zip_error_init_with_code(&e, code);
        std::string text = zip_error_strerror(&e);
        zip_error_fini(&e);
        return text;
    }

    [[noreturn]] void refuse(int code, const std::string& truncation) const {
        if (!truncation.empty()) throw file_error(name_ + ": truncated .npz archive: " + truncation);
        throw file_error(name_ + ": not a readable .npz archive (" + error_text(code) + ")");
    }

    void adopt(zip_t* archive) {
        archive_.reset(archive);
        const zip_int64_t entries = zip_get_num_entries(archive, 0);
        for (zip_int64_t i = 0; i < entries; ++i) {
            const char* member = zip_get_name(archive, static_cast<zip_uint64_t>(i), 0);
            std::string key = member != nullptr ? member : "";
            if (key.size() < 4 || key.compare(key.size() - 4, 4, ".npy") != 0)
                throw file_error(name_ + ": member '" + key + "' is not an .npy array");
            key.resize(key.size() - 4);
            keys_.push_back(key);
        }
    }

    std::string where(const std::string& key) const { return name_ + ": '" + key + "'"; }
    static std::string last_error(const member& m) { return zip_error_strerror(zip_file_get_error(m.file.get())); }

    member open(const std::string& key) const {
        const std::string path = key + ".npy";
        zip_stat_t stat;
        zip_stat_init(&stat);
        if (zip_stat(archive_.get(), path.c_str(), 0, &stat) != 0 || !(stat.valid & ZIP_STAT_SIZE))
            throw file_error(name_ + ": has no array '" + key + "'");
        // The directory's claim, before anything is read: what the member may make us allocate.
        const std::uint64_t most = std::uint64_t{limits_.max_array_bytes} + limits_.max_header_bytes + 12;
        if (stat.size > most)
            throw file_error(where(key) + " claims " + std::to_string(stat.size) + " bytes, more than the limit of " +
                             std::to_string(most) + " (io::limits::max_array_bytes + max_header_bytes)");
        zip_file_t* file = zip_fopen(archive_.get(), path.c_str(), 0);
        if (file == nullptr)
            throw file_error(where(key) + " cannot be read (" + zip_strerror(archive_.get()) + ")");
        return {std::unique_ptr<zip_file_t, close_file>(file), static_cast<std::size_t>(stat.size)};
    }

    void read_exactly(member& m, char* out, std::size_t bytes, const std::string& key) const {
        while (bytes > 0) {
            const zip_int64_t got = zip_fread(m.file.get(), out, bytes);
            if (got < 0) throw file_error(where(key) + " is corrupt (" + last_error(m) + ")");
            if (got == 0) throw file_error(where(key) + " is truncated");
            out += got;
            bytes -= static_cast<std::size_t>(got);
        }
    }

    npy_header read_header(member& m, const std::string& key, std::size_t& header_bytes) const {
        std::string head(std::min<std::size_t>(m.size, 12), '\0');
        read_exactly(m, head.data(), head.size(), key);
        const npy_prefix p = parse_npy_prefix(head, where(key), limits_);
        if (p.total() > m.size) throw file_error(where(key) + " is truncated");
        if (p.total() > head.size()) {
            const std::size_t got = head.size();
            head.resize(p.total());
            read_exactly(m, head.data() + got, p.total() - got, key);
        }
        npy_header h = parse_npy(head, where(key), header_bytes, limits_);
        require_float32(h, where(key), limits_);
        return h;
    }

    std::string name_;
    limits limits_;
    std::unique_ptr<zip_t, close_archive> archive_;
    std::vector<std::string> keys_;
};

/// One array to write: its key, shape and values (not copied).
struct npz_entry {
    std::string key;
    std::vector<std::int64_t> shape;
    std::span<const float> values;
};

/// Writes an uncompressed .npz archive, as np.savez does. libzip writes to a temporary file and
/// renames it over `path` only when everything is written, so a failed save leaves an existing
/// file as it was.
inline void write_npz(const std::filesystem::path& path, std::span<const npz_entry> entries) {
    const std::string name = path.string();
    int error = 0;
    zip_t* archive = zip_open(name.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (archive == nullptr) throw file_error(name + ": cannot write");
    std::vector<std::string> headers;
    headers.reserve(entries.size());
    auto fail = [&](const std::string& why) {
        const std::string message = name + ": cannot write (" + why + ")";
        zip_discard(archive);
        throw file_error(message);
    };
    for (const auto& e : entries) {
        headers.push_back(format_npy_header(e.shape));
        // The header and the values as two fragments of one member: nothing is copied.
        zip_buffer_fragment_t fragments[2] = {
            {reinterpret_cast<zip_uint8_t*>(headers.back().data()), headers.back().size()},
            {reinterpret_cast<zip_uint8_t*>(const_cast<float*>(e.values.data())), e.values.size() * sizeof(float)}};
        zip_source_t* source = zip_source_buffer_fragment(archive, fragments, 2, 0);
        if (source == nullptr) fail(zip_strerror(archive));
        const zip_int64_t index = zip_file_add(archive, (e.key + ".npy").c_str(), source, ZIP_FL_ENC_UTF_8);
        if (index < 0) {
            zip_source_free(source);
            fail(zip_strerror(archive));
        }
        zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
    }
    if (zip_close(archive) != 0) fail(zip_strerror(archive));
}

}  // namespace ctnn::io
