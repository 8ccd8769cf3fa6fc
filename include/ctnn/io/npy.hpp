// The NumPy .npy format (versions 1.0 to 3.0), for float32 arrays in C order: the arrays of
// weight files and of the example's --input and --save-output.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <ctnn/runtime/tensor.hpp>

namespace ctnn::io {

/// A file that cannot be read as what it should be. The message names the file, the array and
/// what was expected against what was found.
class file_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Bounds on what a file may make ctnn allocate, checked before anything is allocated, so that a
/// file from outside (a user's upload) cannot ask for more memory than these. Each message that
/// enforces one names it. Raise them for models with larger arrays.
struct limits {
    /// Bytes of one array's values: 2 GiB, five times FCN-8's largest array (fc6's 411 MB kernel).
    std::size_t max_array_bytes = std::size_t{1} << 31;
    /// Bytes of an .npy header: NumPy's own reader refuses more than 10000 (numpy.lib.format).
    std::size_t max_header_bytes = 10000;
};

/// What an .npy header says.
struct npy_header {
    std::string descr;  // e.g. "<f4"
    bool fortran_order = false;
    std::vector<std::int64_t> shape;

    /// Elements the shape holds, or -1 if that does not fit in 2^62.
    std::int64_t count() const {
        std::int64_t n = 1;
        for (auto d : shape) {
            if (d < 0 || (d != 0 && n > (std::int64_t{1} << 62) / d)) return -1;
            n *= d;
        }
        return n;
    }
};

/// "(3, 4)" as NumPy writes shapes; "()" for a scalar and "(5,)" for one axis.
inline std::string shape_text(const std::vector<std::int64_t>& shape) {
    std::string s = "(";
    for (std::size_t i = 0; i != shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + (shape.size() == 1 ? ",)" : ")");
}

namespace detail {
inline constexpr std::string_view npy_magic{"\x93NUMPY", 6};

/// A tiny parser for the header's Python dict literal, which NumPy writes as
/// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }.
class dict_parser {
public:
    explicit dict_parser(std::string_view text) : s_(text) {}

    npy_header parse() {
        npy_header h;
        bool descr = false, order = false, shape = false;
        expect('{');
        while (skip_space(), peek() != '}') {
            const std::string key = quoted();
            expect(':');
            if (key == "descr") h.descr = quoted(), descr = true;
            else if (key == "fortran_order") h.fortran_order = boolean(), order = true;
            else if (key == "shape") h.shape = tuple(), shape = true;
            else fail("unknown key '" + key + "'");
            skip_space();
            if (peek() == ',') ++pos_;
        }
        if (!descr || !order || !shape) fail("it lacks 'descr', 'fortran_order' or 'shape'");
        return h;
    }

private:
    [[noreturn]] void fail(const std::string& why) { throw std::invalid_argument(why); }
    void skip_space() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
    }
    char peek() {
        if (pos_ >= s_.size()) fail("it ends early");
        return s_[pos_];
    }
    void expect(char c) {
        skip_space();
        if (peek() != c) fail(std::string("expected '") + c + "'");
        ++pos_;
    }
    std::string quoted() {
        skip_space();
        const char q = peek();
        if (q != '\'' && q != '"') fail("expected a string");
        const auto end = s_.find(q, pos_ + 1);
        if (end == std::string_view::npos) fail("a string is not closed");
        std::string out(s_.substr(pos_ + 1, end - pos_ - 1));
        pos_ = end + 1;
        return out;
    }
    bool boolean() {
        skip_space();
        if (s_.substr(pos_, 4) == "True") return pos_ += 4, true;
        if (s_.substr(pos_, 5) == "False") return pos_ += 5, false;
        fail("expected True or False");
    }
    std::vector<std::int64_t> tuple() {
        expect('(');
        std::vector<std::int64_t> out;
        while (skip_space(), peek() != ')') {
            std::int64_t v = 0;
            const auto first = pos_;
            while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
                if (v > (std::numeric_limits<std::int64_t>::max() - 9) / 10) fail("a dimension is too large");
                v = v * 10 + (s_[pos_++] - '0');
            }
            if (pos_ == first) fail("expected a dimension");
            out.push_back(v);
            skip_space();
            if (peek() == ',') ++pos_;
        }
        ++pos_;
        return out;
    }

    std::string_view s_;
    std::size_t pos_ = 0;
};
}  // namespace detail

