# Two NumPy references for the importer's tests, sharing no code with it or with ctnn: an evaluator
# of ONNX graphs (NCHW, from the operator definitions) for the ops the tests use, and an evaluator
# of the importer's layer IR with Keras' semantics (NHWC). An import is right when the two agree:
# that checks each mapping and rewrite (padding choices, fusions, folded biases, exact constants)
# before, and independently of, ctnn running it. Also PP-OCRv4's test input: a procedural text page
# and PaddleOCR's preprocessing of it.
# SPDX-License-Identifier: BSL-1.0
import numpy as np
from onnx import helper, numpy_helper


# --- ONNX, NCHW -----------------------------------------------------------------------------------
def conv_nchw(x, w, b, strides, pads, dil, group=1):
    t, l, bo, r = pads
    x = np.pad(x, ((0, 0), (0, 0), (t, bo), (l, r)))
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    oh = (h - dil[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (wd - dil[1] * (kw - 1) - 1) // strides[1] + 1
    y = np.zeros((n, o, oh, ow))
    og = o // group
    for g in range(group):
        xs, ws = x[:, g * cg:(g + 1) * cg], w[g * og:(g + 1) * og]
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i * dil[0]: i * dil[0] + strides[0] * (oh - 1) + 1: strides[0],
                           j * dil[1]: j * dil[1] + strides[1] * (ow - 1) + 1: strides[1]]
                y[:, g * og:(g + 1) * og] += np.einsum("nchw,oc->nohw", patch, ws[:, :, i, j])
    return y if b is None else y + b.reshape(1, -1, 1, 1)


def conv_transpose_nchw(x, w, b, strides, pads, output_padding):
    n, c, h, wd = x.shape
    _, o, kh, kw = w.shape
    full = np.zeros((n, o, (h - 1) * strides[0] + kh + output_padding[0], (wd - 1) * strides[1] + kw + output_padding[1]))
    for i in range(h):
        for j in range(wd):
            full[:, :, i * strides[0]: i * strides[0] + kh, j * strides[1]: j * strides[1] + kw] += np.einsum("nc,cokl->nokl", x[:, :, i, j], w)
    t, l, bo, r = pads
    y = full[:, :, t: full.shape[2] - bo, l: full.shape[3] - r]
    return y if b is None else y + b.reshape(1, -1, 1, 1)


def pool_nchw(x, k, s, pads, kind, count_include_pad=0):
    t, l, bo, r = pads
    fill = -np.inf if kind == "max" else 0.0
    xp = np.pad(x, ((0, 0), (0, 0), (t, bo), (l, r)), constant_values=fill)
    ones = np.pad(np.ones_like(x), ((0, 0), (0, 0), (t, bo), (l, r)), constant_values=1.0 if count_include_pad else 0.0)
    n, c, h, w = xp.shape
    oh, ow = (h - k[0]) // s[0] + 1, (w - k[1]) // s[1] + 1
    acc = np.full((n, c, oh, ow), -np.inf) if kind == "max" else np.zeros((n, c, oh, ow))
    cnt = np.zeros((n, c, oh, ow))
    for i in range(k[0]):
        for j in range(k[1]):
            win = xp[:, :, i: i + s[0] * (oh - 1) + 1: s[0], j: j + s[1] * (ow - 1) + 1: s[1]]
            acc = np.maximum(acc, win) if kind == "max" else acc + win
            cnt += ones[:, :, i: i + s[0] * (oh - 1) + 1: s[0], j: j + s[1] * (ow - 1) + 1: s[1]]
    return acc if kind == "max" else acc / cnt


def resize_nchw(x, scales, mode, coord, nearest_mode):
    n, c, h, w = x.shape
    oh, ow = int(h * scales[2]), int(w * scales[3])

    def src(o, length, f):
        xo = np.arange(o, dtype=np.float64)
        if coord == "asymmetric":
            return xo / f
        if coord in ("half_pixel", "pytorch_half_pixel"):
            return (xo + 0.5) / f - 0.5
        raise NotImplementedError(coord)
    sh, sw = src(oh, h, scales[2]), src(ow, w, scales[3])
    if mode == "nearest":
        def pick(s, length):
            i = {"floor": np.floor(s), "ceil": np.ceil(s), "round_prefer_floor": np.ceil(s - 0.5), "round_prefer_ceil": np.floor(s + 0.5)}[nearest_mode]
            return np.clip(i.astype(int), 0, length - 1)
        return x[:, :, pick(sh, h)][:, :, :, pick(sw, w)]

    def weights(s, length):
        s = np.clip(s, 0, length - 1)
        lo = np.floor(s).astype(int)
        hi = np.minimum(lo + 1, length - 1)
        return lo, hi, s - lo
    (lh, hh, fh), (lw, hw, fw) = weights(sh, h), weights(sw, w)
    rows = x[:, :, lh] * (1 - fh)[None, None, :, None] + x[:, :, hh] * fh[None, None, :, None]
    return rows[:, :, :, lw] * (1 - fw) + rows[:, :, :, hw] * fw


def onnx_forward(model, x, hook=None, env=None):
    """Runs an ONNX graph (one input, one output) in float64 NumPy. `hook(node, env, y)`, where
    given, sees each node's output and returns it, maybe changed."""
    with np.errstate(over="ignore"):  # exp overflows to inf in saturated sigmoids, as intended
        return _onnx_forward(model, x, hook, env)


def _onnx_forward(model, x, hook, env):
    g = model.graph
    env = env if env is not None else {}
    env.update({t.name: numpy_helper.to_array(t).astype(np.float64) if numpy_helper.to_array(t).dtype.kind == "f"
                else numpy_helper.to_array(t) for t in g.initializer if t.name not in env})
    env[[i.name for i in g.input if i.name not in env][0]] = x.astype(np.float64)
    for node in g.node:
        a = {at.name: helper.get_attribute_value(at) for at in node.attribute}
        ins = [env.get(i) if i else None for i in node.input]
        op = node.op_type
        dec = lambda v: v.decode() if isinstance(v, bytes) else v  # noqa: E731
        if op == "Constant":
            y = numpy_helper.to_array(a["value"])
            y = y.astype(np.float64) if y.dtype.kind == "f" else y
        elif op == "Conv":
            w = ins[1]
            pads = a.get("pads", [0, 0, 0, 0])
            y = conv_nchw(ins[0], w, ins[2] if len(ins) > 2 else None, a.get("strides", [1, 1]), pads, a.get("dilations", [1, 1]), a.get("group", 1))
        elif op == "ConvTranspose":
            y = conv_transpose_nchw(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a.get("strides", [1, 1]), a.get("pads", [0, 0, 0, 0]),
                                    a.get("output_padding", [0, 0]))
        elif op == "BatchNormalization":
            x0, s, b, m, v = ins
            sh = (1, -1, 1, 1)
            y = (x0 - m.reshape(sh)) / np.sqrt(v.reshape(sh) + a.get("epsilon", 1e-5)) * s.reshape(sh) + b.reshape(sh)
        elif op == "Relu":
            y = np.maximum(ins[0], 0)
        elif op == "Identity":  # torch.onnx.export's way of sharing one initializer under two names
            y = ins[0]
        elif op == "Clip":
            lo = ins[1] if len(ins) > 1 and ins[1] is not None else a.get("min", -np.inf)
            hi = ins[2] if len(ins) > 2 and ins[2] is not None else a.get("max", np.inf)
            y = np.clip(ins[0], lo, hi)
        elif op in ("Add", "Sub", "Mul", "Div"):
            y = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide}[op](ins[0], ins[1])
        elif op == "HardSigmoid":
            y = np.clip(a.get("alpha", 0.2) * ins[0] + a.get("beta", 0.5), 0, 1)
        elif op == "HardSwish":
            y = ins[0] * np.clip(ins[0] / 6 + 0.5, 0, 1)
        elif op == "Sigmoid":
            y = 1 / (1 + np.exp(-ins[0]))
        elif op == "LeakyRelu":
            y = np.where(ins[0] >= 0, ins[0], a.get("alpha", 0.01) * ins[0])
        elif op == "MaxPool":
            y = pool_nchw(ins[0], a["kernel_shape"], a.get("strides", [1, 1]), a.get("pads", [0, 0, 0, 0]), "max")
        elif op == "AveragePool":
            y = pool_nchw(ins[0], a["kernel_shape"], a.get("strides", [1, 1]), a.get("pads", [0, 0, 0, 0]), "avg", a.get("count_include_pad", 0))
        elif op == "GlobalAveragePool":
            y = ins[0].mean(axis=(2, 3), keepdims=True)
        elif op == "GlobalMaxPool":
            y = ins[0].max(axis=(2, 3), keepdims=True)
        elif op == "Elu":
            y = np.where(ins[0] > 0, ins[0], a.get("alpha", 1.0) * np.expm1(np.minimum(ins[0], 0)))
        elif op == "Resize":
            scales = ins[2] if len(ins) > 2 and ins[2] is not None and ins[2].size else \
                np.asarray(ins[3], np.float64) / np.asarray(ins[0].shape)
            y = resize_nchw(ins[0], scales, dec(a.get("mode", "nearest")), dec(a.get("coordinate_transformation_mode", "half_pixel")),
                            dec(a.get("nearest_mode", "round_prefer_floor")))
        elif op == "Concat":
            y = np.concatenate(ins, axis=a["axis"])
        elif op == "Flatten":
            y = ins[0].reshape(ins[0].shape[0], -1)
        elif op == "Gemm":
            bm = ins[1].T if a.get("transB", 0) else ins[1]
            y = ins[0] @ bm + (ins[2] if len(ins) > 2 else 0)
        elif op == "Shape":
            y = np.array(ins[0].shape, dtype=np.int64)
        elif op == "Slice":  # opset 10+: starts, ends[, axes]; steps of 1
            axes = ins[3].tolist() if len(ins) > 3 and ins[3] is not None else list(range(len(ins[1])))
            index = [slice(None)] * ins[0].ndim
            for st, en, ax in zip(ins[1].tolist(), ins[2].tolist(), axes):
                index[ax] = slice(st, en)
            y = ins[0][tuple(index)]
        elif op == "Softmax":
            e = np.exp(ins[0] - ins[0].max(axis=a.get("axis", -1), keepdims=True))
            y = e / e.sum(axis=a.get("axis", -1), keepdims=True)
        else:
            raise NotImplementedError(op)
        env[node.output[0]] = hook(node, env, y) if hook else y
    return env[g.output[0].name]


