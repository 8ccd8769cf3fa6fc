# ONNX reader: turns a graph of ONNX nodes (NCHW, opsets 9-17) into the importer's IR of Keras
# layers (NHWC), with the static input shape given at import. Constants, initializers and shape
# subgraphs (Shape, Gather, Cast, Slice, Concat, Unsqueeze, Reshape, ...) are folded with NumPy,
# since with a static input shape they are numbers. Every op is mapped exactly or refused: OPS, the
# one table of op -> handler, says what each supports.
# SPDX-License-Identifier: BSL-1.0
import os

import numpy as np

from .ir import Graph, Layer, Refusal, file_fraction, refuse, same_pads, sanitise

try:
    import onnx
    from onnx import numpy_helper
except ImportError:  # reported by the command line when an ONNX file is given
    onnx = None


class Act:
    """A tensor computed at run time: the IR layer that makes it and its ctnn shape (H, W, C).

    `chw` is set on a flattened map of more than one pixel: ONNX flattens in C,H,W order and
    ctnn in H,W,C order, so what reads it (Dense) must permute, and nothing else may depend on it."""

    def __init__(self, layer, shape, rank=4, chw=None):
        self.layer, self.shape, self.rank, self.chw = layer, tuple(shape), rank, chw

    def onnx_shape(self):
        h, w, c = self.shape
        return [1, c, h, w] if self.rank == 4 else [1, c]