/// Where an .npy header starts and how long it is, from the stream's first bytes (the magic, the
/// version and the header's length: 10 bytes, or 12 from version 2.0 on).
struct npy_prefix {
    std::size_t prefix = 0, length = 0;
    std::size_t total() const { return prefix + length; }
};

/// Reads the magic, the version and the header's length from `first` (at least the first 12
/// bytes of the stream, or all of it if shorter), and checks the length against the limit.
inline npy_prefix parse_npy_prefix(std::string_view first, const std::string& where, const limits& bounds = {}) {
    if (first.size() < 10 || first.substr(0, 6) != detail::npy_magic) throw file_error(where + ": not a NumPy .npy array");
    const auto byte = [&](std::size_t i) { return std::size_t{static_cast<unsigned char>(first[i])}; };
    npy_prefix p;
    const auto major = byte(6);
    if (major == 1) {
        p = {10, byte(8) | byte(9) << 8};
    } else if (major == 2 || major == 3) {
        if (first.size() < 12) throw file_error(where + ": truncated .npy header");
        p = {12, byte(8) | byte(9) << 8 | byte(10) << 16 | byte(11) << 24};
    } else {
        throw file_error(where + ": unsupported .npy version " + std::to_string(major));
    }
    if (p.length > bounds.max_header_bytes)
        throw file_error(where + ": .npy header of " + std::to_string(p.length) + " bytes, more than the limit of " +
                         std::to_string(bounds.max_header_bytes) + " (io::limits::max_header_bytes)");
    return p;
}

/// Parses the start of an .npy stream (magic, version, header) and returns the header and the
/// number of bytes it took. `where` names the file (and array) for messages.
inline npy_header parse_npy(std::string_view bytes, const std::string& where, std::size_t& header_bytes,
                            const limits& bounds = {}) {
    const npy_prefix p = parse_npy_prefix(bytes.substr(0, 12), where, bounds);
    if (bytes.size() < p.total()) throw file_error(where + ": truncated .npy header");
    header_bytes = p.total();
    try {
        return detail::dict_parser(bytes.substr(p.prefix, p.length)).parse();
    } catch (const std::invalid_argument& e) {
        throw file_error(where + ": unreadable .npy header (" + e.what() + ")");
    }
}

/// Checks that a header describes little-endian float32 data within the limit.
inline void require_float32(const npy_header& h, const std::string& where, const limits& bounds = {}) {
    if (h.descr != "<f4" && h.descr != "|f4")
        throw file_error(where + " has dtype '" + h.descr + "', expected float32 '<f4'");
    const std::int64_t count = h.count();
    if (count < 0) throw file_error(where + " has an impossibly large shape " + shape_text(h.shape));
    if (static_cast<std::uint64_t>(count) > bounds.max_array_bytes / sizeof(float))
        throw file_error(where + " has shape " + shape_text(h.shape) + ", " + std::to_string(static_cast<std::uint64_t>(count) * 4) +
                         " bytes of float32, more than the limit of " + std::to_string(bounds.max_array_bytes) +
                         " (io::limits::max_array_bytes)");
}

/// Reorders values stored in Fortran (column-major) order into C (row-major) order. NumPy stores
/// an array in Fortran order when it is laid out that way, as a permuted PyTorch 1×1 kernel
/// (`w.permute(2, 3, 1, 0).numpy()`) is: loading must not depend on how an export script made it.
inline void fortran_to_c(const float* src, float* dst, const std::vector<std::int64_t>& shape) {
    const std::size_t rank = shape.size();
    std::int64_t count = 1;
    for (auto d : shape) count *= d;
    if (count == 0) return;
    std::vector<std::int64_t> index(rank, 0), stride(rank, 1);  // Fortran strides
    for (std::size_t a = 1; a < rank; ++a) stride[a] = stride[a - 1] * shape[a - 1];
    std::int64_t offset = 0;
    for (std::int64_t i = 0; i != count; ++i) {
        dst[i] = src[offset];
        for (std::size_t a = rank; a-- > 0;) {  // next C-order index: the last axis moves fastest
            offset += stride[a];
            if (++index[a] < shape[a]) break;
            offset -= stride[a] * shape[a];
            index[a] = 0;
        }
    }
}

