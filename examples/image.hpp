// Image files for the examples (fcn8, classify, text_detection), through Debian's stb
// (libstb-dev): decoding PNG/JPEG, resizing and cropping to a network's input, and writing a
// class map as a PNG.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <stb_image.h>
#include <stb_image_resize.h>
#include <stb_image_write.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <ctnn/runtime/tensor.hpp>

namespace example {

/// Bounds on an image, checked before its pixels are decoded, so that a file claiming 10^5 × 10^5
/// pixels is refused with this limit stated instead of asking for 30 GB. 64 megapixels (192 MB
/// of RGB) is more than any camera's photo needs for a 224 × 224 input.
inline constexpr std::uint64_t max_image_pixels = std::uint64_t{1} << 26;
/// Bytes of an image file: no PNG or JPEG of max_image_pixels needs more.
inline constexpr std::uint64_t max_image_file_bytes = std::uint64_t{1} << 28;

/// The bytes of the file at `path`, or a message saying whether it is missing or unreadable.
inline std::string read_file(const std::string& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(status)) throw std::runtime_error(path + ": no such file");
    if (std::filesystem::is_directory(status)) throw std::runtime_error(path + ": is a directory, not an image");
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
    if (!file) throw std::runtime_error(path + ": cannot read the file (" + std::strerror(errno) + ")");
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) throw std::runtime_error(path + ": cannot read the file (" + ec.message() + ")");
    if (size > max_image_file_bytes)
        throw std::runtime_error(path + ": " + std::to_string(size) + " bytes, more than the limit of " +
                                 std::to_string(max_image_file_bytes) + " for an image (example::max_image_file_bytes)");
    std::string bytes(static_cast<std::size_t>(size), '\0');
    if (std::fread(bytes.data(), 1, bytes.size(), file.get()) != bytes.size())
        throw std::runtime_error(path + ": cannot read the file (" + std::strerror(errno) + ")");
    return bytes;
}

namespace detail {
inline std::uint64_t byte_at(std::string_view b, std::size_t i) { return static_cast<unsigned char>(b[i]); }
inline std::uint64_t be16_at(std::string_view b, std::size_t i) { return byte_at(b, i) << 8 | byte_at(b, i + 1); }

/// Calls visit(marker, body) for each marker segment of a JPEG, the ones between scans too, and
/// returns false if the markers do not chain up to the end of the image (or of the data).
template <class Visit>
bool for_each_jpeg_segment(std::string_view b, Visit visit) {
    std::size_t at = 2;  // after SOI
    while (at + 2 <= b.size()) {
        if (byte_at(b, at) != 0xFF) return false;
        const auto marker = byte_at(b, at + 1);
        if (marker == 0xFF) {  // fill byte
            ++at;
            continue;
        }
        if (marker == 0xD9) return true;  // EOI
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {  // no length
            at += 2;
            continue;
        }
        if (at + 4 > b.size()) return false;
        const auto length = be16_at(b, at + 2);
        if (length < 2 || at + 2 + length > b.size()) return false;
        visit(marker, b.substr(at + 4, length - 2));
        at += 2 + length;
        if (marker == 0xDA)  // entropy-coded data, up to a marker other than a stuffed 00 or a restart
            while (at + 1 < b.size() && !(byte_at(b, at) == 0xFF && byte_at(b, at + 1) != 0 &&
                                          (byte_at(b, at + 1) < 0xD0 || byte_at(b, at + 1) > 0xD7)))
                ++at;
    }
    return at >= b.size() - 1;  // the data may end inside the last scan: stb decodes what is there
}

/// Calls visit(at, type, length) for each chunk of a PNG (length, type, data, CRC) from offset
/// `at`, as long as it returns true, up to IEND or the end of the data. `length` is what the
/// chunk claims and may run past the data (png_refusal checks it); the walk then ends there.
template <class Visit>
void for_each_png_chunk(std::string_view b, Visit visit) {
    for (std::size_t at = 8; at + 8 <= b.size();) {
        const std::uint64_t length = be16_at(b, at) << 16 | be16_at(b, at + 2);
        const std::string_view type = b.substr(at + 4, 4);
        if (!visit(at, type, length) || type == "IEND") return;
        at += 12 + length;
    }
}
}  // namespace detail