class Reader:
    def __init__(self, path, input_shape):
        if onnx is None:
            raise Refusal("reading ONNX needs Debian's python3-onnx (apt-get install python3-onnx)")
        try:
            self.model = onnx.load(path)
        except Exception as e:  # protobuf's DecodeError and friends: not an ONNX file
            raise Refusal(f"{path}: cannot read as ONNX ({type(e).__name__}: {str(e).strip()[:120]})")
        self.opset = next((o.version for o in self.model.opset_import if o.domain in ("", "ai.onnx")), None)
        g = self.model.graph
        self.graph = Graph(f"{os.path.basename(path)} (ONNX, opset {self.opset}, {len(g.node)} nodes)")
        self.input_shape = input_shape
        self.env = {}  # tensor name -> np.ndarray (constant) or Act

    # --- entry ------------------------------------------------------------------------------
    def read(self):
        g = self.model.graph
        if self.opset is None or not 7 <= self.opset <= 17:
            refuse("model", f"opset {self.opset}", "this opset is not supported", "opsets 9-17 (7-8 where the ops agree)")
        for d in self.model.opset_import:
            if d.domain not in ("", "ai.onnx"):
                used = any(n.domain == d.domain for n in g.node)
                if used:
                    node = next(n for n in g.node if n.domain == d.domain)
                    refuse(f"node '{node.name or node.output[0]}'", f"{d.domain}::{node.op_type}",
                           "ops of custom domains are not supported", "the standard ONNX domain")
        for t in g.initializer:
            self.env[t.name] = numpy_helper.to_array(t)
        inputs = [i for i in g.input if i.name not in self.env]
        if len(inputs) != 1:
            refuse("model", "graph inputs", f"{len(inputs)} inputs ({', '.join(i.name for i in inputs)})",
                   "one input of shape (N, C, H, W)")
        self._input(inputs[0])
        if len(g.output) != 1:
            refuse("model", "graph outputs", f"{len(g.output)} outputs ({', '.join(o.name for o in g.output)})",
                   "one output")
        needed = self._live_nodes()
        counts = {}
        for node in g.node:
            counts[node.op_type] = counts.get(node.op_type, 0) + 1
        self.graph.census = counts  # the file's ops, for --census
        for k, node in enumerate(g.node):
            if k in needed:
                self._node(node)
        self.graph.patterns = self._patterns(needed)
        out = self.env.get(g.output[0].name)
        if not isinstance(out, Act):
            refuse(f"output '{g.output[0].name}'", "graph output", "is a constant, not computed from the input")
        if out.layer == self.input_layer:
            refuse(f"output '{g.output[0].name}'", "graph output", "is the input itself")
        self.graph.output = out.layer
        if out.chw is not None:
            refuse(f"output '{g.output[0].name}'", "graph output",
                   f"is a map of {out.chw[1]}x{out.chw[2]} pixels flattened in ONNX's C,H,W order, which ctnn's "
                   "Flatten (H,W,C order) does not reproduce", "flattened outputs read by a Dense layer, or of 1x1 maps")
        return self.graph

    def _patterns(self, needed):
        """What --census prints: the forms in which the file uses the ops whose mapping depends on
        attributes or constants (HardSigmoid's alpha and beta, Resize's modes, Clip's bounds, the
        shapes of elementwise constants)."""
        out = {}

        def operand(i):
            v = self.env.get(i)
            if isinstance(v, np.ndarray):
                return f"const{tuple(v.shape)}" + (f"={v.ravel()[0]:g}" if v.ndim == 0 else "")
            return "map"
        for k, node in enumerate(self.model.graph.node):
            if k not in needed:
                continue
            a = {x.name: onnx.helper.get_attribute_value(x) for x in node.attribute}
            a = {key: v.decode() if isinstance(v, bytes) else v for key, v in a.items()}
            op = node.op_type
            if op == "HardSigmoid":
                key = f"alpha={a.get('alpha', 0.2):.9g} beta={a.get('beta', 0.5):.9g}"
            elif op in ("Resize", "Upsample"):
                sc = [self.env.get(i) for i in node.input[1:] if i]
                sc = [v.ravel().tolist() for v in sc if isinstance(v, np.ndarray) and v.size == 4]
                key = (f"mode={a.get('mode', 'nearest')} coordinate_transformation_mode={a.get('coordinate_transformation_mode', 'half_pixel')} "
                       f"nearest_mode={a.get('nearest_mode', 'round_prefer_floor')} scales/sizes={sc}")
            elif op == "Clip":
                key = "(" + ", ".join(operand(i) if i else "-" for i in node.input[1:]) + ")" if len(node.input) > 1 else \
                    f"(min={a.get('min')}, max={a.get('max')})"
            elif op in ("Add", "Sub", "Mul", "Div"):
                key = " ".join(operand(i) for i in node.input)
            elif op in ("Conv", "ConvTranspose", "MaxPool", "AveragePool"):
                w = self.env.get(node.input[1]) if len(node.input) > 1 else None
                key = (f"kernel={a.get('kernel_shape', list(w.shape[2:]) if isinstance(w, np.ndarray) else '?')} strides={a.get('strides', [1, 1])} "
                       f"pads={a.get('pads', [0, 0, 0, 0])} group={a.get('group', 1)}")
            else:
                continue
            out[(op, key)] = out.get((op, key), 0) + 1
        return out

    def _live_nodes(self):
        """The nodes the output depends on: others cannot change it and are not mapped."""
        g = self.model.graph
        # By index: protobuf hands out a new wrapper object on each access, so ids do not last.
        producer = {o: k for k, n in enumerate(g.node) for o in n.output if o}
        live, todo = set(), [g.output[0].name]
        seen = set()
        while todo:
            t = todo.pop()
            if t in seen or t not in producer:
                continue
            seen.add(t)
            live.add(producer[t])
            todo.extend(i for i in g.node[producer[t]].input if i)
        return live

    def _input(self, value):
        dims = value.type.tensor_type.shape.dim
        h, w, c = self.input_shape
        if len(dims) != 4:
            refuse(f"input '{value.name}'", "graph input", f"has rank {len(dims)}", "an input of shape (N, C, H, W)")
        declared = [d.dim_value if d.HasField("dim_value") else None for d in dims]
        # The batch is the runner's (1); a file's static batch changes no layer, and a constant that
        # baked it in (a Reshape to (4, -1)) is refused where it is used.
        for axis, want, got in zip("CHW", (c, h, w), declared[1:]):
            if got is not None and got != want:
                refuse(f"input '{value.name}'", "graph input",
                       f"is declared (N, C, H, W) = {tuple(d if d is not None else '?' for d in declared)}, "
                       f"but --input-shape gives H,W,C = {h},{w},{c}", "an --input-shape that agrees with the file")
        layer = self.graph.add(Layer(sanitise(value.name), "InputLayer", [], {"shape": (h, w, c)},
                                     origin=f"input '{value.name}'"))
        layer.shape = (h, w, c)
        self.input_layer = layer.name
        self.env[value.name] = Act(layer.name, (h, w, c))

    # --- one node ---------------------------------------------------------------------------
    def _node(self, node):
        self.node = node
        self.where = f"node '{node.name or node.output[0]}'"
        self.attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        if node.op_type == "Constant":
            self._set(0, self._constant())
            return
        ins = [self.env.get(i) if i else None for i in node.input]
        for i, v in zip(node.input, ins):
            if i and v is None:
                refuse(self.where, node.op_type, f"input '{i}' is produced by no node")
        entry = OPS.get(node.op_type)
        if all(v is None or isinstance(v, np.ndarray) for v in ins) and node.op_type in FOLD:
            outs = [np.asarray(FOLD[node.op_type](self, ins))]  # np.take of a scalar index gives a NumPy scalar
        elif node.op_type == "Shape" and isinstance(ins[0], Act):
            outs = [np.array(ins[0].onnx_shape(), dtype=np.int64)]
        elif entry is None:
            refuse(self.where, node.op_type, "no ctnn layer computes this op", SUPPORTED)
        else:
            outs = entry[0](self, ins)
        if not isinstance(outs, (list, tuple)):
            outs = [outs]
        for k, v in enumerate(outs):
            self._set(k, v)
        for k in range(len(outs), len(node.output)):
            if node.output[k] and self._used(node.output[k]):
                refuse(self.where, node.op_type, f"its output #{k} ('{node.output[k]}') is used", "the first output only")

    def _used(self, tensor):
        return any(tensor in n.input for n in self.model.graph.node) or tensor == self.model.graph.output[0].name

    def _set(self, k, value):
        self.env[self.node.output[k]] = value

    def _constant(self):
        a = self.attrs
        if "value" in a:
            return numpy_helper.to_array(a["value"])
        for key, dtype in (("value_float", np.float32), ("value_int", np.int64)):
            if key in a:
                return np.array(a[key], dtype=dtype)
        for key, dtype in (("value_floats", np.float32), ("value_ints", np.int64)):
            if key in a:
                return np.array(list(a[key]), dtype=dtype)
        refuse(self.where, "Constant", f"has no supported value attribute ({', '.join(a)})", "value, value_float(s), value_int(s)")

    # --- helpers for handlers ---------------------------------------------------------------
    def attr(self, key, default=None):
        return self.attrs.get(key, default)

    def act(self, v, what="input"):
        if not isinstance(v, Act):
            refuse(self.where, self.node.op_type, f"its {what} is a constant", "a map computed from the model's input")
        return v

    def const(self, v, what):
        if not isinstance(v, np.ndarray):
            refuse(self.where, self.node.op_type, f"its {what} is computed at run time", f"a constant {what}")
        return v

    def name(self):
        n = self.node
        return sanitise(n.name or n.output[0])

    def origin(self):
        return f"{self.where}"

    def layer(self, kind, inputs, options=None, weights=None, name=None, suffix=""):
        """Adds an IR layer on Acts `inputs`; returns its output Act, its shape by Keras' rules."""
        from .ir import output_shape
        l = Layer((name or self.name()) + suffix, kind, [a.layer for a in inputs], options, weights,
                  origin=self.where)
        l.op = self.node.op_type
        shape = output_shape(l, [a.shape for a in inputs])
        if shape is None:
            refuse(self.where, self.node.op_type,
                   f"ctnn's {kind} does not take inputs of shapes {' and '.join(map(_hwc, (a.shape for a in inputs)))}")
        l.shape = shape
        self.graph.add(l)
        rank = inputs[0].rank if inputs else 4
        return Act(l.name, shape, rank, inputs[0].chw if inputs and kind not in ("Dense", "Flatten") else None)