/// An .npy header for float32 C-order data of `shape` (version 1.0, padded to 64 bytes).
inline std::string format_npy_header(const std::vector<std::int64_t>& shape) {
    std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape_text(shape) + ", }";
    const std::size_t total = (10 + dict.size() + 1 + 63) / 64 * 64;
    dict.append(total - 10 - dict.size() - 1, ' ');
    dict += '\n';
    std::string out(detail::npy_magic);
    out += '\x01';
    out += '\x00';
    out += static_cast<char>(dict.size() & 0xFF);
    out += static_cast<char>(dict.size() >> 8);
    return out + dict;
}

/// A float32 array read whole: its shape and values.
struct array {
    std::vector<std::int64_t> shape;
    std::vector<float> values;
};

/// Checks that `data_bytes` bytes of data are exactly what the header's shape needs.
inline void require_size(const npy_header& h, std::size_t data_bytes, const std::string& where) {
    const auto needed = static_cast<std::size_t>(h.count()) * sizeof(float);
    if (data_bytes != needed)
        throw file_error(where + " holds " + std::to_string(data_bytes) + " bytes of data, but shape " + shape_text(h.shape) +
                         " needs " + std::to_string(needed) + (data_bytes < needed ? " (truncated)" : ""));
}

/// Reads an .npy file of float32 values. The header is read and checked first, so that the
/// values are allocated only once the file is known to hold exactly them, within the limit.
inline array read_npy(const std::filesystem::path& path, const limits& bounds = {}) {
    const std::string where = path.string();
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) throw file_error(where + ": cannot open");
    const auto file_bytes = static_cast<std::size_t>(in.tellg());
    in.seekg(0);
    const auto read = [&](char* out, std::size_t n) {
        if (!in.read(out, static_cast<std::streamsize>(n))) throw file_error(where + ": cannot read");
    };
    std::string head(std::min<std::size_t>(file_bytes, 12), '\0');
    read(head.data(), head.size());
    const npy_prefix p = parse_npy_prefix(head, where, bounds);
    if (file_bytes < p.total()) throw file_error(where + ": truncated .npy header");
    if (p.total() > head.size()) {
        const std::size_t got = head.size();
        head.resize(p.total());
        read(head.data() + got, p.total() - got);
    }
    std::size_t header_bytes = 0;
    const npy_header h = parse_npy(head, where, header_bytes, bounds);
    require_float32(h, where, bounds);
    require_size(h, file_bytes - header_bytes, where);
    in.seekg(static_cast<std::streamoff>(header_bytes));
    array a{h.shape, std::vector<float>(static_cast<std::size_t>(h.count()))};
    read(reinterpret_cast<char*>(a.values.data()), a.values.size() * sizeof(float));
    if (h.fortran_order) {
        const std::vector<float> stored = a.values;
        fortran_to_c(stored.data(), a.values.data(), h.shape);
    }
    return a;
}

/// Writes float32 values as an .npy file, through a temporary file renamed into place, so that a
/// failed write leaves any existing file as it was.
inline void write_npy(const std::filesystem::path& path, const std::vector<std::int64_t>& shape, std::span<const float> values) {
    const std::string where = path.string();
    auto temporary = path;
    temporary += ".partial";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        const std::string header = format_npy_header(shape);
        out.write(header.data(), static_cast<std::streamsize>(header.size()));
        out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(float)));
        if (!out) {
            std::error_code ignored;
            std::filesystem::remove(temporary, ignored);
            throw file_error(where + ": cannot write");
        }
    }
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    if (ec) throw file_error(where + ": cannot write (" + ec.message() + ")");
}

/// The NumPy shape of a batch of samples of shape `d`, as Keras gives a model's output:
/// (N, n) for vectors, (N, W, C) for rank 2, (N, H, W, C) for maps.
inline std::vector<std::int64_t> batch_shape(int batch, dims d) {
    std::vector<std::int64_t> shape{batch};
    if (d.rank >= 3) shape.push_back(d.height);
    if (d.rank >= 2) shape.push_back(d.width);
    shape.push_back(d.channels);
    return shape;
}

/// Writes a tensor as an .npy file of its batch shape (a model's output, for example).
template <class Shape>
void write_npy(const std::filesystem::path& path, const tensor<Shape>& t) {
    write_npy(path, batch_shape(t.batch(), Shape::value), {t.data(), t.size()});
}

}  // namespace ctnn::io
