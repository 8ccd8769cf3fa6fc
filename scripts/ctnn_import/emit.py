# The C++ emitter: prints the IR as a typed ctnn model (one line per layer, in ctnn's spellings of
# Keras' layers), its weights as an .npz keyed `<layer>/<weight>`, and a runner project. The
# static_asserts it writes are the importer's own shape and parameter arithmetic, so the compiler
# checks the importer as much as the model.
# SPDX-License-Identifier: BSL-1.0
import io
import os
import textwrap
import zipfile
from fractions import Fraction

import numpy as np

from .ir import cpp_identifier, float32_literal, rational_literal, refuse


def number(v):
    """A number<> template argument: a bare integer where it is one, else an exact string literal."""
    text = rational_literal(v) if isinstance(v, Fraction) else float32_literal(v)
    if text.lstrip("-").isdigit() and abs(int(text)) < 2**31:
        return text
    return f'"{text}"'


def _hw(kind, v, default=None):
    if default is not None and tuple(v) == (default, default):
        return None
    return f"{kind}<{v[0]}>" if v[0] == v[1] else f"{kind}<{v[0]}, {v[1]}>"


def _margins(kind, m):
    t, b, l, r = m
    if t == b == l == r:
        return f"{kind}<{t}>"
    if t == b and l == r:
        return f"{kind}<{t}, {l}>"
    return f"{kind}<{t}, {b}, {l}, {r}>"


def _options(l):
    """The template arguments of layer `l`, in ctnn's spelling, its name last."""
    o, k = l.options, l.kind
    args = []
    if k == "InputLayer":
        h, w, c = o["shape"]
        args.append(f"shape<{h}, {w}, {c}>")
    elif k in ("Conv2D", "DepthwiseConv2D", "Conv2DTranspose"):
        if k != "DepthwiseConv2D":
            args.append(str(o["filters"]))
        args.append(_hw("kernel_size", o["kernel"]))
        args.append(_hw("strides", o.get("strides", (1, 1)), 1))
        args.append(_hw("dilation_rate", o.get("dilation", (1, 1)), 1))
        args.append(o["padding"])
        if "depth_multiplier" in o:
            args.append(f"depth_multiplier<{o['depth_multiplier']}>")
        if "groups" in o:
            args.append(f"groups<{o['groups']}>")
        if "output_padding" in o:
            args.append(_hw("output_padding", o["output_padding"]))
        if not o.get("use_bias", True):
            args.append("use_bias<false>")
        if o.get("activation", "linear") != "linear":
            args.append(o["activation"])
    elif k in ("MaxPooling2D", "AveragePooling2D"):
        args += [_hw("pool_size", o["pool"]), _hw("strides", o["strides"]), o["padding"]]
    elif k in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
        if o.get("keepdims"):
            args.append("keepdims<true>")
    elif k == "BatchNormalization":
        args.append(f"epsilon<{number(o['epsilon'])}>")
        if not o.get("center", True):
            args.append("center<false>")
        if not o.get("scale", True):
            args.append("scale<false>")
    elif k == "ReLU" and not o:
        args.append("relu")
    elif k == "ReLU":
        for key in ("max_value", "negative_slope", "threshold"):
            if key in o:
                args.append(f"{key}<{number(o[key])}>")
    elif k == "ELU":
        args.append(f"alpha<{number(o['alpha'])}>")
    elif k == "LeakyReLU":
        args.append(f"negative_slope<{number(o['negative_slope'])}>")
    elif k == "Activation":
        args.append(o["activation"])
    elif k == "ZeroPadding2D":
        args.append(_margins("padding", o["padding"]))
    elif k == "Cropping2D":
        args.append(_margins("cropping", o["cropping"]))
    elif k == "UpSampling2D":
        args.append(_hw("size", o["size"]))
        if o.get("interpolation") == "bilinear":
            args.append("bilinear")
    elif k == "Dense":
        args.append(str(o["units"]))
        if not o.get("use_bias", True):
            args.append("use_bias<false>")
        if o.get("activation", "linear") != "linear":
            args.append(o["activation"])
    elif k == "Rescaling":
        args.append(f"scale<{number(o['scale'])}>")
        if o["offset"] != 0:
            args.append(f"offset<{number(o['offset'])}>")
    elif k == "Reshape":
        args.append(f"target_shape<{', '.join(str(a) for a in o['target_shape'])}>")
    elif k in ("Add", "Subtract", "Multiply", "Concatenate", "Flatten"):
        pass
    else:
        raise AssertionError(f"no spelling for {k}")
    args.append(f'name<"{l.name}">')
    return ", ".join(a for a in args if a)