def _hwc(s):
    return "x".join(map(str, s))


# --- constant folding (shape subgraphs) -------------------------------------------------------
def _int_div(a, b):
    if np.issubdtype(a.dtype, np.integer) and np.issubdtype(np.asarray(b).dtype, np.integer):
        return (np.trunc(a / b)).astype(a.dtype)
    return (a / b).astype(np.result_type(a, b))


def _slice(r, ins):
    data = ins[0]
    if r.opset < 10:
        starts, ends = r.attr("starts"), r.attr("ends")
        axes, steps = r.attr("axes", list(range(len(starts)))), [1] * len(starts)
    else:
        starts, ends = ins[1].tolist(), ins[2].tolist()
        axes = ins[3].tolist() if len(ins) > 3 and ins[3] is not None else list(range(len(starts)))
        steps = ins[4].tolist() if len(ins) > 4 and ins[4] is not None else [1] * len(starts)
    index = [slice(None)] * data.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        n = data.shape[a]
        # ONNX clamps like Python, with INT64 max/min meaning "to the end".
        e = max(min(e, n), -n - 1) if st < 0 else max(min(e, n), -n)
        index[a] = slice(s, e if not (st < 0 and e == -n - 1) else None, st)
    return data[tuple(index)]


def _unsqueeze(r, ins):
    axes = r.attr("axes") if r.opset < 13 else ins[1].tolist()
    out = ins[0]
    rank = out.ndim + len(axes)
    for a in sorted(x % rank for x in axes):
        out = np.expand_dims(out, a)
    return out


def _squeeze(r, ins):
    axes = r.attr("axes") if r.opset < 13 else (ins[1].tolist() if len(ins) > 1 and ins[1] is not None else None)
    return np.squeeze(ins[0], axis=None if axes is None else tuple(a % ins[0].ndim for a in axes))


def _reshape_dims(r, data_shape, target):
    target = [int(t) for t in target]
    allowzero = r.attr("allowzero", 0)
    out = [data_shape[i] if t == 0 and not allowzero else t for i, t in enumerate(target)]
    if -1 in out:
        known = int(np.prod([t for t in out if t != -1]))
        out[out.index(-1)] = int(np.prod(data_shape)) // known
    return out


def _concat(r, ins):
    return np.concatenate([np.atleast_1d(i) if i.ndim == 0 else i for i in ins], axis=r.attr("axis"))


_CAST = {1: np.float32, 6: np.int32, 7: np.int64, 9: np.bool_, 10: np.float16, 11: np.float64}

FOLD = {
    # op: evaluation on constants. These are the ops of shape subgraphs (and arithmetic on their
    # results); folded whenever all their inputs are known at import.
    "Identity": lambda r, i: i[0],
    "Shape": lambda r, i: np.array(i[0].shape, dtype=np.int64),
    "Gather": lambda r, i: np.take(i[0], i[1], axis=r.attr("axis", 0)),
    "Cast": lambda r, i: i[0].astype(_CAST.get(r.attr("to"), np.float32)),
    "Slice": _slice,
    "Concat": _concat,
    "Unsqueeze": _unsqueeze,
    "Squeeze": _squeeze,
    "Reshape": lambda r, i: i[0].reshape(_reshape_dims(r, i[0].shape, i[1].tolist() if r.opset >= 5 else r.attr("shape"))),
    "Add": lambda r, i: i[0] + i[1],
    "Sub": lambda r, i: i[0] - i[1],
    "Mul": lambda r, i: i[0] * i[1],
    "Div": lambda r, i: _int_div(i[0], i[1]),
    "ConstantOfShape": lambda r, i: np.full(i[0].astype(np.int64).tolist(),
                                            numpy_helper.to_array(r.attr("value")).ravel()[0] if r.attr("value") is not None else 0.0,
                                            dtype=numpy_helper.to_array(r.attr("value")).dtype if r.attr("value") is not None else np.float32),
    "Floor": lambda r, i: np.floor(i[0]),
    "Ceil": lambda r, i: np.ceil(i[0]),
    "Range": lambda r, i: np.arange(i[0], i[1], i[2]).astype(i[0].dtype),
}


# --- op handlers --------------------------------------------------------------------------------
def _pads4(r, k):
    """ONNX pads [top, left, bottom, right] of a 2-D window, auto_pad resolved for the input."""
    pads = r.attr("pads", [0, 0, 0, 0])
    if len(pads) != 4:
        refuse(r.where, r.node.op_type, f"pads {pads} are not those of a 2-D window", "4 pads")
    if any(p < 0 for p in pads):
        refuse(r.where, r.node.op_type, f"negative pads {pads}", "pads of at least 0")
    return [int(p) for p in pads]


