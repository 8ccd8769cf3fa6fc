// PaddleOCR's PP-OCRv4 text detector, a trained model, imported from its ONNX file at build time
// (scripts/ctnn-import writes ppocr_det/ppocr_det.hpp and its weights into the build
// directory), run on a photo or a rendered page: writes the text probability map and an overlay of
// the detected text regions.
//
//   text_detection --image in.png|jpg [--probability-map prob.png] [--overlay overlay.png]
//                  [--threshold T] [--weights W.npz] [--save-input x.npy] [--save-output y.npy]
//                  [--threads N] [--help]
//
// The preprocessing is PaddleOCR's (tools/infer/predict_det.py with DetResizeForTest's
// image_shape [640, 640]); the regions are its DB post-processing's, simplified to upright boxes.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>
#include <ctnn/io/npy.hpp>
#include <ctnn/io/weights.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "image.hpp"
#include "ppocr_det.hpp"

namespace {
constexpr auto model = imported::ppocr_det();
constexpr int side = 640;  // the input shape chosen at import: PaddleOCR's usual detector size
using input_shape = ctnn::shape<side, side, 3>;
static_assert(decltype(model)::output_shape == ctnn::shape<side, side, 1>{}, "one text probability per input pixel");

// PaddleOCR's NormalizeImage of predict_det.py: x·(1/255), minus mean, over std, applied to the
// channels of the image as cv2.imread gives it, which is B, G, R. So 0.485 is subtracted from
// blue, not from red as in torchvision's ImageNet convention with the same numbers.
constexpr std::array<float, 3> mean_bgr{0.485f, 0.456f, 0.406f};
constexpr std::array<float, 3> std_bgr{0.229f, 0.224f, 0.225f};
// DBPostProcess' defaults in PaddleOCR's tools/infer/utility.py: det_db_thresh, det_db_box_thresh,
// det_db_unclip_ratio; and its min_size, the shortest side of a box kept.
constexpr float default_threshold = 0.3f, box_threshold = 0.6f, unclip_ratio = 1.5f;
constexpr int min_size = 3;

struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct options {
    std::optional<std::string> image, probability_map, overlay, save_input, save_output;
    std::string weights = CTNN_TEXT_DETECTION_WEIGHTS;  // the importer's .npz, beside the header
    float threshold = default_threshold;
    int threads = ctnn::run_options{}.threads;
};

constexpr std::string_view options_table = R"(usage: text_detection --image in.png|jpg [options]

Finds text with PaddleOCR's PP-OCRv4 detector (imported from ONNX, 640x640x3).

  --image in.png|jpg      a photo or a page: resized to 640x640 (bilinear, aspect ratio not kept), BGR,
                          x/255, mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225) for B, G, R
  --probability-map P.png the model's output, 640x640, 0 to 255 for probability 0 to 1
  --overlay O.png         the image, text pixels (probability > T) tinted red, regions boxed in green
  --threshold T           text where the probability exceeds T (default 0.3, PaddleOCR's det_db_thresh)
  --weights W.npz         the model's weights (default: the importer's, in the build directory)
  --save-input x.npy      the preprocessed input, NHWC float32 (1, 640, 640, 3), BGR
  --save-output y.npy     the probability map, float32 (1, 640, 640, 1)
  --threads N             threads for the forward pass (default: all cores; at most 4 per hardware thread)
  --help                  this table
)";

int max_threads() { return 4 * std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::cout << options_table;
            std::exit(0);
        }
        if (!arg.starts_with("--")) throw usage_error("unexpected argument '" + std::string(arg) + "' (see --help)");
        if (i + 1 >= argc) throw usage_error(std::string(arg) + " needs a value");
        const std::string value = argv[++i];
        if (arg == "--image") o.image = value;
        else if (arg == "--probability-map") o.probability_map = value;
        else if (arg == "--overlay") o.overlay = value;
        else if (arg == "--weights") o.weights = value;
        else if (arg == "--save-input") o.save_input = value;
        else if (arg == "--save-output") o.save_output = value;
        else if (arg == "--threshold") {
            float t = 0;
            const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), t);
            if (error != std::errc{} || end != value.data() + value.size() || !(t > 0.0f && t < 1.0f))
                throw usage_error("--threshold takes a number between 0 and 1 (exclusive), not '" + value + "'");
            o.threshold = t;
        } else if (arg == "--threads") {
            int n = 0;
            const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (error != std::errc{} || end != value.data() + value.size() || n < 1 || n > max_threads())
                throw usage_error("--threads takes a whole number from 1 to " + std::to_string(max_threads()) + ", not '" + value + "'");
            o.threads = n;
        } else
            throw usage_error("unknown option '" + std::string(arg) + "' (see --help)");
    }
    if (!o.image) throw usage_error("--image is required (see --help)");
    return o;
}

