// Image files for the FCN-8 example, through Debian's stb (libstb-dev): decoding PNG/JPEG,
// resizing and cropping to the network's input, and writing the class map as a colour PNG.
#pragma once

#include <stb_image.h>
#include <stb_image_resize.h>
#include <stb_image_write.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <ctnn/runtime/tensor.hpp>

namespace example {

/// Reads an image, scales its shorter side to the tensor's and centre-crops the rest, and
/// normalises pixels to [-1, 1] (as the course's FCN-8 lab does: x / 127.5 − 1).
template <class Shape>
ctnn::tensor<Shape> read_image(const std::string& path) {
    constexpr int height = Shape::value.height, width = Shape::value.width;
    static_assert(Shape::value.channels == 3, "images are read as RGB");
    int w = 0, h = 0, channels = 0;
    std::unique_ptr<unsigned char, void (*)(void*)> pixels(stbi_load(path.c_str(), &w, &h, &channels, 3), stbi_image_free);
    if (!pixels) throw std::runtime_error(path + ": cannot read image (" + stbi_failure_reason() + ")");

    const double scale = std::max(double(height) / h, double(width) / w);
    const int sw = std::max(width, int(w * scale + 0.5)), sh = std::max(height, int(h * scale + 0.5));
    std::vector<unsigned char> scaled(std::size_t(sw) * std::size_t(sh) * 3);
    if (!stbir_resize_uint8(pixels.get(), w, h, 0, scaled.data(), sw, sh, 0, 3))
        throw std::runtime_error(path + ": cannot resize image");

    ctnn::tensor<Shape> out(1);
    const int top = (sh - height) / 2, left = (sw - width) / 2;
    for (int y = 0; y != height; ++y)
        for (int x = 0; x != width; ++x)
            for (int c = 0; c != 3; ++c)
                out(0, y, x, c) = float(scaled[(std::size_t(y + top) * std::size_t(sw) + std::size_t(x + left)) * 3 + std::size_t(c)]) / 127.5f - 1.0f;
    return out;
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
        throw std::runtime_error(path + ": cannot write PNG");
}

}  // namespace example