def _auto_pad(r, x, kernel, strides, dilations):
    mode = r.attr("auto_pad", b"NOTSET")
    mode = mode.decode() if isinstance(mode, bytes) else mode
    if mode == "NOTSET":
        return _pads4(r, kernel)
    if mode == "VALID":
        return [0, 0, 0, 0]
    (bh, ah), (bw, aw) = (same_pads(x.shape[a], kernel[a], strides[a], dilations[a]) for a in (0, 1))
    if mode == "SAME_UPPER":  # the extra pixel at the end, as TensorFlow
        return [bh, bw, ah, aw]
    if mode == "SAME_LOWER":
        return [ah, aw, bh, bw]
    refuse(r.where, r.node.op_type, f"auto_pad {mode}", "NOTSET, VALID, SAME_UPPER, SAME_LOWER")


def _padding(r, x, kernel, strides, dilations, pads, zero_padding_ok=True, why_not=""):
    """'valid', 'same' or a ZeroPadding2D before a 'valid' window: whichever equals the pads.

    Keras' 'same' pads as TensorFlow does (the odd pixel at the end); ONNX's explicit pads may put
    it elsewhere, or pad more than needed, and then only an explicit ZeroPadding2D is exact."""
    t, l, b, rr = pads
    if pads == [0, 0, 0, 0]:
        return x, "valid"
    same = [*same_pads(x.shape[0], kernel[0], strides[0], dilations[0]), *same_pads(x.shape[1], kernel[1], strides[1], dilations[1])]
    if [t, b, l, rr] == same:
        return x, "same"
    if not zero_padding_ok:
        refuse(r.where, r.node.op_type, f"pads {pads} differ from 'same' ({same[0]},{same[2]},{same[1]},{same[3]}) "
               f"at this input size, and {why_not}", "pads of 0, or equal to TensorFlow's 'same'")
    return r.layer("ZeroPadding2D", [x], {"padding": (t, b, l, rr)}, suffix="_pad"), "valid"


def _hw_attr(r, key, default=1):
    v = r.attr(key, [default, default])
    if len(v) != 2:
        refuse(r.where, r.node.op_type, f"{key} {list(v)} is not 2-D", "2-D windows on (N, C, H, W) maps")
    return tuple(int(a) for a in v)


def conv(r, ins):
    x = r.act(ins[0])
    w = r.const(ins[1], "weight")
    b = ins[2] if len(ins) > 2 else None
    if b is not None:
        b = r.const(b, "bias")
    if x.rank != 4 or w.ndim != 4:
        refuse(r.where, "Conv", f"a {w.ndim - 2}-D convolution", "2-D convolutions on (N, C, H, W)")
    kernel = tuple(w.shape[2:])
    if tuple(r.attr("kernel_shape", kernel)) != kernel:
        refuse(r.where, "Conv", "kernel_shape disagrees with the weight's shape")
    strides, dil = _hw_attr(r, "strides"), _hw_attr(r, "dilations")
    if max(strides) > 1 and max(dil) > 1:
        refuse(r.where, "Conv", f"strides {strides} together with dilations {dil}",
               "a stride above 1 or a dilation above 1, not both (as Keras)")
    g = int(r.attr("group", 1))
    cin, cout = x.shape[2], w.shape[0]
    if w.shape[1] * g != cin or cout % g:
        refuse(r.where, "Conv", f"weight {w.shape} does not fit {cin} input channels in {g} groups")
    x, padding = _padding(r, x, kernel, strides, dil, _auto_pad(r, x, kernel, strides, dil))
    opts = {"kernel": kernel, "strides": strides, "dilation": dil, "padding": padding, "use_bias": b is not None}
    weights = {}
    if g > 1 and g == cin:
        m = cout // cin
        opts["depth_multiplier"] = m
        weights["depthwise_kernel"] = w.reshape(cin, m, *kernel).transpose(2, 3, 0, 1)
        kind = "DepthwiseConv2D"
    else:
        opts = {"filters": int(cout), **opts}
        if g > 1:
            opts["groups"] = g
        weights["kernel"] = w.transpose(2, 3, 1, 0)
        kind = "Conv2D"
    if b is not None:
        weights["bias"] = b
    return r.layer(kind, [x], opts, _f32(weights))


def conv_transpose(r, ins):
    x = r.act(ins[0])
    w = r.const(ins[1], "weight")
    b = r.const(ins[2], "bias") if len(ins) > 2 and ins[2] is not None else None
    if w.ndim != 4:
        refuse(r.where, "ConvTranspose", f"a {w.ndim - 2}-D transposed convolution", "2-D")
    if int(r.attr("group", 1)) != 1:
        refuse(r.where, "ConvTranspose", f"group {r.attr('group')}", "group 1 (ctnn's Conv2DTranspose has no groups)")
    if r.attr("output_shape") is not None:
        refuse(r.where, "ConvTranspose", "output_shape is given", "pads and output_padding")
    mode = r.attr("auto_pad", b"NOTSET")
    if mode not in (b"NOTSET", b"VALID", "NOTSET", "VALID"):
        refuse(r.where, "ConvTranspose", f"auto_pad {mode.decode() if isinstance(mode, bytes) else mode}", "NOTSET, VALID")
    kernel, strides, dil = tuple(w.shape[2:]), _hw_attr(r, "strides"), _hw_attr(r, "dilations")
    if dil != (1, 1):
        refuse(r.where, "ConvTranspose", f"dilations {dil}", "dilations 1")
    pads = _pads4(r, kernel) if mode in (b"NOTSET", "NOTSET") else [0, 0, 0, 0]
    op = _hw_attr(r, "output_padding", 0)
    if any(o >= s for o, s in zip(op, strides)):
        refuse(r.where, "ConvTranspose", f"output_padding {op} not below strides {strides}", "output_padding < strides (as Keras)")
    if w.shape[0] != x.shape[2]:
        refuse(r.where, "ConvTranspose", f"weight {w.shape} does not fit {x.shape[2]} input channels")
    cout = int(w.shape[1])
    opts = {"filters": cout, "kernel": kernel, "strides": strides, "padding": "valid", "use_bias": b is not None}
    # Keras' 'valid' without output_padding is n·s + max(k − s, 0), ONNX's full length (n − 1)·s + k + op:
    # equal when op = 0 and k ≥ s, and otherwise set output_padding to get exactly ONNX's.
    if op != (0, 0) or any(k < s for k, s in zip(kernel, strides)):
        opts["output_padding"] = op
    weights = {"kernel": w.transpose(2, 3, 1, 0)}
    if b is not None:
        weights["bias"] = b
    y = r.layer("Conv2DTranspose", [x], opts, _f32(weights))
    t, l, bb, rr = pads
    if pads != [0, 0, 0, 0]:
        y = r.layer("Cropping2D", [y], {"cropping": (t, bb, l, rr)}, suffix="_crop")
    return y


