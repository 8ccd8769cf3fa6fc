// Classifies an image with any of the zoo's ImageNet models and prints the top classes.
//
//   classify --model vgg16|resnet50|resnet152|mobilenet_v2|densenet121 --image in.png|jpg
//            [--weights W.npz] [--labels names.txt] [--top K] [--threads N]
//            [--save-weights W.npz] [--save-output y.npy] [--seed S] [--help]
//
// The image is preprocessed as the model's keras.applications module's preprocess_input expects,
// so that weights exported from Keras (keyed <layer>/<weight>) give Keras' predictions.
// SPDX-License-Identifier: BSL-1.0
#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <ctnn/io/npy.hpp>

#include "classify.hpp"
#include "image.hpp"

namespace {

/// keras.applications' three preprocess_input modes (keras/src/applications/imagenet_utils.py).
enum class mode { caffe, tf, torch };

struct model_entry {
    std::string_view name;
    mode preprocessing;
    classify::result (*run)(const classify::request&, const classify::image_tensor&);
};

constexpr std::array<model_entry, 5> models{{
    {"vgg16", mode::caffe, classify::run_vgg16},
    {"resnet50", mode::caffe, classify::run_resnet50},
    {"resnet152", mode::caffe, classify::run_resnet152},
    {"mobilenet_v2", mode::tf, classify::run_mobilenet_v2},
    {"densenet121", mode::torch, classify::run_densenet121},
}};

/// A bad command line: reported in one line with exit status 2.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct options {
    const model_entry* model = nullptr;
    std::optional<std::string> image, weights, labels, save_weights, save_output;
    int top = 5;
    int threads = ctnn::run_options{}.threads;
    std::uint64_t seed = 42;
};

constexpr std::string_view options_table = R"(usage: classify --model M --image in.png|jpg [options]

Classifies a 224x224 view of an image into ImageNet's 1000 classes and prints the top ones.

  --model M             vgg16, resnet50, resnet152, mobilenet_v2 or densenet121 (Keras' layers and names)
  --image in.png|jpg    the image: its centre at 1:1 aspect, resized to 224x224 by stb_image_resize
                        (Mitchell filter when shrinking, Catmull-Rom when enlarging; keras.utils.load_img
                        with target_size instead squashes the whole image, nearest-neighbour by default),
                        then preprocessed as keras.applications.<model>.preprocess_input does:
                          vgg16, resnet50, resnet152 ('caffe'): RGB to BGR, minus the ImageNet means
                                                                 B 103.939, G 116.779, R 123.68
                          mobilenet_v2 ('tf'):                   x / 127.5 - 1, in [-1, 1]
                          densenet121 ('torch'):                 (x / 255 - mean) / std, RGB means
                                                                 0.485 0.456 0.406, stds 0.229 0.224 0.225
  --weights W.npz       weights keyed <layer>/<weight> in Keras' layouts; without it, Glorot-uniform
                        weights from --seed S, untrained, so the classes mean nothing
  --labels names.txt    1000 lines, the name of class i on line i+1 (none is bundled: without it,
                        classes are printed as indices)
  --top K               classes to print, from 1 to 1000 (default: 5)
  --threads N           threads for the forward pass (default: all cores; at most 4 per hardware thread)
  --save-weights W.npz  save the weights used
  --save-output y.npy   the 1000 probabilities, float32 (1, 1000)
  --seed S              seed of the Glorot-uniform weights (default: 42)
  --help                this table
)";

template <class T>
T parse_number(std::string_view option, std::string_view text, T least, T most, std::string_view why_most = "") {
    T value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || value < least || value > most) {
        const std::string range = most == std::numeric_limits<T>::max()
                                      ? "of at least " + std::to_string(least)
                                      : "from " + std::to_string(least) + " to " + std::to_string(most) + std::string(why_most);
        throw usage_error(std::string(option) + " takes a whole number " + range + ", not '" + std::string(text) + "'");
    }
    return value;
}

/// More threads than this only add overhead; far more would exhaust the system's threads.
int max_threads() {
    return 4 * std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::cout << options_table;
            std::exit(0);
        }
        if (i + 1 >= argc)
            throw usage_error(arg.starts_with("--") ? std::string(arg) + " needs a value" : "unexpected argument '" + std::string(arg) + "'");
        const std::string_view value = argv[++i];
        if (arg == "--model") {
            const auto found = std::find_if(models.begin(), models.end(), [&](const model_entry& m) { return m.name == value; });
            if (found == models.end())
                throw usage_error("--model takes vgg16, resnet50, resnet152, mobilenet_v2 or densenet121, not '" + std::string(value) + "'");
            o.model = &*found;
        } else if (arg == "--image") o.image = value;
        else if (arg == "--weights") o.weights = value;
        else if (arg == "--labels") o.labels = value;
        else if (arg == "--save-weights") o.save_weights = value;
        else if (arg == "--save-output") o.save_output = value;
        else if (arg == "--top") o.top = parse_number<int>(arg, value, 1, 1000);
        else if (arg == "--threads")
            o.threads = parse_number<int>(arg, value, 1, max_threads(),
                                          " (4 x this machine's " + std::to_string(max_threads() / 4) + " hardware threads)");
        else if (arg == "--seed") o.seed = parse_number<std::uint64_t>(arg, value, 0, std::numeric_limits<std::uint64_t>::max());
        else throw usage_error("unknown option '" + std::string(arg) + "' (see --help)");
    }
    if (o.model == nullptr) throw usage_error("--model is required: vgg16, resnet50, resnet152, mobilenet_v2 or densenet121");
    if (!o.image) throw usage_error("--image is required");
    return o;
}

