# The importer's intermediate representation: a graph of Keras-named layers, each with its
# options, its weights in Keras layouts and its output shape. Readers build it, passes rewrite it,
# the emitter prints it. Shapes are computed here with Keras' rules, independently of the readers'
# own formulas, so that a reader whose arithmetic disagrees with the layer it emits is caught.
# SPDX-License-Identifier: BSL-1.0
import re
from fractions import Fraction

import numpy as np


class Refusal(Exception):
    """A construct the importer cannot map exactly. Its text is the one line the user sees."""


def refuse(where, kind, why, supported=None):
    """Raises the one-line refusal: where (node or layer), its op or class, why, what works."""
    text = f"{where} ({kind}): {why}"
    if supported:
        text += f"; supported: {supported}"
    raise Refusal(text)


# --- exact numbers -------------------------------------------------------------------------
# ctnn's number<> is an exact rational (at most 18 significant digits, denominators below 1e18)
# that the layer turns into float with float(double(num) / double(den)). A float32 from a file is
# written as its shortest decimal when that converts back to the very same float32, and as its
# exact binary fraction otherwise: the emitted model computes with the file's constants, bit for
# bit.
_LIMIT = 10**18


def _ctnn_float(fr):
    return np.float32(float(fr.numerator) / float(fr.denominator))


def _decimal_or_fraction(fr):
    """The text of an exact rational as ctnn's number<> parses it, or None if too long."""
    if fr.denominator >= _LIMIT or abs(fr.numerator) >= _LIMIT:
        return None
    den = fr.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den == 1 and max(twos, fives) <= 18:
        digits = max(twos, fives)
        scaled = fr * 10**digits
        sign = "-" if scaled < 0 else ""
        text = str(abs(scaled.numerator))
        if digits:
            text = text.rjust(digits + 1, "0")
            text = text[:-digits] + "." + text[-digits:]
            text = text.rstrip("0").rstrip(".")
        if len(text.replace(".", "").lstrip("0")) <= 18:
            return sign + text
    return f"{fr.numerator}/{fr.denominator}"


def float32_literal(value):
    """The number<> text of a float32 value, exact for ctnn's conversion to float."""
    f = np.float32(value)
    if not np.isfinite(f):
        raise ValueError(f"{value} is not finite")
    shortest = np.format_float_positional(f, unique=True, trim="-")
    if f != 0 and abs(f) < 1e-4:  # 1e-5 reads better than 0.00001
        shortest = np.format_float_scientific(f, unique=True, trim="-").replace("e-0", "e-")
    fr = Fraction(shortest)
    if fr.denominator < _LIMIT and abs(fr.numerator) < _LIMIT and _ctnn_float(fr) == f:
        return shortest
    exact = Fraction(float(f))
    text = _decimal_or_fraction(exact)
    if text is not None and _ctnn_float(exact) == f:
        return text
    raise ValueError(f"{f!r} has no exact number<> literal")


def rational_literal(fr):
    """The number<> text of an exact rational computed by the importer (e.g. 6·alpha)."""
    text = _decimal_or_fraction(fr)
    if text is None:
        raise ValueError(f"{fr} has no number<> literal")
    return text


def file_fraction(value):
    """The rational a float32 attribute stands for: its shortest decimal (0.2, not 0.2000000029)."""
    return Fraction(np.format_float_positional(np.float32(value), unique=True, trim="-"))


# --- layers ----------------------------------------------------------------------------------
class Layer:
    """One ctnn layer: Keras class name, options, input layer names, weights (Keras layouts).

    kind "Affine" is internal (a Mul/Add/Sub/Div with constants); a pass lowers it to Rescaling or
    to a BatchNormalization of mean 0 and variance 1 before emission."""

    def __init__(self, name, kind, inputs, options=None, weights=None, origin=None):
        self.name = name
        self.kind = kind
        self.inputs = list(inputs)
        self.options = dict(options or {})
        self.weights = dict(weights or {})
        self.origin = origin or name  # what a refusal names: the file's node or layer
        self.shape = None  # (H, W, C) of one sample; a vector of N is (1, 1, N) with rank 1
        self.rank = 3

    def __repr__(self):
        return f"Layer({self.name!r}, {self.kind}, {self.inputs}, {self.options}, {self.shape})"

    def params(self):
        return int(sum(int(np.prod(w.shape)) for w in self.weights.values()))


