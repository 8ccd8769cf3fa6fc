# The command line of scripts/ctnn-import: arguments, the choice of reader, the passes, the files;
# and the one-line report of a refusal.
# SPDX-License-Identifier: BSL-1.0
import argparse
import os
import re
import sys

from . import emit, passes
from .ir import Refusal

PROG = "ctnn-import"


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, as ctnn's programs report usage errors
        sys.stderr.write(f"{PROG}: {message} (see --help)\n")
        sys.exit(2)


def _shape(text):
    m = re.fullmatch(r"\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*", text)
    if not m or min(int(v) for v in m.groups()) < 1:
        raise argparse.ArgumentTypeError(f"--input-shape takes H,W,C (three whole numbers of at least 1), not '{text}'")
    return tuple(int(v) for v in m.groups())


def _name(text):
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text):
        raise argparse.ArgumentTypeError(f"--name must be a C++ identifier (letters, digits, '_'), not '{text}'")
    return text


def read(path, input_shape):
    """The IR of the model in `path`, by its format."""
    if not os.path.isfile(path):
        raise Refusal(f"{path}: no such file")
    with open(path, "rb") as f:
        magic = f.read(8)
    if magic.startswith(b"\x89HDF"):
        from . import keras_reader
        return keras_reader.read_h5(path, input_shape)
    if magic.startswith(b"PK"):
        from . import keras_reader
        return keras_reader.read_keras(path, input_shape)
    if magic.lstrip()[:1] == b"{":
        from . import keras_reader
        return keras_reader.read_tfjs(path, input_shape)
    from . import onnx_reader
    return onnx_reader.Reader(path, input_shape).read()


def main(argv):
    p = _Parser(prog=PROG, description="Turns an ONNX (.onnx), Keras (.keras, .h5) or TensorFlow.js (model.json) model into a typed ctnn model.")
    p.add_argument("model", help="the model file: .onnx, .keras, .h5 or a TensorFlow.js model.json")
    p.add_argument("--input-shape", required=True, type=_shape, metavar="H,W,C", help="the static input shape")
    p.add_argument("--name", required=True, type=_name, help="the model's C++ name (NAME.hpp, NAME_main)")
    p.add_argument("-o", dest="directory", required=True, metavar="DIR", help="where to write the model, its weights and its runner")
    p.add_argument("--census", action="store_true", help="also print the file's ops and the layers they became")
    args = p.parse_args(argv)
    try:
        graph = read(args.model, args.input_shape)
        passes.run(graph)
        outputs = emit.files(graph, args.name)
    except Refusal as e:
        sys.stderr.write(f"{PROG}: {args.model}: {e}\n")
        return 1
    if os.path.exists(args.directory) and not os.path.isdir(args.directory):
        sys.stderr.write(f"{PROG}: {args.directory}: exists and is not a directory\n")
        return 1
    try:
        emit.write(outputs, args.directory)
    except OSError as e:
        sys.stderr.write(f"{PROG}: {args.directory}: cannot write ({e.strerror})\n")
        return 1
    counts = emit.census(graph)
    print(f"{PROG}: {args.model} -> {os.path.join(args.directory, args.name)}.hpp: {len(graph.layers)} layers, "
          f"{graph.total_params():,} parameters, output {'x'.join(map(str, graph.by_name[graph.output].shape))}")
    if args.census:
        census = getattr(graph, "census", None)
        if census:
            print("  file: " + ", ".join(f"{op} {n}" for op, n in sorted(census.items(), key=lambda kv: -kv[1])))
        for (op, form), n in sorted(getattr(graph, "patterns", {}).items()):
            print(f"  file: {n} x {op} {form}")
        for k, n in sorted(counts.items()):
            print(f"  {k}: {n}")
        for note in sorted(set(graph.notes)):
            print(f"  rewritten: {note} (x{graph.notes.count(note)})")
    return 0