def _variables(g):
    names, used = {}, set()
    for l in g.layers:
        v = base = cpp_identifier(l.name)
        n = 1
        while v in used:
            v = f"{base}_{n}"
            n += 1
        used.add(v)
        names[l.name] = v
    return names


def spelled(l):
    """The ctnn class a layer is written as."""
    if l.kind == "InputLayer":
        return "Input"
    if l.kind == "ReLU" and not l.options:
        return "Activation"  # Keras' ReLU() and Activation('relu') compute the same; the latter is in every ctnn
    return l.kind


def census(g):
    counts = {}
    for l in g.layers:
        counts[spelled(l)] = counts.get(spelled(l), 0) + 1
    return counts


def header(g, name):
    var = _variables(g)
    lines = []
    for l in g.layers:
        cls = spelled(l)
        args = ", ".join(var[i] for i in l.inputs)
        try:
            opts = _options(l)
        except ValueError as e:  # a constant ctnn's exact number<> cannot hold
            refuse(l.origin, getattr(l, "op", l.kind), f"{e} (number<> holds rationals with at most 18 digits)",
                   "constants from 1e-18 to 1e18")
        lines.append(f"    auto {var[l.name]} = {cls}<{opts}>{{}}({args});")
    h, w, c = g.layers[0].shape
    oh, ow, oc = g.by_name[g.output].shape
    out_shape = f"{oc}" if g.output_is_vector() else f"{oh}, {ow}, {oc}"
    notes = sorted(set(g.notes))
    layers = ", ".join(f"{k} {n}" for k, n in sorted(census(g).items()))
    intro = (f"{name}: a typed ctnn model imported by scripts/ctnn-import from {g.source}, at input {h}x{w}x{c}. "
             f"Its weights are in {name}.npz (Keras layouts, keyed <layer>/<weight>). Generated: import again "
             f"rather than edit. Layers: {layers}.")
    if notes:
        intro += " Rewritten on import (exact): " + "; ".join(notes) + "."
    text = "".join(f"// {line}\n" for line in textwrap.wrap(intro, 98))
    text += f"""#pragma once

#include <ctnn/core.hpp>

namespace imported {{

constexpr auto {name}() {{
    using namespace ctnn;
    // clang-format off
{chr(10).join(lines)}
    // clang-format on
    return Model{{{var[g.layers[0].name]}, {var[g.output]}}};
}}

// The importer's own arithmetic, checked by the compiler against ctnn's shape rules.
static_assert(decltype({name}())::output_shape == ctnn::shape<{out_shape}>{{}});
static_assert(decltype({name}())::total_params == {g.total_params()});

}}  // namespace imported
"""
    return text


def npz_bytes(g):
    """np.savez's layout, written by hand so that the archive is reproducible (fixed timestamps)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for l in g.layers:
            for w, a in l.weights.items():
                member = io.BytesIO()
                np.lib.format.write_array(member, np.ascontiguousarray(a, dtype="<f4"), allow_pickle=False)
                info = zipfile.ZipInfo(f"{l.name}/{w}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                z.writestr(info, member.getvalue())
    return buf.getvalue()


MAIN = r"""// {name}_main: runs the imported model {name} (see {name}.hpp) on one input.
//
//   {name}_main --weights W.npz (--input x.npy | --image in.png) --save-output y.npy [--save-input x.npy] [--threads N]
//
// The input is NHWC float32 of shape (1, {h}, {w}, {c}), or a PNG or JPEG image: the whole
// image resized to {w}x{h} where it is not that size already (aspect not kept), its bytes
// divided by 255, in R, G, B order (grey, 0.299 R + 0.587 G + 0.114 B, for one channel), and
// nothing else: a model that wants its inputs normalised otherwise needs --input. The output is
// written as float32 of shape {out_text}. Every error is one line and a non-zero exit, before
// any work.
#include <ctnn/ctnn.hpp>
#include <ctnn/io/npy.hpp>
#include <ctnn/io/weights.hpp>
#if CTNN_RUNNER_IMAGE
#include "image.hpp"  // ctnn's examples/image.hpp, copied by the importer: stb, checked before it decodes
#endif

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "{name}.hpp"

namespace {{
constexpr auto model = imported::{name}();
using input_shape = ctnn::shape<{h}, {w}, {c}>;

struct usage_error : std::runtime_error {{
    using std::runtime_error::runtime_error;
}};

struct options {{
    std::optional<std::string> weights, input, image, save_input, save_output;
    int threads = ctnn::run_options{{}}.threads;
}};

constexpr std::string_view usage = R"(usage: {name}_main --weights W.npz (--input x.npy | --image in.png) --save-output y.npy [--save-input x.npy] [--threads N]

