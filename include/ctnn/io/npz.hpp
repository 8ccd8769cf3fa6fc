// NumPy .npz archives (np.savez and np.savez_compressed) of float32 arrays, through libzip:
// the weight files of ctnn models, keyed `<layer name>/kernel` and `<layer name>/bias`.
#pragma once

#include <zip.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <ctnn/io/npy.hpp>

namespace ctnn::io {

/// Reads the arrays of an .npz archive one at a time, straight into the caller's memory: a
/// 540 MB weight file needs no second 540 MB to load.
class npz_reader {
public:
    explicit npz_reader(const std::filesystem::path& path) : name_(path.string()) {
        int error = 0;
        // ZIP_CHECKCONS: reject archives whose directory and entries disagree (truncation).
        zip_t* archive = zip_open(name_.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &error);
        if (archive == nullptr) {
            zip_error_t e;
            zip_error_init_with_code(&e, error);
            const std::string why = zip_error_strerror(&e);
            zip_error_fini(&e);
            if (error == ZIP_ER_NOENT || error == ZIP_ER_OPEN) throw file_error(name_ + ": cannot open (" + why + ")");
            throw file_error(name_ + ": not a readable .npz archive (" + why + ")");
        }
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

    std::string where(const std::string& key) const { return name_ + ": '" + key + "'"; }
    static std::string last_error(const member& m) { return zip_error_strerror(zip_file_get_error(m.file.get())); }

    member open(const std::string& key) const {
        const std::string path = key + ".npy";
        zip_stat_t stat;
        zip_stat_init(&stat);
        if (zip_stat(archive_.get(), path.c_str(), 0, &stat) != 0 || !(stat.valid & ZIP_STAT_SIZE))
            throw file_error(name_ + ": has no array '" + key + "'");
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
        if (head.size() < 10 || head.compare(0, 6, detail::npy_magic) != 0) throw file_error(where(key) + " is not a NumPy .npy array");
        std::size_t length = static_cast<unsigned char>(head[8]) | std::size_t{static_cast<unsigned char>(head[9])} << 8;
        std::size_t prefix = 10;
        if (head[6] != 1 && head.size() == 12) {
            length = 0;
            for (int i = 3; i >= 0; --i) length = length << 8 | static_cast<unsigned char>(head[8 + static_cast<std::size_t>(i)]);
            prefix = 12;
        }
        if (prefix + length > m.size) throw file_error(where(key) + " is truncated");
        std::string rest(prefix + length - head.size(), '\0');
        read_exactly(m, rest.data(), rest.size(), key);
        npy_header h = parse_npy(head + rest, where(key), header_bytes);
        require_float32(h, where(key));
        return h;
    }

    std::string name_;
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