def batch_norm(r, ins):
    x = r.act(ins[0])
    if r.attr("training_mode", 0):
        refuse(r.where, "BatchNormalization", "training_mode 1", "inference (training_mode 0)")
    if r.opset < 9 and r.attr("spatial", 1) != 1:
        refuse(r.where, "BatchNormalization", "spatial 0", "spatial 1")
    scale, bias, mean, var = (r.const(v, n) for v, n in zip(ins[1:5], ("scale", "bias", "mean", "var")))
    eps = r.attr("epsilon", 1e-5)
    return r.layer("BatchNormalization", [x], {"epsilon": eps},
                   _f32({"gamma": scale, "beta": bias, "moving_mean": mean, "moving_variance": var}))


def relu(r, ins):
    return r.layer("ReLU", [r.act(ins[0])], {})


def clip(r, ins):
    x = r.act(ins[0])
    if r.opset < 11:
        lo, hi = r.attr("min", -np.inf), r.attr("max", np.inf)
    else:
        lo = float(r.const(ins[1], "min")) if len(ins) > 1 and ins[1] is not None else -np.inf
        hi = float(r.const(ins[2], "max")) if len(ins) > 2 and ins[2] is not None else np.inf
    if lo != 0:
        refuse(r.where, "Clip", f"min {lo}", "Clip(0, max) and Clip(0) (ReLU with max_value)")
    opts = {} if hi == np.inf else {"max_value": np.float32(hi)}
    return r.layer("ReLU", [x], opts)


def leaky_relu(r, ins):
    return r.layer("LeakyReLU", [r.act(ins[0])], {"negative_slope": np.float32(r.attr("alpha", 0.01))})


def activation(fn):
    return lambda r, ins: r.layer("Activation", [r.act(ins[0])], {"activation": fn})


def hard_sigmoid(r, ins):
    """clip(αx + β, 0, 1) = hard_sigmoid(6αx + 6β − 3), with Keras 3's hard_sigmoid = relu6(x + 3)/6."""
    x = r.act(ins[0])
    alpha, beta = np.float32(r.attr("alpha", 0.2)), np.float32(r.attr("beta", 0.5))
    if alpha == np.float32(1 / 6) and beta == np.float32(0.5):
        return r.layer("Activation", [x], {"activation": "hard_sigmoid"})
    a, b = file_fraction(alpha), file_fraction(beta)
    scaled = r.layer("Rescaling", [x], {"scale": 6 * a, "offset": 6 * b - 3}, suffix="_scale")
    return r.layer("Activation", [scaled], {"activation": "hard_sigmoid"})


def softmax(r, ins):
    x = r.act(ins[0])
    axis = r.attr("axis", 1 if r.opset < 13 else -1)
    rank = x.rank
    axis = axis % rank
    # Before opset 13, Softmax flattens the axes from `axis` on: over C·H·W for axis 1 of a map.
    channel = axis == 1 and (rank == 2 or r.opset >= 13 or x.shape[:2] == (1, 1))
    if not channel:
        given = r.attr("axis")
        said = f"axis {given}" if given is not None else f"the default axis ({-1 if r.opset >= 13 else 1})"
        refuse(r.where, "Softmax", f"{said} at opset {r.opset} of a rank-{rank} tensor is not the channel axis alone",
               "softmax over channels (axis 1, or -3 of a map from opset 13)")
    return r.layer("Activation", [x], {"activation": "softmax"})


def _broadcast_const(r, c, x):
    """A constant operand of an elementwise op: a scalar, or one value per channel; else refused."""
    c = np.asarray(c, dtype=np.float32)
    if c.size == 1:
        return c.reshape(()), False
    chans = x.shape[2]
    shp = list(c.shape)
    while shp and shp[0] == 1 and len(shp) > (3 if x.rank == 4 else 1):
        shp.pop(0)
    per_channel = (x.rank == 4 and len(shp) == 3 and shp == [chans, 1, 1]) or \
                  (x.rank == 2 and len(shp) == 1 and shp[0] == chans)
    if not per_channel or c.ndim > x.rank:
        refuse(r.where, r.node.op_type, f"constant of shape {tuple(c.shape)} against a map of {_hwc(x.shape)} ",
               "scalar or per-channel constants ((C,1,1), (1,C,1,1), (C,) after Flatten)")
    v = c.reshape(chans)
    if x.chw is not None:  # features of a flattened map in C,H,W order
        refuse(r.where, r.node.op_type, "per-feature constant on a map flattened in C,H,W order", "scalars")
    return v, True