/// Fails now, not after the forward pass, if `path` cannot be written. Leaves an existing file
/// as it was and no new one behind.
void check_writable(const std::string& path) {
    std::error_code ec;
    const bool existed = std::filesystem::exists(path, ec);
    std::FILE* file = std::fopen(path.c_str(), "ab");
    if (file == nullptr) throw ctnn::io::file_error(path + ": cannot write (" + std::strerror(errno) + ")");
    std::fclose(file);
    if (!existed) std::filesystem::remove(path, ec);
}

/// The 1000 lines of a labels file.
std::vector<std::string> read_labels(const std::string& path) {
    if (std::filesystem::is_directory(path)) throw std::runtime_error(path + ": is a directory, not a labels file");
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path + ": cannot open (" + std::strerror(errno) + ")");
    std::vector<std::string> labels;
    for (std::string line; std::getline(in, line) && labels.size() <= 1000;) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        labels.push_back(line);
    }
    if (labels.size() != 1000)
        throw std::runtime_error(path + ": " + (labels.size() > 1000 ? std::string("more than 1000") : std::to_string(labels.size())) +
                                 " lines, expected 1000 (one class name per line)");
    return labels;
}

/// The model's input from 224×224 RGB bytes, as keras.applications.<model>.preprocess_input
/// makes it from the same pixels.
classify::image_tensor preprocess(const std::vector<unsigned char>& rgb, mode m) {
    classify::image_tensor x(1);
    constexpr std::array<float, 3> caffe_mean_bgr{103.939f, 116.779f, 123.68f};
    constexpr std::array<float, 3> torch_mean{0.485f, 0.456f, 0.406f}, torch_std{0.229f, 0.224f, 0.225f};
    for (int y = 0; y != 224; ++y)
        for (int w = 0; w != 224; ++w) {
            const unsigned char* pixel = &rgb[(std::size_t(y) * 224 + std::size_t(w)) * 3];
            for (std::size_t c = 0; c != 3; ++c) {
                switch (m) {
                case mode::caffe:  // channel c of the BGR input is RGB channel 2 − c
                    x(0, y, w, int(c)) = float(pixel[2 - c]) - caffe_mean_bgr[c];
                    break;
                case mode::tf: x(0, y, w, int(c)) = float(pixel[c]) / 127.5f - 1.0f; break;
                case mode::torch: x(0, y, w, int(c)) = (float(pixel[c]) / 255.0f - torch_mean[c]) / torch_std[c]; break;
                }
            }
        }
    return x;
}

std::string_view mode_text(mode m) {
    switch (m) {
    case mode::caffe: return "'caffe' (RGB to BGR, minus ImageNet's means)";
    case mode::tf: return "'tf' (scaled to [-1, 1])";
    case mode::torch: return "'torch' (scaled to [0, 1], minus ImageNet's means, over its standard deviations)";
    }
    return "";
}

int run(const options& o) {
    // Everything that may fail on a file fails before the long work.
    for (const auto& output : {o.save_output, o.save_weights})
        if (output) check_writable(*output);
    const auto labels = o.labels ? read_labels(*o.labels) : std::vector<std::string>{};
    const auto x = preprocess(example::decode_rgb_centre(example::read_file(*o.image), *o.image, 224, 224), o.model->preprocessing);

    const classify::request request{o.weights, o.save_weights, o.seed, o.threads};
    const classify::result r = o.model->run(request, x);

    std::cout << "model:   " << o.model->name << " (" << r.params << " parameters)\n"
              << "weights: " << (o.weights ? *o.weights : "Glorot-uniform, seed " + std::to_string(o.seed) + " (untrained)") << '\n'
              << "image:   " << *o.image << ", preprocessed " << mode_text(o.model->preprocessing) << '\n'
              << "top " << o.top << ":\n";
    std::vector<int> order(r.probabilities.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return r.probabilities[std::size_t(a)] > r.probabilities[std::size_t(b)]; });
    for (int k = 0; k != o.top; ++k) {
        const auto c = std::size_t(order[std::size_t(k)]);
        std::printf("  %4zu  %.6f%s%s\n", c, double(r.probabilities[c]), labels.empty() ? "" : "  ", labels.empty() ? "" : labels[c].c_str());
    }
    std::printf("forward: %.3f s on %d thread%s\n", r.seconds, o.threads, o.threads == 1 ? "" : "s");

    if (o.save_output) {
        ctnn::io::write_npy(*o.save_output, {1, 1000}, {r.probabilities.data(), r.probabilities.size()});
        std::cout << "saved probabilities to " << *o.save_output << '\n';
    }
    if (o.save_weights) std::cout << "saved weights to " << *o.save_weights << '\n';
    return 0;
}
}  // namespace

int main(int argc, char** argv) {
    try {
        return run(parse(argc, argv));
    } catch (const usage_error& e) {
        std::cerr << "classify: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "classify: " << e.what() << '\n';
        return 1;
    }
}