def window_length(n, k, s, d, padding):
    keff = d * (k - 1) + 1
    if padding == "same":
        return -(-n // s)
    return (n - keff) // s + 1


def same_pads(n, k, s, d):
    """TensorFlow's 'same' padding along one axis: (before, after)."""
    keff = d * (k - 1) + 1
    out = -(-n // s)
    total = max((out - 1) * s + keff - n, 0)
    return total // 2, total - total // 2


def transpose_length(n, k, s, d, op, padding):
    keff = d * (k - 1) + 1
    if op is None:
        return n * s if padding == "same" else n * s + max(keff - s, 0)
    if padding == "same":
        return (n - 1) * s + keff % 2 + op
    return (n - 1) * s + keff + op


def output_shape(layer, ins):
    """Keras' shape rule of `layer` on input shapes `ins`; None when the inputs do not fit."""
    k, o = layer.kind, layer.options
    if k == "InputLayer":
        return tuple(o["shape"])
    x = ins[0]
    if k in ("Conv2D", "DepthwiseConv2D", "MaxPooling2D", "AveragePooling2D"):
        kh, kw = o["kernel"] if "kernel" in o else o["pool"]
        sh, sw = o.get("strides", (1, 1))
        dh, dw = o.get("dilation", (1, 1))
        h = window_length(x[0], kh, sh, dh, o["padding"])
        w = window_length(x[1], kw, sw, dw, o["padding"])
        if h < 1 or w < 1:
            return None
        c = {"Conv2D": lambda: o.get("filters"), "DepthwiseConv2D": lambda: x[2] * o["depth_multiplier"]}.get(
            k, lambda: x[2])()
        return (h, w, c)
    if k == "Conv2DTranspose":
        (kh, kw), (sh, sw) = o["kernel"], o["strides"]
        op = o.get("output_padding")
        return (transpose_length(x[0], kh, sh, 1, None if op is None else op[0], o["padding"]),
                transpose_length(x[1], kw, sw, 1, None if op is None else op[1], o["padding"]), o["filters"])
    if k == "ZeroPadding2D":
        t, b, l, r = o["padding"]
        return (x[0] + t + b, x[1] + l + r, x[2])
    if k == "Cropping2D":
        t, b, l, r = o["cropping"]
        h, w = x[0] - t - b, x[1] - l - r
        return (h, w, x[2]) if h >= 1 and w >= 1 else None
    if k == "UpSampling2D":
        fh, fw = o["size"]
        return (x[0] * fh, x[1] * fw, x[2])
    if k in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
        return (1, 1, x[2])
    if k == "Add":  # ctnn's Add does not broadcast: a misaligned skip connection is an error
        return x if all(i == x for i in ins) else None
    if k in ("Multiply", "Subtract"):
        # These broadcast as Keras and NumPy do: along each axis equal lengths or 1 (a 1×1×C
        # squeeze-and-excitation gate, an H×W×1 mask).
        out = []
        for axis in range(3):
            lengths = {i[axis] for i in ins} - {1}
            if len(lengths) > 1:
                return None
            out.append(lengths.pop() if lengths else 1)
        return tuple(out)
    if k == "Concatenate":
        return (x[0], x[1], sum(i[2] for i in ins)) if all(i[:2] == x[:2] for i in ins) else None
    if k == "Flatten":
        return (1, 1, x[0] * x[1] * x[2])
    if k == "Reshape":  # row-major, as Keras and ctnn keep it; vectors are held as 1x1xN
        size, known = x[0] * x[1] * x[2], int(np.prod([a for a in o["target_shape"] if a != -1]))
        if known < 1 or size % known or (-1 not in o["target_shape"] and size != known):
            return None
        axes = [size // known if a == -1 else a for a in o["target_shape"]]
        return tuple(axes) if len(axes) == 3 else (1, 1, axes[0])
    if k == "Dense":  # on the last axis, at every position
        return (x[0], x[1], o["units"])
    # Elementwise layers keep their input's shape.
    if k in ("Activation", "ReLU", "LeakyReLU", "ELU", "BatchNormalization", "Rescaling", "Affine"):
        return x
    raise AssertionError(f"no shape rule for {k}")


# Layers that take H×W×C maps only (ctnn refuses them on vectors).
MAP_ONLY = ("Conv2D", "DepthwiseConv2D", "Conv2DTranspose", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D",
            "GlobalMaxPooling2D", "ZeroPadding2D", "Cropping2D", "UpSampling2D", "Concatenate")


def weight_shapes(layer, ins):
    """The weights ctnn's layer declares (Keras names and layouts), to check the readers'."""
    k, o = layer.kind, layer.options
    bias = o.get("use_bias", True)
    if k == "Conv2D":
        kh, kw = o["kernel"]
        g = o.get("groups", 1)
        out = {"kernel": (kh, kw, ins[0][2] // g, o["filters"])}
    elif k == "DepthwiseConv2D":
        kh, kw = o["kernel"]
        out = {"depthwise_kernel": (kh, kw, ins[0][2], o["depth_multiplier"])}
    elif k == "Conv2DTranspose":
        kh, kw = o["kernel"]
        out = {"kernel": (kh, kw, o["filters"], ins[0][2])}
    elif k == "Dense":
        out = {"kernel": (ins[0][2], o["units"])}
    elif k == "BatchNormalization":
        c = ins[0][2]
        out = {"gamma": (c,)} if o.get("scale", True) else {}
        if o.get("center", True):
            out["beta"] = (c,)
        return {**out, "moving_mean": (c,), "moving_variance": (c,)}
    else:
        return {}
    if bias:
        out["bias"] = (layer.shape[2],)
    return out


class Graph:
    """Layers in topological order, one input layer, one output layer."""

    def __init__(self, source):
        self.source = source  # e.g. "model.onnx (ONNX, opset 11, 672 nodes)"
        self.layers = []
        self.by_name = {}
        self.output = None
        self.flat_chw = None  # set when the output is a flattened map in C,H,W order
        self.notes = []  # what passes did, for the report and the header's comment

    def add(self, layer):
        base = layer.name
        n = 1
        while layer.name in self.by_name:
            layer.name = f"{base}_{n}"
            n += 1
        self.layers.append(layer)
        self.by_name[layer.name] = layer
        return layer

    def consumers(self, name):
        return [l for l in self.layers if name in l.inputs]

    def replace_uses(self, old, new):
        for l in self.layers:
            l.inputs = [new if i == old else i for i in l.inputs]
        if self.output == old:
            self.output = new

    def remove(self, layer):
        self.layers.remove(layer)
        del self.by_name[layer.name]

    def prune(self):
        """Drops layers the output does not depend on."""
        live, todo = set(), [self.output]
        while todo:
            n = todo.pop()
            if n not in live:
                live.add(n)
                todo.extend(self.by_name[n].inputs)
        for l in [l for l in self.layers if l.name not in live]:
            self.remove(l)

    def infer(self):
        """Computes every layer's shape and rank (3 for maps, 1 for vectors, which are held as
        1×1×N) and checks its weights against ctnn's declarations."""
        for l in self.layers:
            ins = [self.by_name[i].shape for i in l.inputs]
            ranks = {self.by_name[i].rank for i in l.inputs}
            if l.kind in ("Flatten",) or (l.kind in ("GlobalAveragePooling2D", "GlobalMaxPooling2D") and not l.options.get("keepdims")):
                l.rank = 1
            elif l.kind == "Reshape":
                l.rank = 1 if len(l.options["target_shape"]) == 1 else 3
            elif l.kind in MAP_ONLY and 1 in ranks:
                refuse(l.origin, getattr(l, "op", l.kind), f"ctnn's {l.kind} takes maps, and its input is a vector")
            else:
                l.rank = max(ranks) if ranks else 3
            l.shape = output_shape(l, ins)
            if l.shape is None:
                refuse(l.origin, getattr(l, "op", l.kind), f"its inputs {ins} do not fit ctnn's {l.kind}")
            for w, shp in weight_shapes(l, ins).items():
                if w not in l.weights or tuple(l.weights[w].shape) != tuple(shp):
                    got = None if w not in l.weights else tuple(l.weights[w].shape)
                    raise AssertionError(f"{l.name}: weight {w} is {got}, ctnn expects {shp}")

    def output_is_vector(self):
        """Whether the output is a vector, saved as (1, N) rather than as an NHWC map."""
        return self.by_name[self.output].rank == 1

    def total_params(self):
        return sum(l.params() for l in self.layers)


_IDENT = re.compile(r"[^A-Za-z0-9_]")


def sanitise(name):
    """A layer name as ctnn takes it: letters, digits and '_' ('/' would break '<layer>/<weight>')."""
    s = _IDENT.sub("_", name).strip("_")
    s = re.sub("_+", "_", s)
    return s or "layer"


_CPP_KEYWORDS = set("""alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t
char32_t class compl concept const consteval constexpr constinit const_cast continue co_await co_return co_yield
decltype default delete do double dynamic_cast else enum explicit export extern false float for friend goto if
inline int long mutable namespace new noexcept not not_eq nullptr operator or or_eq private protected public
register reinterpret_cast requires return short signed sizeof static static_assert static_cast struct switch
template this thread_local throw true try typedef typeid typename union unsigned using virtual void volatile
wchar_t while xor xor_eq model""".split())


# Inside the generated function `using namespace ctnn;` is in force, so a variable named `relu` or
# `same` would hide the option of that name from the layers after it, and one named `Flatten` (as
# torch.onnx.export names its Flatten node) the class. ctnn's names at namespace scope (and the
# options and layer classes the emitter writes) are avoided with a trailing '_'.
_CTNN_NAMES = set("""accepted accepts array bilinear chain cost count_kind cropping depth_multiplier dilation_rate dims
entry epsilon expect_shape file_error filters fixed_string flatten gelu graph groups hard_sigmoid hard_swish hw
input_shape keepdims kernel_size kind layer layer_base layer_cost linear margins max_value name named negative_slope
network no_bias no_weights node number offset option output_padding output_shape padding params pool_size relu relu6
run_options same scale shape sigmoid size softmax softplus strides swish tanh tensor tensor_view to_string use_bias
valid version weight weight_spec weights
Activation Add Average AveragePooling2D BatchNormalization Concatenate Conv2D Conv2DTranspose Cropping2D Dense
DepthwiseConv2D Dropout ELU Flatten GaussianNoise GlobalAveragePooling2D GlobalMaxPooling2D Input LeakyReLU
MaxPooling2D Maximum Minimum Model Multiply PReLU ReLU Rescaling Reshape SeparableConv2D Softmax SpatialDropout2D
Subtract UpSampling2D ZeroPadding2D""".split())


def cpp_identifier(name):
    s = sanitise(name)
    if s[0].isdigit() or s in _CPP_KEYWORDS:
        s = "l_" + s
    if s in _CTNN_NAMES:
        s += "_"
    return s