def elementwise(kind):
    def handle(r, ins):
        a, b = ins[0], ins[1]
        if isinstance(a, Act) and isinstance(b, Act):
            if kind == "Div":
                refuse(r.where, "Div", "divides two computed maps", "Div by a constant")
            layer = {"Add": "Add", "Sub": "Subtract", "Mul": "Multiply"}[kind]
            return r.layer(layer, [a, b], {})
        x = a if isinstance(a, Act) else b
        c, per_channel = _broadcast_const(r, b if x is a else a, x)
        opts = {"per_channel": per_channel}
        if kind == "Add":
            opts["shift"] = c
        elif kind == "Mul":
            opts["scale"] = c
        elif kind == "Sub":
            if x is a:
                opts["shift"] = -c
            else:  # c − x
                opts["scale"], opts["shift"] = -np.ones_like(c), c
        elif kind == "Div":
            if x is not a:
                refuse(r.where, "Div", "divides a constant by a computed map", "Div of a map by a constant")
            if np.any(c == 0):
                refuse(r.where, "Div", "divides by zero", "nonzero constants")
            opts["divisor"] = c
        return r.layer("Affine", [x], opts)
    return handle


def _pool_common(r, x, kind):
    kernel = tuple(r.attr("kernel_shape"))
    strides = _hw_attr(r, "strides")
    if len(kernel) != 2:
        refuse(r.where, r.node.op_type, f"kernel_shape {kernel}", "2-D pooling")
    if _hw_attr(r, "dilations") != (1, 1):
        refuse(r.where, r.node.op_type, f"dilations {r.attr('dilations')}", "dilations 1")
    pads = _auto_pad(r, x, kernel, strides, (1, 1))
    if r.attr("ceil_mode", 0):
        # ceil_mode changes nothing when the windows tile the padded input exactly.
        for a, (bp, ap) in enumerate(((pads[0], pads[2]), (pads[1], pads[3]))):
            n = x.shape[a] + bp + ap - kernel[a]
            if n % strides[a]:
                refuse(r.where, r.node.op_type, "ceil_mode 1 adds a partial window at this input size", "ceil_mode 0")
    return kernel, strides, pads


def max_pool(r, ins):
    x = r.act(ins[0])
    kernel, strides, pads = _pool_common(r, x, "MaxPooling2D")
    # ONNX pads a max pool with −inf, ctnn's ZeroPadding2D with zeros: the same only when the input
    # is never negative, as after a ReLU, and every window keeps a real pixel (pad < kernel).
    producer = r.graph.by_name[x.layer]
    nonneg = producer.kind == "ReLU" or (producer.kind in ("Conv2D", "Dense") and producer.options.get("activation") == "relu")
    ok = nonneg and all(p < k for p, k in zip(pads, kernel + kernel))
    x, padding = _padding(r, x, kernel, strides, (1, 1), pads, ok,
                          "ONNX pads a max pool with -inf: zeros are the same only after a ReLU")
    return r.layer("MaxPooling2D", [x], {"pool": kernel, "strides": strides, "padding": padding})


def average_pool(r, ins):
    x = r.act(ins[0])
    kernel, strides, pads = _pool_common(r, x, "AveragePooling2D")
    include = r.attr("count_include_pad", 0)
    if include:  # padded zeros are counted: exactly a ZeroPadding2D before a valid pool
        if pads != [0, 0, 0, 0]:
            x = r.layer("ZeroPadding2D", [x], {"padding": (pads[0], pads[2], pads[1], pads[3])}, suffix="_pad")
        padding = "valid"
    else:
        x, padding = _padding(r, x, kernel, strides, (1, 1), pads, False,
                              "count_include_pad 0 excludes padding from the average")
    return r.layer("AveragePooling2D", [x], {"pool": kernel, "strides": strides, "padding": padding})


def global_average_pool(r, ins):
    return r.layer("GlobalAveragePooling2D", [r.act(ins[0])], {"keepdims": True})


def global_max_pool(r, ins):
    return r.layer("GlobalMaxPooling2D", [r.act(ins[0])], {"keepdims": True})


def elu(r, ins):
    alpha = np.float32(r.attr("alpha", 1.0))
    if alpha == 1:
        return r.layer("Activation", [r.act(ins[0])], {"activation": "elu"})
    return r.layer("ELU", [r.act(ins[0])], {"alpha": alpha})


def _resize_factors(r, x, scales, sizes):
    h, w = x.shape[0], x.shape[1]
    if sizes is not None and sizes.size:
        out = [int(v) for v in sizes.ravel()]
        if len(out) != 4 or out[:2] != [1, x.shape[2]]:
            refuse(r.where, r.node.op_type, f"sizes {out}", "sizes (N, C, f·H, f·W)")
        if out[2] % h or out[3] % w:
            refuse(r.where, r.node.op_type, f"sizes {out} are not whole multiples of {h}x{w}", "integer factors")
        return out[2] // h, out[3] // w
    s = [float(v) for v in scales.ravel()]
    if len(s) != 4 or s[:2] != [1.0, 1.0]:
        refuse(r.where, r.node.op_type, f"scales {s}", "scales (1, 1, f, f)")
    f = []
    for v in s[2:]:
        if v != int(v) or v < 1:
            refuse(r.where, r.node.op_type, f"scale {v} is not a whole number", "integer factors ≥ 1 (UpSampling2D)")
        f.append(int(v))
    return tuple(f)


def _nearest_is_repeat(coord, nearest, n, f):
    """Whether ONNX's nearest Resize of length n by f picks pixel ⌊x/f⌋, as UpSampling2D does."""
    for x in range(n * f):
        if coord == "asymmetric":
            src = x / f
        elif coord in ("half_pixel", "pytorch_half_pixel"):
            src = (x + 0.5) / f - 0.5 if (coord == "half_pixel" or n * f > 1) else 0.0
        elif coord == "align_corners":
            src = x * (n - 1) / (n * f - 1) if n * f > 1 else 0.0
        elif coord == "tf_half_pixel_for_nn":
            src = (x + 0.5) / f
        else:
            return False
        if nearest == "floor":
            i = np.floor(src)
        elif nearest == "ceil":
            i = np.ceil(src)
        elif nearest == "round_prefer_ceil":
            i = np.floor(src + 0.5)
        else:  # round_prefer_floor, the default
            i = np.ceil(src - 0.5)
        if min(max(int(i), 0), n - 1) != x // f:
            return False
    return True