  --weights W.npz      the model's weights ({name}.npz from the importer)
  --input x.npy        float32 NHWC of shape (1, {h}, {w}, {c})
  --image in.png|jpg   or an image: resized to {w}x{h} unless it is that size (aspect not kept),
                       bytes / 255 in R, G, B order (grey for one channel); no other normalisation
  --save-output y.npy  float32 of shape {out_text}
  --save-input x.npy   the input as the model saw it, float32 (1, {h}, {w}, {c})
  --threads N          threads for the forward pass (default: all cores)
)";

options parse(int argc, char** argv) {{
    options o;
    for (int i = 1; i < argc; ++i) {{
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {{
            std::cout << usage;
            std::exit(0);
        }}
        if (i + 1 >= argc) throw usage_error(std::string(arg) + " needs a value");
        const std::string value = argv[++i];
        if (arg == "--weights") o.weights = value;
        else if (arg == "--input") o.input = value;
        else if (arg == "--image") o.image = value;
        else if (arg == "--save-input") o.save_input = value;
        else if (arg == "--save-output") o.save_output = value;
        else if (arg == "--threads") {{
            const int most = 4 * std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
            int n = 0;
            const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (error != std::errc{{}} || end != value.data() + value.size() || n < 1 || n > most)
                throw usage_error("--threads takes a whole number from 1 to " + std::to_string(most) + ", not '" + value + "'");
            o.threads = n;
        }} else throw usage_error("unknown option '" + std::string(arg) + "' (see --help)");
    }}
    if (!o.weights || !(o.input || o.image) || !o.save_output)
        throw usage_error("--weights, --input or --image, and --save-output are required (see --help)");
    if (o.input && o.image) throw usage_error("--input and --image exclude each other");
#if !CTNN_RUNNER_IMAGE
    if (o.image) throw usage_error("--image: this runner was built without stb (Debian's libstb-dev); give --input x.npy");
#endif
    return o;
}}

/// Fails now, not after the forward pass, if `path` cannot be written; leaves no file behind.
void check_writable(const std::string& path) {{
    std::error_code ec;
    const bool existed = std::filesystem::exists(path, ec);
    std::FILE* file = std::fopen(path.c_str(), "ab");
    if (file == nullptr) throw ctnn::io::file_error(path + ": cannot write (" + std::strerror(errno) + ")");
    std::fclose(file);
    if (!existed) std::filesystem::remove(path, ec);
}}

ctnn::tensor<input_shape> read_input(const std::string& path) {{
    const auto a = ctnn::io::read_npy(path);
    const std::vector<std::int64_t> expected{{1, {h}, {w}, {c}}};
    if (a.shape != expected)
        throw ctnn::io::file_error(path + ": has shape " + ctnn::io::shape_text(a.shape) + ", expected " + ctnn::io::shape_text(expected));
    ctnn::tensor<input_shape> x(1);
    std::copy(a.values.begin(), a.values.end(), x.begin());
    return x;
}}

#if CTNN_RUNNER_IMAGE
/// The image at `path` as the model's input: see the top of this file.
ctnn::tensor<input_shape> read_image(const std::string& path) {{
    constexpr int height = {h}, width = {w}, channels = {c};
    if constexpr (channels != 1 && channels != 3) {{
        throw usage_error("--image: this model takes {c} channels; an image gives 3 (RGB) or 1 (grey): give --input x.npy");
    }} else {{
        const example::rgb_image image = example::decode_rgb(example::read_file(path), path);
        std::vector<unsigned char> rgb = image.pixels;
        if (image.width != width || image.height != height) {{
            rgb.resize(std::size_t{{height}} * std::size_t{{width}} * 3);
            if (!stbir_resize_uint8(image.pixels.data(), image.width, image.height, 0, rgb.data(), width, height, 0, 3))
                throw std::runtime_error(path + ": cannot resize the image");
            std::printf("{name}: %s: %d x %d, resized to %d x %d\n", path.c_str(), image.width, image.height, width, height);
        }}
        ctnn::tensor<input_shape> x(1);
        for (int y = 0; y != height; ++y)
            for (int i = 0; i != width; ++i) {{
                const unsigned char* p = rgb.data() + (std::size_t(y) * std::size_t{{width}} + std::size_t(i)) * 3;
                if constexpr (channels == 3) {{
                    for (int k = 0; k != 3; ++k) x(0, y, i, k) = float(p[k]) / 255.0f;
                }} else {{
                    x(0, y, i, 0) = (0.299f * float(p[0]) + 0.587f * float(p[1]) + 0.114f * float(p[2])) / 255.0f;
                }}
            }}
        return x;
    }}
}}
#endif

int run(const options& o) {{
    check_writable(*o.save_output);
    if (o.save_input) check_writable(*o.save_input);
#if CTNN_RUNNER_IMAGE
    const auto x = o.input ? read_input(*o.input) : read_image(*o.image);
#else
    const auto x = read_input(*o.input);
#endif
    const auto net = ctnn::io::load_network(model, *o.weights);
    if (o.save_input) ctnn::io::write_npy(*o.save_input, {{1, {h}, {w}, {c}}}, {{x.data(), x.size()}});

    const auto start = std::chrono::steady_clock::now();
    const auto y = net(x, {{.threads = o.threads}});
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;

    ctnn::io::write_npy(*o.save_output, {{{out_dims}}}, {{y.data(), y.size()}});
    std::printf("{name}: forward %.3f s on %d thread%s; output %s\n", took.count(), o.threads,
                o.threads == 1 ? "" : "s", o.save_output->c_str());
    return 0;
}}
}}  // namespace