# --- the importer's IR, Keras semantics, NHWC ---------------------------------------------------
def _same(n, k, s, d):
    keff = d * (k - 1) + 1
    out = -(-n // s)
    total = max((out - 1) * s + keff - n, 0)
    return total // 2, total - total // 2


def _nchw_pads(x, kernel, strides, dil, padding):
    if padding == "valid":
        return (0, 0, 0, 0)
    (t, b), (l, r) = _same(x.shape[1], kernel[0], strides[0], dil[0]), _same(x.shape[2], kernel[1], strides[1], dil[1])
    return (t, l, b, r)


def _act(fn, x):
    relu6 = lambda v: np.clip(v, 0, 6)  # noqa: E731
    return {"linear": lambda v: v, "relu": lambda v: np.maximum(v, 0), "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
            "tanh": np.tanh, "relu6": relu6, "hard_sigmoid": lambda v: relu6(v + 3) / 6,
            "hard_swish": lambda v: v * relu6(v + 3) / 6, "swish": lambda v: v / (1 + np.exp(-v)),
            "softplus": lambda v: np.log1p(np.exp(v)), "elu": lambda v: np.where(v > 0, v, np.expm1(np.minimum(v, 0))),
            "softmax": lambda v: np.exp(v - v.max(-1, keepdims=True)) / np.exp(v - v.max(-1, keepdims=True)).sum(-1, keepdims=True),
            }[fn](x)


def _num(v):
    return float(v)


def keras_forward(graph, x):
    """Runs the importer's IR on NHWC `x` (batch 1) with Keras' definitions of its layers."""
    with np.errstate(over="ignore"):
        return _keras_forward(graph, x)


def _keras_forward(graph, x):
    to_nchw = lambda v: v.transpose(0, 3, 1, 2)  # noqa: E731
    to_nhwc = lambda v: v.transpose(0, 2, 3, 1)  # noqa: E731
    env = {}
    for l in graph.layers:
        o, k = l.options, l.kind
        ins = [env[i] for i in l.inputs]
        w = {n: a.astype(np.float64) for n, a in l.weights.items()}
        if k == "InputLayer":
            y = x.astype(np.float64)
        elif k in ("Conv2D", "DepthwiseConv2D"):
            kern = w["kernel"] if k == "Conv2D" else w["depthwise_kernel"]
            cin = ins[0].shape[3]
            if k == "Conv2D":
                onnx_w, group = kern.transpose(3, 2, 0, 1), o.get("groups", 1)
            else:  # (kh, kw, cin, m) -> (cin·m, 1, kh, kw)
                onnx_w, group = kern.transpose(2, 3, 0, 1).reshape(-1, 1, kern.shape[0], kern.shape[1]), cin
            pads = _nchw_pads(ins[0], o["kernel"], o.get("strides", (1, 1)), o.get("dilation", (1, 1)), o["padding"])
            y = to_nhwc(conv_nchw(to_nchw(ins[0]), onnx_w, w.get("bias"), o.get("strides", (1, 1)), pads, o.get("dilation", (1, 1)), group))
            y = _act(o.get("activation", "linear"), y)
        elif k == "Conv2DTranspose":
            assert o["padding"] == "valid"
            s, (kh, kw) = o["strides"], o["kernel"]
            op = o.get("output_padding")
            full = conv_transpose_nchw(to_nchw(ins[0]), w["kernel"].transpose(3, 2, 0, 1), w.get("bias"), s, (0, 0, 0, 0), (0, 0))
            n_h, n_w = ins[0].shape[1:3]
            want = [(n - 1) * st + kk + p for n, st, kk, p in zip((n_h, n_w), s, (kh, kw), op)] if op is not None else \
                [n * st + max(kk - st, 0) for n, st, kk in zip((n_h, n_w), s, (kh, kw))]
            # Rows past the last kernel get the bias only.
            y = np.zeros((1, full.shape[1], *want)) + (0 if "bias" not in w else w["bias"].reshape(1, -1, 1, 1))
            y[:, :, :full.shape[2], :full.shape[3]] = full[:, :, :want[0], :want[1]]
            y = _act(o.get("activation", "linear"), to_nhwc(y))
        elif k == "BatchNormalization":
            y = (ins[0] - w["moving_mean"]) / np.sqrt(w["moving_variance"] + _num(o["epsilon"])) * w.get("gamma", 1) + w.get("beta", 0)
        elif k == "ReLU":  # Keras' documented formula
            v, t = ins[0], _num(o.get("threshold", 0))
            y = np.where(v >= t, v, _num(o.get("negative_slope", 0)) * (v - t))
            if "max_value" in o:
                y = np.minimum(y, _num(o["max_value"]))
        elif k == "ELU":
            y = np.where(ins[0] > 0, ins[0], _num(o["alpha"]) * np.expm1(np.minimum(ins[0], 0)))
        elif k == "LeakyReLU":
            y = np.where(ins[0] >= 0, ins[0], _num(o["negative_slope"]) * ins[0])
        elif k == "Activation":
            y = _act(o["activation"], ins[0])
        elif k in ("MaxPooling2D", "AveragePooling2D"):
            pads = _nchw_pads(ins[0], o["pool"], o["strides"], (1, 1), o["padding"])
            y = to_nhwc(pool_nchw(to_nchw(ins[0]), o["pool"], o["strides"], pads, "max" if k == "MaxPooling2D" else "avg"))
        elif k == "GlobalAveragePooling2D":
            y = ins[0].mean(axis=(1, 2), keepdims=True)
        elif k == "GlobalMaxPooling2D":
            y = ins[0].max(axis=(1, 2), keepdims=True)
        elif k == "ZeroPadding2D":
            t, b, le, r = o["padding"]
            y = np.pad(ins[0], ((0, 0), (t, b), (le, r), (0, 0)))
        elif k == "Cropping2D":
            t, b, le, r = o["cropping"]
            y = ins[0][:, t: ins[0].shape[1] - b, le: ins[0].shape[2] - r]
        elif k == "UpSampling2D":
            fh, fw = o["size"]
            if o.get("interpolation") == "bilinear":
                y = to_nhwc(resize_nchw(to_nchw(ins[0]), (1, 1, fh, fw), "linear", "half_pixel", None))
            else:
                y = ins[0].repeat(fh, axis=1).repeat(fw, axis=2)
        elif k == "Add":
            y = sum(ins)
        elif k == "Subtract":
            y = ins[0] - ins[1]
        elif k == "Multiply":
            y = ins[0] * ins[1]
        elif k == "Concatenate":
            y = np.concatenate(ins, axis=3)
        elif k == "Flatten":
            y = ins[0].reshape(1, 1, 1, -1)
        elif k == "Dense":
            y = _act(o.get("activation", "linear"), ins[0] @ w["kernel"] + w.get("bias", 0))
        elif k == "Rescaling":
            y = ins[0] * _num(o["scale"]) + _num(o["offset"])
        else:
            raise NotImplementedError(k)
        env[l.name] = y
    return env[graph.output]


# --- PP-OCRv4's input -----------------------------------------------------------------------------
def text_page(h, w):
    """A white page with dark lines of stroke "glyphs", made by integer arithmetic alone (no random
    generator, so the same on every machine and NumPy): something a text detector responds to."""
    page = np.full((h, w, 3), 255, np.uint8)
    line_height, pitch = max(h // 10, 6), max(h // 6, 10)
    for top in range(pitch // 2, h - line_height, pitch):
        step = max(w // 24, 4)
        for x0 in range(w // 16, w - w // 16, step):
            k = (top * 7 + (x0 // step) * 3 + (x0 // step) ** 2) % 5
            cell = step - 1
            if k in (0, 1):  # a vertical stroke
                c = x0 + (k * cell) // 2
                page[top:top + line_height, c:c + max(cell // 4, 1)] = 20
            elif k in (2, 3):  # a horizontal one
                r = top + ((k - 2) * line_height) // 2
                page[r:r + max(line_height // 5, 1), x0:x0 + cell] = 20
            else:  # a box
                page[top:top + line_height, x0:x0 + 1] = 20
                page[top:top + 1, x0:x0 + cell] = 20
    return page


def ppocr_input(page_bgr):
    """PaddleOCR's detector preprocessing (tools/infer/predict_det.py): the image as OpenCV reads it,
    BGR; x/255, minus mean [0.485, 0.456, 0.406], over std [0.229, 0.224, 0.225], in that channel
    order; then NCHW."""
    mean, std = np.float32([0.485, 0.456, 0.406]), np.float32([0.229, 0.224, 0.225])
    x = (page_bgr.astype(np.float32) / np.float32(255) - mean) / std
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None], dtype=np.float32)


# --- torchvision models, as torch.onnx.export writes them ---------------------------------------
# The committed fixtures (scripts/make-torchvision-fixtures) are the exported graphs without their
# weights: each Conv and Gemm weight and bias is an empty tensor marked in its doc_string. These
# fill them again from a seed, the same way for the fixture's onnxruntime run and for the test, so
# that a full-size ResNet-50 is 30 KB of graph.
SEEDED = "ctnn-seeded"


def seeded_model(skeleton, size, seed=10):
    """The skeleton `skeleton` (an onnx ModelProto) with its emptied weights drawn from numpy's
    default_rng(seed): each weight N(0, 2/fan_in), each bias 0.1·N(0, 1); then, in graph order,
    each convolution with an output of 2x2 or more (not the 1x1 squeeze-and-excitation ones)
    scaled per channel to a root mean square of gamma ~ U(0.5, 1.5) over four other uniform
    size x size inputs (a fifth of the layer's median at least, so that a channel near zero by
    cancellation is not blown up), plus beta ~ N(0, 0.2²) where it has a bias.
    Without this the activations vanish or explode within 50 layers. Scaling by the root mean
    square, not centring and dividing by the standard deviation as a BatchNormalization does,
    keeps the random model as insensitive to rounding as a trained one: centred, onnxruntime's
    resnet50 was 5.6e-5 of the output's scale from a float64 evaluation, ten times more.
    (Calibrating sums in float64; a last-bit difference in another NumPy moves a weight by one
    float32 ulp at most, and the output by far less than the tests' tolerance.)"""
    import copy
    m = copy.deepcopy(skeleton)
    rng = np.random.default_rng(seed)
    readers = {}
    for node in m.graph.node:
        for k, i in enumerate(node.input):
            readers.setdefault(i, []).append((node, k))
    marked = {t.name: t for t in m.graph.initializer if t.doc_string == SEEDED}
    env = {}
    for name, t in marked.items():
        dims = tuple(t.dims)
        z = rng.standard_normal(dims).astype(np.float32).astype(np.float64)
        if len(dims) == 1:
            env[name] = 0.1 * z
        else:
            node, _ = readers[name][0]
            trans_b = node.op_type == "Gemm" and any(a.name == "transB" and a.i for a in node.attribute)
            fan_in = int(np.prod(dims[1:])) if node.op_type == "Conv" or trans_b else dims[0]
            env[name] = z * np.sqrt(2.0 / fan_in)

    def calibrate(node, env, y):
        if node.op_type != "Conv" or y.shape[2] * y.shape[3] < 4:
            return y
        w, b = node.input[1], node.input[2] if len(node.input) > 2 else ""
        if w not in marked or len(readers[w]) > 1 or (b and (b not in marked or len(readers[b]) > 1)):
            return y
        rms = np.sqrt(np.mean(y * y, axis=(0, 2, 3)))
        rms = np.maximum(rms, 0.2 * np.median(rms)) + 1e-12
        gamma, beta = rng.uniform(0.5, 1.5, rms.size), 0.2 * rng.standard_normal(rms.size)
        g = gamma / rms
        env[w] = env[w] * g.reshape(-1, 1, 1, 1)
        if b:
            env[b] = env[b] * g + beta
        else:
            beta = 0 * beta  # nothing to add it with
        return y * g.reshape(1, -1, 1, 1) + beta.reshape(1, -1, 1, 1)

    batch = np.random.default_rng(seed + 1).uniform(-2, 2, (4, 3, size, size))
    onnx_forward(m, batch, calibrate, env)
    for name, t in marked.items():
        t.raw_data = env[name].astype("<f4").tobytes()
        t.doc_string = ""
    return m


def torchvision_input(size, seed=11):
    """The fixtures' input, NCHW float32: uniform in [-2, 2], about the range of ImageNet-normalised pixels."""
    return np.random.default_rng(seed).uniform(-2, 2, (1, 3, size, size)).astype(np.float32)