def resize(r, ins):
    x = r.act(ins[0])
    op = r.node.op_type
    if op == "Upsample":
        mode = r.attr("mode", b"nearest")
        scales = np.array(r.attr("scales"), dtype=np.float32) if r.opset < 9 else r.const(ins[1], "scales")
        sizes, coord, nearest = None, "asymmetric", "floor"  # Upsample's only coordinates
    else:
        mode = r.attr("mode", b"nearest")
        if r.opset < 11:
            scales, sizes = r.const(ins[1], "scales"), None
            coord, nearest = "asymmetric", "floor"
        else:
            scales = r.const(ins[2], "scales") if len(ins) > 2 and ins[2] is not None else np.zeros(0)
            sizes = r.const(ins[3], "sizes") if len(ins) > 3 and ins[3] is not None else None
            coord = r.attr("coordinate_transformation_mode", b"half_pixel")
            nearest = r.attr("nearest_mode", b"round_prefer_floor")
    mode = mode.decode() if isinstance(mode, bytes) else mode
    coord = coord.decode() if isinstance(coord, bytes) else coord
    nearest = nearest.decode() if isinstance(nearest, bytes) else nearest
    fh, fw = _resize_factors(r, x, scales, sizes)
    if mode == "nearest":
        for n, f in ((x.shape[0], fh), (x.shape[1], fw)):
            if not _nearest_is_repeat(coord, nearest, n, f):
                refuse(r.where, op, f"nearest with coordinate_transformation_mode {coord} and nearest_mode {nearest} "
                       f"does not repeat pixels at factor {f}", "nearest modes that repeat each pixel f times (UpSampling2D)")
        return r.layer("UpSampling2D", [x], {"size": (fh, fw)})
    if mode in ("linear", "bilinear"):
        # UpSampling2D's bilinear samples at half-pixel centres without aligned corners
        # (TensorFlow's half_pixel_centers): ONNX's half_pixel, and pytorch_half_pixel for outputs
        # longer than one pixel.
        if coord not in ("half_pixel", "pytorch_half_pixel"):
            refuse(r.where, op, f"linear with coordinate_transformation_mode {coord}",
                   "linear with half_pixel or pytorch_half_pixel (PyTorch align_corners=False)")
        return r.layer("UpSampling2D", [x], {"size": (fh, fw), "interpolation": "bilinear"})
    refuse(r.where, op, f"mode {mode}", "nearest, linear")


def concat(r, ins):
    xs = [r.act(v) for v in ins]
    axis = r.attr("axis")
    if axis % xs[0].rank != 1:
        refuse(r.where, "Concat", f"axis {axis}", "the channel axis (1)")
    if any(x.chw for x in xs):
        refuse(r.where, "Concat", "joins maps flattened in C,H,W order", "channels of maps")
    if len(xs) == 1:
        return xs[0]
    return r.layer("Concatenate", xs, {})


def _flatten_to(r, x):
    if x.rank == 2:
        return x
    h, w, c = x.shape
    y = r.layer("Flatten", [x], {})
    y.rank = 2
    y.chw = (c, h, w) if h * w > 1 else None
    return y


def flatten(r, ins):
    x = r.act(ins[0])
    if r.attr("axis", 1) != 1:
        refuse(r.where, "Flatten", f"axis {r.attr('axis')}", "axis 1")
    return _flatten_to(r, x)


def reshape(r, ins):
    x = r.act(ins[0])
    target = r.const(ins[1], "shape").tolist() if r.opset >= 5 else r.attr("shape")
    dims = _reshape_dims(r, x.onnx_shape(), target)
    if dims == x.onnx_shape():
        return x
    if dims == [1, int(np.prod(x.onnx_shape()))]:
        return _flatten_to(r, x)
    refuse(r.where, "Reshape", f"reshapes {x.onnx_shape()} to {dims}", "(N, C, H, W) -> (N, C·H·W) (a Flatten)")


def _dense(r, x, kernel, bias):
    """Dense on a flattened map: ONNX's rows come in C,H,W order, Keras' in H,W,C order."""
    x = r.act(x)
    if x.rank != 2:
        refuse(r.where, r.node.op_type, "multiplies a 4-D map", "(N, features) after Flatten")
    if kernel.shape[0] != x.shape[2]:
        refuse(r.where, r.node.op_type, f"weight {kernel.shape} does not fit {x.shape[2]} features")
    if x.chw is not None:
        c, h, w = x.chw
        kernel = kernel.reshape(c, h, w, -1).transpose(1, 2, 0, 3).reshape(c * h * w, -1)
    weights = {"kernel": kernel}
    if bias is not None:
        weights["bias"] = bias
    y = r.layer("Dense", [x], {"units": int(kernel.shape[1]), "use_bias": bias is not None}, _f32(weights))
    y.rank = 2
    return y