/// The width and height a PNG or JPEG header claims, read here rather than by stb, which refuses
/// images over 2^30 bytes with "unknown image type" and says nothing of their size. {0, 0} if
/// the header is not found (stb then says what is wrong).
inline std::array<std::uint64_t, 2> claimed_size(std::string_view bytes) {
    if (bytes.starts_with("\x89PNG\r\n\x1a\n")) {  // the first chunk is IHDR: width, height
        if (bytes.size() < 24 || bytes.substr(12, 4) != "IHDR") return {0, 0};
        return {detail::be16_at(bytes, 16) << 16 | detail::be16_at(bytes, 18), detail::be16_at(bytes, 20) << 16 | detail::be16_at(bytes, 22)};
    }
    std::array<std::uint64_t, 2> size{0, 0};
    detail::for_each_jpeg_segment(bytes, [&](std::uint64_t marker, std::string_view body) {
        // Start of frame (C0-CF but C4, C8, CC): precision, height, width.
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC && body.size() >= 5 && size[0] == 0)
            size = {detail::be16_at(body, 3), detail::be16_at(body, 1)};
    });
    return size;
}

/// Why stb (Debian's v2.27) must not see a PNG, or "". stb grows its buffer to an IDAT chunk's
/// claimed length before reading it, so a 30-byte file claiming a 1 GB chunk made it allocate
/// 2 GB (found by fuzzing): each chunk must fit in the bytes there are.
inline std::string png_refusal(std::string_view bytes) {
    std::string why;
    detail::for_each_png_chunk(bytes, [&](std::size_t at, std::string_view type, std::uint64_t length) {
        if (at + 12 + length <= bytes.size()) return true;
        why = "chunk '" + std::string(type) + "' claims " + std::to_string(length) + " bytes, but only " +
              std::to_string(bytes.size() - std::min(bytes.size(), at + 8)) + " follow";
        return false;
    });
    return why;
}

/// `bytes` without the empty IDAT chunks that come before the first IDAT with data, or nothing if
/// there are none. PNG allows empty IDATs; stb 2.27 copies such a chunk into its image-data buffer
/// before it has allocated one, memcpy(nullptr, ..., 0), which C leaves undefined (found by the
/// image fuzzer under UBSan). They hold nothing, so the image without them is the same image.
/// Call after png_refusal, which checks that every chunk fits in the bytes.
inline std::optional<std::string> png_without_leading_empty_idat(std::string_view bytes) {
    std::string kept;
    std::size_t copied = 0;  // bytes before `copied` are in `kept`, but for the dropped chunks
    detail::for_each_png_chunk(bytes, [&](std::size_t at, std::string_view type, std::uint64_t length) {
        if (type != "IDAT") return true;
        if (length != 0) return false;
        kept.append(bytes.substr(copied, at - copied));
        copied = at + 12;
        return true;
    });
    if (copied == 0) return std::nullopt;
    kept.append(bytes.substr(copied));
    return kept;
}