/// Fails now, not after the forward pass, if `path` cannot be written; leaves no new file behind.
void check_writable(const std::string& path) {
    std::error_code ec;
    const bool existed = std::filesystem::exists(path, ec);
    std::FILE* file = std::fopen(path.c_str(), "ab");
    if (file == nullptr) throw ctnn::io::file_error(path + ": cannot write (" + std::strerror(errno) + ")");
    std::fclose(file);
    if (!existed) std::filesystem::remove(path, ec);
}

/// PaddleOCR's preprocessing of an RGB image. The resize is cv2.resize's default, INTER_LINEAR:
/// two taps per axis at source x = (x' + 0.5)·w/640 − 0.5, clamped to the image (no
/// antialiasing when shrinking, as OpenCV), rounded back to bytes as OpenCV's 8-bit result is
/// (OpenCV's fixed-point weights may round a byte the other way). Then B, G, R, normalised.
ctnn::tensor<input_shape> preprocess(const example::rgb_image& image) {
    ctnn::tensor<input_shape> x(1);
    const auto taps = [](int out, int in, int o) {
        const double s = std::clamp((o + 0.5) * in / out - 0.5, 0.0, double(in - 1));
        const int i0 = static_cast<int>(s);
        return std::tuple{i0, std::min(i0 + 1, in - 1), s - i0};
    };
    for (int y = 0; y != side; ++y) {
        const auto [y0, y1, fy] = taps(side, image.height, y);
        for (int col = 0; col != side; ++col) {
            const auto [x0, x1, fx] = taps(side, image.width, col);
            const auto at = [&](int r, int c, int k) {
                return double(image.pixels[(std::size_t(r) * std::size_t(image.width) + std::size_t(c)) * 3 + std::size_t(k)]);
            };
            for (int k = 0; k != 3; ++k) {  // k: RGB as decoded
                const double v = (1 - fy) * ((1 - fx) * at(y0, x0, k) + fx * at(y0, x1, k)) + fy * ((1 - fx) * at(y1, x0, k) + fx * at(y1, x1, k));
                const float byte = static_cast<float>(std::lround(v));
                const int bgr = 2 - k;
                x(0, y, col, bgr) = (byte * (1.0f / 255.0f) - mean_bgr[std::size_t(bgr)]) / std_bgr[std::size_t(bgr)];
            }
        }
    }
    return x;
}

struct region {
    int x0, y0, x1, y1;  // in the image's pixels, inclusive
    float score;         // mean probability over the component
};

/// The text regions of a probability map: 8-connected components of the pixels above the
/// threshold (as cv2.findContours traces them in DBPostProcess), each kept if its mean
/// probability reaches box_threshold and its box's shorter side min_size, then grown by DB's
/// unclip (the network predicts shrunk text kernels): by area·ratio/perimeter on every side.
/// Boxes are upright here, where PaddleOCR fits rotated rectangles.
std::vector<region> find_regions(const std::vector<float>& p, float threshold, int width, int height) {
    std::vector<region> found;
    std::vector<unsigned char> seen(p.size());
    std::vector<int> stack;
    for (int start = 0; start != side * side; ++start) {
        if (seen[std::size_t(start)] || p[std::size_t(start)] <= threshold) continue;
        int x0 = side, y0 = side, x1 = -1, y1 = -1;
        double sum = 0;
        long count = 0;
        stack.assign(1, start);
        seen[std::size_t(start)] = 1;
        while (!stack.empty()) {
            const int i = stack.back();
            stack.pop_back();
            const int y = i / side, x = i % side;
            x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
            sum += p[std::size_t(i)];
            ++count;
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    const int ny = y + dy, nx = x + dx;
                    if (ny < 0 || ny >= side || nx < 0 || nx >= side) continue;
                    const int j = ny * side + nx;
                    if (!seen[std::size_t(j)] && p[std::size_t(j)] > threshold) {
                        seen[std::size_t(j)] = 1;
                        stack.push_back(j);
                    }
                }
        }
        const double w = x1 - x0 + 1, h = y1 - y0 + 1, score = sum / double(count);
        if (std::min(w, h) < min_size || score < box_threshold) continue;
        const double grow = w * h * unclip_ratio / (2 * (w + h));
        const double sx = double(width) / side, sy = double(height) / side;
        const auto clamp = [](double v, int most) { return std::clamp(static_cast<int>(std::lround(v)), 0, most - 1); };
        found.push_back({clamp((x0 - grow) * sx, width), clamp((y0 - grow) * sy, height), clamp((x1 + 1 + grow) * sx - 1, width),
                         clamp((y1 + 1 + grow) * sy - 1, height), static_cast<float>(score)});
    }
    return found;
}

void write_png(const std::string& path, int width, int height, int channels, const std::vector<unsigned char>& pixels) {
    if (!stbi_write_png(path.c_str(), width, height, channels, pixels.data(), width * channels))
        throw std::runtime_error(path + ": cannot write PNG (" + std::strerror(errno) + ")");
}