def gemm(r, ins):
    if r.attr("transA", 0):
        refuse(r.where, "Gemm", "transA 1", "transA 0")
    b = r.const(ins[1], "B")
    c = r.const(ins[2], "C") if len(ins) > 2 and ins[2] is not None else None
    if r.attr("alpha", 1.0) != 1.0 or (c is not None and r.attr("beta", 1.0) != 1.0):
        refuse(r.where, "Gemm", f"alpha {r.attr('alpha', 1.0)}, beta {r.attr('beta', 1.0)}", "alpha 1 and beta 1")
    kernel = b.T if r.attr("transB", 0) else b
    if c is not None:
        c = np.broadcast_to(c, (kernel.shape[1],)) if c.size in (1, kernel.shape[1]) else None
        if c is None:
            refuse(r.where, "Gemm", "C is not one value per output", "C of shape (units,)")
    return _dense(r, ins[0], kernel, c)


def matmul(r, ins):
    return _dense(r, ins[0], r.const(ins[1], "B"), None)


def identity(r, ins):
    return r.act(ins[0])


def cast(r, ins):
    if _CAST.get(r.attr("to")) is not np.float32:
        refuse(r.where, "Cast", f"casts a map to ONNX type {r.attr('to')}", "float32 (the identity on ctnn's maps)")
    return r.act(ins[0])


def dropout(r, ins):
    if len(ins) > 2 and ins[2] is not None and bool(r.const(ins[2], "training_mode")):
        refuse(r.where, "Dropout", "training_mode true", "inference (Dropout is then the identity)")
    return r.act(ins[0])


def pad(r, ins):
    x = r.act(ins[0])
    mode = r.attr("mode", b"constant")
    mode = mode.decode() if isinstance(mode, bytes) else mode
    if mode != "constant":
        refuse(r.where, "Pad", f"mode {mode}", "constant zeros (ZeroPadding2D)")
    if r.opset < 11:
        p, value = r.attr("pads"), r.attr("value", 0.0)
    else:
        p = r.const(ins[1], "pads").tolist()
        value = float(r.const(ins[2], "constant_value")) if len(ins) > 2 and ins[2] is not None else 0.0
    if value != 0.0:
        refuse(r.where, "Pad", f"value {value}", "zeros (ZeroPadding2D)")
    if len(p) != 8 or p[0] or p[1] or p[4] or p[5] or min(p) < 0:
        refuse(r.where, "Pad", f"pads {p}", "non-negative pads of H and W only")
    return r.layer("ZeroPadding2D", [x], {"padding": (p[2], p[6], p[3], p[7])})


def _f32(weights):
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in weights.items()}


# The one table: ONNX op -> (handler, what of it maps, to which ctnn layers).
OPS = {
    "Conv": (conv, "2-D, any pads (asymmetric: ZeroPadding2D + valid), strides, dilations, groups -> Conv2D / DepthwiseConv2D"),
    "ConvTranspose": (conv_transpose, "2-D, group 1, pads and output_padding -> Conv2DTranspose (+ Cropping2D)"),
    "BatchNormalization": (batch_norm, "inference -> BatchNormalization"),
    "Relu": (relu, "-> ReLU"),
    "Clip": (clip, "Clip(0) and Clip(0, max) -> ReLU(max_value)"),
    "LeakyRelu": (leaky_relu, "-> LeakyReLU(negative_slope)"),
    "Sigmoid": (activation("sigmoid"), "-> Activation(sigmoid)"),
    "Tanh": (activation("tanh"), "-> Activation(tanh)"),
    "Softplus": (activation("softplus"), "-> Activation(softplus)"),
    "HardSigmoid": (hard_sigmoid, "alpha 1/6, beta 0.5 -> Activation(hard_sigmoid); others -> Rescaling + hard_sigmoid"),
    "HardSwish": (activation("hard_swish"), "-> Activation(hard_swish)"),
    "Softmax": (softmax, "over channels -> Activation(softmax)"),
    "Add": (elementwise("Add"), "two maps of one shape -> Add; a scalar or per-channel constant -> Rescaling / 1x1 DepthwiseConv2D / bias"),
    "Sub": (elementwise("Sub"), "two maps (broadcasting) -> Subtract; constants as Add"),
    "Mul": (elementwise("Mul"), "two maps (broadcasting: 1x1xC gates, HxWx1 masks) -> Multiply; constants -> Rescaling / 1x1 DepthwiseConv2D"),
    "Div": (elementwise("Div"), "by a scalar or per-channel constant -> Rescaling / 1x1 DepthwiseConv2D"),
    "MaxPool": (max_pool, "2-D, 'same' pads (others after a ReLU) -> MaxPooling2D"),
    "AveragePool": (average_pool, "2-D -> AveragePooling2D (+ ZeroPadding2D when count_include_pad)"),
    "GlobalAveragePool": (global_average_pool, "-> GlobalAveragePooling2D(keepdims)"),
    "GlobalMaxPool": (global_max_pool, "-> GlobalMaxPooling2D(keepdims)"),
    "Elu": (elu, "-> Activation(elu), or ELU(alpha)"),
    "Resize": (resize, "integer factors; nearest that repeats pixels, linear half_pixel -> UpSampling2D"),
    "Upsample": (resize, "integer factors -> UpSampling2D"),
    "Concat": (concat, "on channels -> Concatenate"),
    "Flatten": (flatten, "axis 1 -> Flatten"),
    "Reshape": (reshape, "(N, C, H, W) -> (N, C·H·W) -> Flatten"),
    "Gemm": (gemm, "alpha 1, beta 1 -> Dense"),
    "MatMul": (matmul, "by a constant -> Dense"),
    "Identity": (identity, "nothing"),
    "Cast": (cast, "to float32: nothing"),
    "Dropout": (dropout, "inference: nothing"),
    "Pad": (pad, "constant zeros on H and W -> ZeroPadding2D"),
}

SUPPORTED = ", ".join(sorted(OPS)) + " (and " + ", ".join(sorted(set(FOLD) - set(OPS))) + " on constants)"