/// Why stb (Debian's v2.27) must not see a JPEG, or "". Its Huffman tables hold at most 256
/// codes, and v2.27 writes past them when a table declares more (found by fuzzing; stb 2.28
/// checks it); and it decodes a scan with a table no DHT defined, reading past its values
/// (found by fuzzing too: a table never filled in maps codes to symbols beyond 256). The checks
/// are here, where the JPEG's structure is walked anyway.
inline std::string jpeg_refusal(std::string_view bytes) {
    std::string why;
    bool defined[2][4] = {};  // [DC, AC][table id]
    bool progressive = false;
    const bool chained = detail::for_each_jpeg_segment(bytes, [&](std::uint64_t marker, std::string_view body) {
        if (marker == 0xC2) progressive = true;
        if (marker == 0xDA && why.empty() && !body.empty()) {  // SOS: components, each with its DC and AC tables; then Ss
            const std::size_t n = detail::byte_at(body, 0);
            if (body.size() < 2 + 2 * n) return;  // stb refuses a short SOS itself
            const bool dc_used = !progressive || detail::byte_at(body, 1 + 2 * n) == 0, ac_used = !progressive || !dc_used;
            for (std::size_t k = 0; k != n && why.empty(); ++k) {
                const auto tables = detail::byte_at(body, 2 + 2 * k), dc = tables >> 4, ac = tables & 15;
                if (dc_used && dc < 4 && !defined[0][dc]) why = "a scan uses DC Huffman table " + std::to_string(dc) + ", which no DHT before it defines";
                if (ac_used && ac < 4 && !defined[1][ac] && why.empty())
                    why = "a scan uses AC Huffman table " + std::to_string(ac) + ", which no DHT before it defines";
            }
        }
        if (marker != 0xC4) return;  // DHT: tables of (class/id, 16 counts, the codes' values)
        while (!body.empty() && why.empty()) {
            // stb reads a table's 16 counts whatever the segment's length says: counts cut short
            // by the segment's end are read from the next segment, and can sum past 256 (found by
            // the image fuzzer: 98 counted here, 549 read by stb).
            if (body.size() < 17) {
                why = "a Huffman table's 16 code counts run past the end of its DHT segment";
                break;
            }
            const auto table = detail::byte_at(body, 0);
            if (table >> 4 < 2 && (table & 15) < 4) defined[table >> 4][table & 15] = true;
            std::uint64_t codes = 0;
            for (std::size_t i = 1; i != 17 && i < body.size(); ++i) codes += detail::byte_at(body, i);
            if (codes > 256) why = "a Huffman table of " + std::to_string(codes) + " codes, more than JPEG's 256";
            body.remove_prefix(std::min<std::size_t>(body.size(), 17 + codes));
        }
    });
    if (!chained && why.empty()) why = "its markers do not chain up";
    return why;
}

/// An image as decoded: rows of RGB bytes, top to bottom.
struct rgb_image {
    int width = 0, height = 0;
    std::vector<unsigned char> pixels;  // width·height·3
};

/// Decodes a PNG or JPEG image held in `bytes` (named `where` in messages) into RGB bytes. Only PNG
/// and JPEG reach stb: its other decoders (GIF, PSD, HDR, PIC, PNM, TGA, BMP) are not what the
/// examples promise, and are more surface for a file from outside.
inline rgb_image decode_rgb(std::string_view bytes, const std::string& where, std::uint64_t max_pixels = max_image_pixels) {
    const bool png = bytes.starts_with("\x89PNG\r\n\x1a\n"), jpeg = bytes.starts_with("\xFF\xD8\xFF");
    if (!png && !jpeg) throw std::runtime_error(where + ": cannot decode: not a PNG or JPEG image");
    if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw std::runtime_error(where + ": cannot decode: too many bytes");
    const auto undecodable = [&] { return std::runtime_error(where + ": cannot decode the " + (png ? "PNG" : "JPEG") + " image (" + stbi_failure_reason() + ")"); };

    const auto check_pixels = [&](std::uint64_t w, std::uint64_t h) {
        if (w * h > max_pixels)
            throw std::runtime_error(where + ": " + std::to_string(w) + " × " + std::to_string(h) + " pixels, more than the limit of " +
                                     std::to_string(max_pixels) + " (example::max_image_pixels)");
    };
    const auto [claimed_w, claimed_h] = claimed_size(bytes);
    check_pixels(claimed_w, claimed_h);
    if (const std::string why = png ? png_refusal(bytes) : jpeg_refusal(bytes); !why.empty())
        throw std::runtime_error(where + ": cannot decode the " + (png ? "PNG" : "JPEG") + " image (" + why + ")");
    const std::optional<std::string> rewritten = png ? png_without_leading_empty_idat(bytes) : std::nullopt;
    if (rewritten) bytes = *rewritten;
    const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
    const int length = static_cast<int>(bytes.size());
    int w = 0, h = 0, channels = 0;
    if (!stbi_info_from_memory(data, length, &w, &h, &channels)) throw undecodable();
    check_pixels(std::uint64_t(w), std::uint64_t(h));  // in case stb reads a header claimed_size did not
    std::unique_ptr<unsigned char, void (*)(void*)> pixels(stbi_load_from_memory(data, length, &w, &h, &channels, 3), stbi_image_free);
    if (!pixels) throw undecodable();
    rgb_image image{w, h, {}};
    image.pixels.assign(pixels.get(), pixels.get() + std::size_t(w) * std::size_t(h) * 3);
    return image;
}