int main(int argc, char** argv) {{
    try {{
        return run(parse(argc, argv));
    }} catch (const usage_error& e) {{
        std::cerr << "{name}_main: " << e.what() << '\n';
        return 2;
    }} catch (const std::exception& e) {{
        std::cerr << "{name}_main: " << e.what() << '\n';
        return 1;
    }}
}}
"""

CMAKE = """# Builds {name}_main, the runner of the imported model {name}, against ctnn: a checkout
# (-DCTNN_SOURCE_DIR=<ctnn checkout>) or an installed package (find_package). Generated by
# scripts/ctnn-import.
cmake_minimum_required(VERSION 3.25)
project({name} LANGUAGES CXX)

if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE Release)  # the kernels are many times slower unoptimised
endif()
set(CTNN_SOURCE_DIR "" CACHE PATH "A ctnn checkout to build against (else find_package(ctnn))")
if(CTNN_SOURCE_DIR)
  add_subdirectory(${{CTNN_SOURCE_DIR}} ctnn EXCLUDE_FROM_ALL)
else()
  find_package(ctnn 0.1 REQUIRED)
endif()

add_executable({name}_main {name}_main.cpp)
target_link_libraries({name}_main PRIVATE ctnn::ctnn)
# --image decodes PNG and JPEG with Debian's stb (libstb-dev); without it the runner takes .npy only.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(STB QUIET IMPORTED_TARGET stb)
endif()
if(STB_FOUND)
  target_link_libraries({name}_main PRIVATE PkgConfig::STB)
  target_compile_definitions({name}_main PRIVATE CTNN_RUNNER_IMAGE=1)
else()
  message(STATUS "{name}: stb (libstb-dev) not found: {name}_main is built without --image")
endif()
# ctnn adds no flags to its users' builds; its kernels want the machine's vector units.
target_compile_options({name}_main PRIVATE -march=native)
"""


# The runner's image decoding: ctnn's own, hardened against what its fuzzer found in stb.
IMAGE_HPP = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "examples", "image.hpp")


def files(g, name):
    """The five files of an import, as {file name: bytes}."""
    h, w, c = g.layers[0].shape
    oh, ow, oc = g.by_name[g.output].shape
    if g.output_is_vector():
        out_dims, out_text = f"1, {oc}", f"(1, {oc})"
    else:
        out_dims, out_text = f"1, {oh}, {ow}, {oc}", f"(1, {oh}, {ow}, {oc}), NHWC"
    return {
        f"{name}.hpp": header(g, name).encode(),
        f"{name}.npz": npz_bytes(g),
        f"{name}_main.cpp": MAIN.format(name=name, h=h, w=w, c=c, out_dims=out_dims, out_text=out_text).encode(),
        "CMakeLists.txt": CMAKE.format(name=name).encode(),
        "image.hpp": image_hpp(),
    }


def image_hpp():
    with open(IMAGE_HPP, "rb") as f:
        text = f.read()
    return b"// Copied from ctnn's examples/image.hpp by scripts/ctnn-import, for NAME_main --image.\n" + text


def write(outputs, directory):
    """Writes all files or none: into a temporary directory beside `directory`, then renamed."""
    import tempfile
    parent = os.path.dirname(os.path.abspath(directory))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".ctnn-import-", dir=parent)
    try:
        for f, data in outputs.items():
            with open(os.path.join(tmp, f), "wb") as out:
                out.write(data)
        if not os.path.exists(directory):
            os.rename(tmp, directory)
            return
        for f in outputs:
            os.replace(os.path.join(tmp, f), os.path.join(directory, f))
    finally:
        if os.path.isdir(tmp):
            for f in os.listdir(tmp):
                os.remove(os.path.join(tmp, f))
            os.rmdir(tmp)
