// Image files for the FCN-8 example, through Debian's stb (libstb-dev): decoding PNG/JPEG,
// resizing and cropping to the network's input, and writing the class map as a colour PNG.
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

/// The width and height a PNG or JPEG header claims, read here rather than by stb, which refuses
/// images over 2^30 bytes with "unknown image type" and says nothing of their size. {0, 0} if
/// the header is not found (stb then says what is wrong).
inline std::array<std::uint64_t, 2> claimed_size(std::string_view bytes) {
    const auto byte = [&](std::size_t i) { return std::uint64_t{static_cast<unsigned char>(bytes[i])}; };
    const auto be16 = [&](std::size_t i) { return byte(i) << 8 | byte(i + 1); };
    if (bytes.starts_with("\x89PNG\r\n\x1a\n")) {  // the first chunk is IHDR: width, height
        if (bytes.size() < 24 || bytes.substr(12, 4) != "IHDR") return {0, 0};
        return {be16(16) << 16 | be16(18), be16(20) << 16 | be16(22)};
    }
    // JPEG: segments FF xx <length>, up to the start-of-frame (C0-CF but C4, C8, CC) holding
    // precision, height, width.
    for (std::size_t at = 2; at + 9 <= bytes.size(); at += 2 + be16(at + 2)) {
        if (byte(at) != 0xFF) return {0, 0};
        const auto marker = byte(at + 1);
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
            return {be16(at + 7), be16(at + 5)};
    }
    return {0, 0};
}

/// Decodes a PNG or JPEG image held in `bytes` (named `where` in messages), scales its shorter
/// side to the tensor's and centre-crops the rest, and normalises pixels to [-1, 1] (as the
/// course's FCN-8 lab does: x / 127.5 − 1). Only PNG and JPEG reach stb: its other decoders
/// (GIF, PSD, HDR, PIC, PNM, TGA, BMP) are not what the example promises, and are more surface
/// for a file from outside.
template <class Shape>
ctnn::tensor<Shape> decode_image(std::string_view bytes, const std::string& where, std::uint64_t max_pixels = max_image_pixels) {
    constexpr int height = Shape::value.height, width = Shape::value.width;
    static_assert(Shape::value.channels == 3, "images are read as RGB");
    const bool png = bytes.starts_with("\x89PNG\r\n\x1a\n"), jpeg = bytes.starts_with("\xFF\xD8\xFF");
    if (!png && !jpeg) throw std::runtime_error(where + ": cannot decode: not a PNG or JPEG image");
    if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw std::runtime_error(where + ": cannot decode: too many bytes");
    const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
    const int length = static_cast<int>(bytes.size());
    const auto undecodable = [&] { return std::runtime_error(where + ": cannot decode the " + (png ? "PNG" : "JPEG") + " image (" + stbi_failure_reason() + ")"); };

    const auto check_pixels = [&](std::uint64_t w, std::uint64_t h) {
        if (w * h > max_pixels)
            throw std::runtime_error(where + ": " + std::to_string(w) + " × " + std::to_string(h) + " pixels, more than the limit of " +
                                     std::to_string(max_pixels) + " (example::max_image_pixels)");
    };
    const auto [claimed_w, claimed_h] = claimed_size(bytes);
    check_pixels(claimed_w, claimed_h);
    int w = 0, h = 0, channels = 0;
    if (!stbi_info_from_memory(data, length, &w, &h, &channels)) throw undecodable();
    check_pixels(std::uint64_t(w), std::uint64_t(h));  // in case stb reads a header claimed_size did not
    std::unique_ptr<unsigned char, void (*)(void*)> pixels(stbi_load_from_memory(data, length, &w, &h, &channels, 3), stbi_image_free);
    if (!pixels) throw undecodable();

    // The centre of the image with the tensor's aspect ratio, resized to the tensor: the crop
    // comes first, so that an image of extreme aspect ratio (1 × 16384) never scales to a huge
    // intermediate.
    const double scale = std::max(double(height) / h, double(width) / w);
    const int crop_w = std::clamp(int(width / scale + 0.5), 1, w), crop_h = std::clamp(int(height / scale + 0.5), 1, h);
    const int left = (w - crop_w) / 2, top = (h - crop_h) / 2;
    std::vector<unsigned char> scaled(std::size_t(width) * std::size_t(height) * 3);
    if (!stbir_resize_uint8(pixels.get() + (std::size_t(top) * std::size_t(w) + std::size_t(left)) * 3, crop_w, crop_h, w * 3,
                            scaled.data(), width, height, 0, 3))
        throw std::runtime_error(where + ": cannot resize the image");

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