/// Decodes a PNG or JPEG image held in `bytes` (see decode_rgb) into `height` × `width` RGB bytes
/// (row-major, RGB interleaved): the centre of the image with that aspect ratio, resized by
/// stb_image_resize's default filters (Mitchell when shrinking, Catmull-Rom when enlarging).
inline std::vector<unsigned char> decode_rgb_centre(std::string_view bytes, const std::string& where, int height, int width,
                                                    std::uint64_t max_pixels = max_image_pixels) {
    const rgb_image image = decode_rgb(bytes, where, max_pixels);
    const int w = image.width, h = image.height;
    // The crop comes first, so that an image of extreme aspect ratio (1 × 16384) never scales to
    // a huge intermediate.
    const double scale = std::max(double(height) / h, double(width) / w);
    const int crop_w = std::clamp(int(width / scale + 0.5), 1, w), crop_h = std::clamp(int(height / scale + 0.5), 1, h);
    const int left = (w - crop_w) / 2, top = (h - crop_h) / 2;
    std::vector<unsigned char> scaled(std::size_t(width) * std::size_t(height) * 3);
    if (!stbir_resize_uint8(image.pixels.data() + (std::size_t(top) * std::size_t(w) + std::size_t(left)) * 3, crop_w, crop_h, w * 3,
                            scaled.data(), width, height, 0, 3))
        throw std::runtime_error(where + ": cannot resize the image");
    return scaled;
}

/// decode_rgb_centre to the tensor's size, pixels normalised to [-1, 1] (as the course's FCN-8
/// lab does: x / 127.5 − 1).
template <class Shape>
ctnn::tensor<Shape> decode_image(std::string_view bytes, const std::string& where, std::uint64_t max_pixels = max_image_pixels) {
    constexpr int height = Shape::value.height, width = Shape::value.width;
    static_assert(Shape::value.channels == 3, "images are read as RGB");
    const std::vector<unsigned char> scaled = decode_rgb_centre(bytes, where, height, width, max_pixels);
    ctnn::tensor<Shape> out(1);
    for (int y = 0; y != height; ++y)
        for (int x = 0; x != width; ++x)
            for (int c = 0; c != 3; ++c)
                out(0, y, x, c) = float(scaled[(std::size_t(y) * std::size_t(width) + std::size_t(x)) * 3 + std::size_t(c)]) / 127.5f - 1.0f;
    return out;
}

/// Reads an image file: see decode_image. Says whether the file is missing, unreadable or
/// undecodable, with its path.
template <class Shape>
ctnn::tensor<Shape> read_image(const std::string& path) {
    return decode_image<Shape>(read_file(path), path);
}

/// A distinct colour for each of up to 21 classes.
inline std::array<unsigned char, 3> class_colour(int k) {
    static constexpr unsigned char palette[21][3] = {
        {0, 0, 0},       {128, 0, 0},   {0, 128, 0},   {128, 128, 0}, {0, 0, 128},   {128, 0, 128}, {0, 128, 128},
        {128, 128, 128}, {64, 0, 0},    {192, 0, 0},   {64, 128, 0},  {192, 128, 0}, {64, 0, 128},  {192, 0, 128},
        {64, 128, 128},  {192, 128, 128}, {0, 64, 0},  {128, 64, 0},  {0, 192, 0},   {128, 192, 0}, {0, 64, 128}};
    const auto& p = palette[k % 21];
    return {p[0], p[1], p[2]};
}

/// Writes an H×W class map (one class index per pixel) as a colour-coded PNG.
inline void write_class_map(const std::string& path, const std::vector<int>& classes, int height, int width) {
    std::vector<unsigned char> rgb(classes.size() * 3);
    for (std::size_t i = 0; i != classes.size(); ++i) {
        const auto c = class_colour(classes[i]);
        std::copy(c.begin(), c.end(), rgb.begin() + std::ptrdiff_t(i * 3));
    }
    if (!stbi_write_png(path.c_str(), width, height, 3, rgb.data(), width * 3))
        throw std::runtime_error(path + ": cannot write PNG (" + std::strerror(errno) + ")");
}

}  // namespace example