/// The image at its own size: text pixels (the map, sampled at the nearest of its 640×640 cells)
/// half tinted red; each region's box in green, about 1/300 of the image's smaller side thick.
std::vector<unsigned char> overlay(const example::rgb_image& image, const std::vector<float>& p, float threshold,
                                   const std::vector<region>& regions) {
    std::vector<unsigned char> out = image.pixels;
    const auto px = [&](int y, int x) { return out.begin() + std::ptrdiff_t((std::size_t(y) * std::size_t(image.width) + std::size_t(x)) * 3); };
    for (int y = 0; y != image.height; ++y) {
        const int my = std::min(side - 1, static_cast<int>((y + 0.5) * side / image.height));
        for (int x = 0; x != image.width; ++x) {
            const int mx = std::min(side - 1, static_cast<int>((x + 0.5) * side / image.width));
            if (p[std::size_t(my * side + mx)] <= threshold) continue;
            auto c = px(y, x);
            c[0] = static_cast<unsigned char>((c[0] + 255) / 2), c[1] = static_cast<unsigned char>(c[1] / 2), c[2] = static_cast<unsigned char>(c[2] / 2);
        }
    }
    const int thick = std::max(2, std::min(image.width, image.height) / 300);
    for (const auto& r : regions)
        for (int y = r.y0; y <= r.y1; ++y)
            for (int x = r.x0; x <= r.x1; ++x)
                if (y < r.y0 + thick || y > r.y1 - thick || x < r.x0 + thick || x > r.x1 - thick) {
                    auto c = px(y, x);
                    c[0] = 0, c[1] = 200, c[2] = 0;
                }
    return out;
}

int run(const options& o) {
    // Everything that may fail on a file fails before the long work.
    for (const auto& output : {o.probability_map, o.overlay, o.save_input, o.save_output})
        if (output) check_writable(*output);
    const auto image = example::decode_rgb(example::read_file(*o.image), *o.image);
    const auto net = ctnn::io::load_network(model, o.weights);
    const auto x = preprocess(image);

    const auto start = std::chrono::steady_clock::now();
    const auto y = net(x, {.threads = o.threads});
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;

    const std::vector<float> p(y.data(), y.data() + y.size());
    const auto regions = find_regions(p, o.threshold, image.width, image.height);
    const auto text_pixels = std::count_if(p.begin(), p.end(), [&](float v) { return v > o.threshold; });
    std::printf("PP-OCRv4 text detector: %d parameters, input %dx%dx3\n", int(decltype(model)::total_params), side, side);
    std::printf("image:   %s, %d x %d pixels\n", o.image->c_str(), image.width, image.height);
    // The input's channel means say which order and normalisation reached the model: a red image
    // gives B −2.118, G −2.036, R 2.640 (a test checks it).
    std::array<double, 3> means{};
    for (int r = 0; r != side; ++r)
        for (int c = 0; c != side; ++c)
            for (std::size_t k = 0; k != 3; ++k) means[k] += double(x(0, r, c, int(k))) / (side * side);
    std::printf("input:   640 x 640, channel means B %.3f, G %.3f, R %.3f\n", means[0], means[1], means[2]);
    std::printf("text:    %.1f%% of the map above %g; %zu region%s\n", 100.0 * double(text_pixels) / double(p.size()), double(o.threshold),
                regions.size(), regions.size() == 1 ? "" : "s");
    for (const auto& r : regions) std::printf("  (%d, %d) to (%d, %d), mean probability %.2f\n", r.x0, r.y0, r.x1, r.y1, double(r.score));
    std::printf("forward: %.3f s on %d thread%s\n", took.count(), o.threads, o.threads == 1 ? "" : "s");

    if (o.probability_map) {
        std::vector<unsigned char> grey(p.size());
        std::transform(p.begin(), p.end(), grey.begin(), [](float v) { return static_cast<unsigned char>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f)); });
        write_png(*o.probability_map, side, side, 1, grey);
        std::printf("saved probability map to %s\n", o.probability_map->c_str());
    }
    if (o.overlay) {
        write_png(*o.overlay, image.width, image.height, 3, overlay(image, p, o.threshold, regions));
        std::printf("saved overlay to %s\n", o.overlay->c_str());
    }
    if (o.save_input) {
        ctnn::io::write_npy(*o.save_input, {1, side, side, 3}, {x.data(), x.size()});
        std::printf("saved input to %s\n", o.save_input->c_str());
    }
    if (o.save_output) {
        ctnn::io::write_npy(*o.save_output, {1, side, side, 1}, {y.data(), y.size()});
        std::printf("saved probabilities to %s\n", o.save_output->c_str());
    }
    return 0;
}
}  // namespace

int main(int argc, char** argv) {
    try {
        return run(parse(argc, argv));
    } catch (const usage_error& e) {
        std::cerr << "text_detection: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "text_detection: " << e.what() << '\n';
        return 1;
    }
}
