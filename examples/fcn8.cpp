// FCN-8, proven by the compiler and then run on a 224×224 image.
//
//   fcn8 [--weights W.npz] [--save-weights W.npz] [--image in.png|jpg] [--input x.npy]
//        [--save-output y.npy] [--mask out.png] [--threads N] [--seed S] [--help]
//
// Without options: prints the summary, initialises weights from a seed, runs a synthetic image
// and prints the output shape, the pixels per class of the argmax map and the forward time.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>
#include <ctnn/io/npy.hpp>
#include <ctnn/io/weights.hpp>
#include <ctnn/models/fcn8.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
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
#include <vector>

#include "image.hpp"

namespace {
constexpr int classes = 12;
constexpr auto model = ctnn::models::fcn8<classes>();
using input_shape = ctnn::shape<224, 224, 3>;

/// A bad command line: reported in one line with exit status 2.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct options {
    std::optional<std::string> weights, save_weights, image, input, save_output, mask;
    int threads = ctnn::run_options{}.threads;
    std::uint64_t seed = 42;
};

constexpr std::string_view options_table = R"(usage: fcn8 [options]

Prints FCN-8's summary, then segments a 224x224 image into 12 classes.

  --weights W.npz       load weights instead of Glorot-uniform ones from --seed S
  --save-weights W.npz  save the weights used
  --image in.png|jpg    the input: resized (shorter side to 224), centre-cropped, scaled to [-1, 1]
  --input x.npy         the input as a raw float32 array of shape (1, 224, 224, 3), no preprocessing
  --save-output y.npy   the probabilities, NHWC float32 (1, 224, 224, 12)
  --mask out.png        the argmax class map, colour-coded
  --threads N           threads for the forward pass (default: all cores; at most 4 per hardware thread)
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

/// More threads than this only add overhead; far more (--threads 99999) would exhaust the
/// system's threads or memory for stacks.
int max_threads() {
    const int hardware = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    return 4 * hardware;
}

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::cout << options_table;
            std::exit(0);
        }
        if (i + 1 >= argc) throw usage_error(arg.starts_with("--") ? std::string(arg) + " needs a value" : "unexpected argument '" + std::string(arg) + "'");
        const std::string_view value = argv[++i];
        if (arg == "--weights") o.weights = value;
        else if (arg == "--save-weights") o.save_weights = value;
        else if (arg == "--image") o.image = value;
        else if (arg == "--input") o.input = value;
        else if (arg == "--save-output") o.save_output = value;
        else if (arg == "--mask") o.mask = value;
        else if (arg == "--threads")
            o.threads = parse_number<int>(arg, value, 1, max_threads(),
                                          " (4 x this machine's " + std::to_string(max_threads() / 4) + " hardware threads)");
        else if (arg == "--seed") o.seed = parse_number<std::uint64_t>(arg, value, 0, std::numeric_limits<std::uint64_t>::max());
        else throw usage_error("unknown option '" + std::string(arg) + "' (see --help)");
    }
    if (o.image && o.input) throw usage_error("--image and --input both give the input: choose one");
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

ctnn::tensor<input_shape> read_input(const options& o) {
    if (o.image) return example::read_image<input_shape>(*o.image);
    ctnn::tensor<input_shape> x(1);
    if (o.input) {
        const auto a = ctnn::io::read_npy(*o.input);
        const std::vector<std::int64_t> expected{1, 224, 224, 3};
        if (a.shape != expected)
            throw ctnn::io::file_error(*o.input + ": has shape " + ctnn::io::shape_text(a.shape) + ", expected " +
                                       ctnn::io::shape_text(expected));
        std::copy(a.values.begin(), a.values.end(), x.begin());
        return x;
    }
    for (std::size_t i = 0; i != x.size(); ++i) x.data()[i] = static_cast<float>((i * 7919) % 256) / 127.5f - 1.0f;
    return x;
}

int run(const options& o) {
    // Everything that may fail on a file fails before the summary and the long work.
    for (const auto& output : {o.save_output, o.mask, o.save_weights})
        if (output) check_writable(*output);
    const auto x = read_input(o);
    auto net = o.weights ? ctnn::io::load_network(model, *o.weights) : ctnn::network{model, o.seed};

    ctnn::summary(model, std::cout, "fcn8");
    std::cout << '\n';
    std::cout << "weights: " << (o.weights ? *o.weights : "Glorot-uniform, seed " + std::to_string(o.seed)) << '\n'
              << "input:   " << (o.image ? *o.image : o.input ? *o.input : std::string("synthetic pattern")) << '\n';

    const auto start = std::chrono::steady_clock::now();
    const auto probabilities = net(x, {.threads = o.threads});
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;

    std::vector<int> argmax(224 * 224);
    std::vector<long> pixels(classes);
    for (int h = 0; h != 224; ++h)
        for (int w = 0; w != 224; ++w) {
            int best = 0;
            for (int c = 1; c != classes; ++c)
                if (probabilities(0, h, w, c) > probabilities(0, h, w, best)) best = c;
            argmax[static_cast<std::size_t>(h * 224 + w)] = best;
            ++pixels[static_cast<std::size_t>(best)];
        }
    std::cout << "output:  (" << probabilities.batch() << ", 224, 224, " << classes << ") probabilities\n"
              << "pixels per class (argmax):";
    for (int c = 0; c != classes; ++c) std::cout << ' ' << c << ':' << pixels[static_cast<std::size_t>(c)];
    std::printf("\nforward: %.3f s on %d thread%s\n", took.count(), o.threads, o.threads == 1 ? "" : "s");

    if (o.save_output) {
        ctnn::io::write_npy(*o.save_output, {1, 224, 224, classes}, {probabilities.data(), probabilities.size()});
        std::cout << "saved probabilities to " << *o.save_output << '\n';
    }
    if (o.mask) {
        example::write_class_map(*o.mask, argmax, 224, 224);
        std::cout << "saved class map to " << *o.mask << '\n';
    }
    if (o.save_weights) {
        ctnn::io::save_weights(net, *o.save_weights);
        std::cout << "saved weights to " << *o.save_weights << '\n';
    }
    return 0;
}
}  // namespace

int main(int argc, char** argv) {
    try {
        return run(parse(argc, argv));
    } catch (const usage_error& e) {
        std::cerr << "fcn8: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "fcn8: " << e.what() << '\n';
        return 1;
    }
}
