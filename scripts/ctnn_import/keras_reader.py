# Keras reader: a Keras model's config (legacy .h5 `model_config`, a .keras zip's config.json, or a
# TensorFlow.js layers model.json) becomes the importer's IR, layer for layer, since ctnn's layers
# are Keras'. Weights are found by
# path (`<layer>/<weight>`), never by order; nested models (a Sequential inside a Functional) are
# inlined. Layers or arguments ctnn does not have are refused with the layer's name and class.
# SPDX-License-Identifier: BSL-1.0
import io
import json
import os
import re
import zipfile
from fractions import Fraction

import numpy as np

from .ir import Graph, Layer, Refusal, refuse, sanitise

try:
    import h5py
except ImportError:
    h5py = None

# Keras activation names -> ctnn's; None: ctnn has no exact equivalent.
ACTIVATIONS = {"linear": "linear", None: "linear", "relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh", "softmax": "softmax",
               "relu6": "relu6", "swish": "swish", "silu": "swish", "hard_swish": "hard_swish", "hard_silu": "hard_swish",
               "softplus": "softplus", "gelu": "gelu", "hard_sigmoid": "hard_sigmoid", "elu": "elu"}
MODELS = ("Functional", "Model", "Sequential")
# Layers that are the identity at inference.
IDENTITY = ("Dropout", "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "ActivityRegularization", "AlphaDropout")
WEIGHTS = {  # Keras' variable order per class (a .keras file stores them as vars/0, vars/1, ...)
    "Conv2D": ["kernel", "bias"], "Conv2DTranspose": ["kernel", "bias"], "Dense": ["kernel", "bias"],
    "DepthwiseConv2D": ["depthwise_kernel", "bias"],
    "BatchNormalization": ["gamma", "beta", "moving_mean", "moving_variance"],
}


def _snake(name):
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


class Weights:
    """Looks weights up by layer name and weight name, whatever the file's layout."""

    def __init__(self, h5, keras3_zip=False):
        self.by_path = {}
        self.vars = {}
        if h5 is None:
            return

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                parts = name.split("/")
                if len(parts) >= 3 and parts[-2] == "vars":
                    self.vars.setdefault(parts[-3], {})[int(parts[-1])] = obj
                    self.vars.setdefault("/".join(parts[:-2]), {})[int(parts[-1])] = obj
                else:
                    key = (parts[-2] if len(parts) > 1 else "", parts[-1].split(":")[0])
                    self.by_path.setdefault(key, []).append(obj)
        h5.visititems(visit)

    def get(self, layer, kind, cls, alias=None):
        """The array of weight `kind` of layer `layer` (alias: its name in a .keras file's tree)."""
        found = self.by_path.get((layer, kind), [])
        if len(found) > 1:
            refuse(f"layer '{layer}'", cls, f"{len(found)} weights named '{layer}/{kind}' in the file")
        if found:
            return np.asarray(found[0], dtype=np.float32)
        order = WEIGHTS[cls]
        for key in (f"layers/{layer}", layer, alias):
            if key and key in self.vars and order.index(kind) in self.vars[key]:
                return np.asarray(self.vars[key][order.index(kind)], dtype=np.float32)
        return None


class Reader:
    def __init__(self, config, weights, keras_version, source, input_shape):
        self.config, self.w, self.input_shape = config, weights, input_shape
        self.keras2 = keras_version is not None and keras_version.startswith("2.")
        self.graph = Graph(source)
        self.tensors = {}  # (layer name, node index, tensor index) -> IR layer name
        self.class_counts = {}  # for a TF 2.x .keras file's generic weight names (conv2d, conv2d_1, ...)

    def read(self):
        out = self._model(self.config, None)
        self.graph.output = out
        return self.graph

    # --- models ---------------------------------------------------------------------------------
    def _model(self, cfg, inbound):
        cls, c = cfg["class_name"], cfg["config"]
        if cls == "Sequential":
            layers = c["layers"] if isinstance(c, dict) else c
            x = inbound
            for lc in layers:
                if x is None:
                    x = self._input(lc, first_layer=lc["class_name"] != "InputLayer")
                if lc["class_name"] == "InputLayer":
                    continue
                x = self._layer(lc, [x])
            return x
        if cls not in ("Functional", "Model"):
            refuse(f"layer '{c.get('name')}'", cls, "is not a Keras model", "Functional, Model, Sequential")
        local = {}
        inputs = _triples(c["input_layers"])
        for lc in c["layers"]:
            name = lc["config"]["name"] if "name" in lc["config"] else lc["name"]
            name = lc.get("name", name)
            if lc["class_name"] == "InputLayer":
                local[(name, 0)] = inbound if inbound is not None else self._input(lc)
                continue
            nodes = lc.get("inbound_nodes", [])
            if len(nodes) != 1:
                refuse(f"layer '{name}'", lc["class_name"], f"is called {len(nodes)} times", "layers called once (no shared layers)")
            srcs = []
            for t in _inbound(nodes[0]):
                # By layer and output index: the call index of a nested model differs between
                # Keras versions, and shared layers (called twice) are refused above.
                if (t[0], t[2]) not in local:
                    refuse(f"layer '{name}'", lc["class_name"], f"reads {t[0]}'s output #{t[2]}, which is not mapped")
                srcs.append(local[(t[0], t[2])])
            local[(name, 0)] = self._layer(lc, srcs)
        if len(inputs) != 1:
            refuse("model", cls, f"{len(inputs)} inputs", "one input")
        outs = _triples(c["output_layers"])
        if len(outs) != 1:
            refuse("model", cls, f"{len(outs)} outputs", "one output")
        return local[(outs[0][0], outs[0][2])]

    def _input(self, lc, first_layer=False):
        c = lc["config"]
        shape = c.get("batch_input_shape") or c.get("batch_shape")
        if shape is None and "input_shape" in c:
            shape = [None] + list(c["input_shape"])
        name = c.get("name", "input")
        if first_layer:
            name = name + "_input"
        if shape is None or len(shape) != 4:
            refuse(f"layer '{name}'", lc["class_name"], f"input shape {shape}", "(None, H, W, C) maps")
        h, w, ch = self.input_shape
        for axis, declared, given in zip("HWC", shape[1:], (h, w, ch)):
            if declared is not None and declared != given:
                refuse(f"layer '{name}'", lc["class_name"], f"is declared (H, W, C) = {tuple(shape[1:])}, but --input-shape gives {h},{w},{ch}",
                       "an --input-shape that agrees with the file")
        if c.get("data_format", "channels_last") != "channels_last":
            refuse(f"layer '{name}'", lc["class_name"], "channels_first", "channels_last")
        l = self.graph.add(Layer(sanitise(name), "InputLayer", [], {"shape": (h, w, ch)}, origin=f"layer '{name}'"))
        l.shape = (h, w, ch)
        self._count("InputLayer")
        return l.name

    def _count(self, cls):
        snake = _snake(cls) if cls != "InputLayer" else "input_layer"
        k = self.class_counts.get(snake, 0)
        self.class_counts[snake] = k + 1
        return snake if k == 0 else f"{snake}_{k}"

    # --- layers -----------------------------------------------------------------------------
    def _layer(self, lc, srcs):
        cls, c = lc["class_name"], lc["config"]
        if cls in MODELS:
            if len(srcs) != 1:
                refuse(f"layer '{c.get('name')}'", cls, "a nested model with several inputs", "one input")
            return self._model(lc, srcs[0])
        name = c.get("name", lc.get("name"))
        where = f"layer '{name}'"
        alias = self._count(cls)
        if c.get("data_format", "channels_last") != "channels_last":
            refuse(where, cls, f"data_format {c['data_format']}", "channels_last")
        handler = LAYERS.get(cls)
        if handler is None:
            refuse(where, cls, "ctnn has no such layer", ", ".join(sorted(set(LAYERS) | set(MODELS))))
        self.where, self.cls, self.name, self.alias = where, cls, name, alias
        return handler(self, c, srcs)

    def add(self, kind, srcs, options=None, weights=None, name=None):
        l = self.graph.add(Layer(sanitise(name or self.name), kind, srcs, options, weights, origin=self.where))
        from .ir import output_shape
        l.shape = output_shape(l, [self.graph.by_name[s].shape for s in srcs])
        if l.shape is None:
            refuse(self.where, self.cls, f"does not take inputs of shapes {[self.graph.by_name[s].shape for s in srcs]}")
        return l.name

    def weights(self, kinds):
        out = {}
        for k in kinds:
            a = self.w.get(self.name, k, self.cls, self.alias)
            if a is None:
                refuse(self.where, self.cls, f"weight '{k}' is not in the file (looked for '{self.name}/{k}')")
            out[k] = a
        return out

    def activation(self, c, x, layer_name):
        """A Keras `activation` argument: folded into the layer by a pass where ctnn can."""
        fn = c.get("activation", "linear")
        if isinstance(fn, dict):
            fn = fn.get("config", {}).get("name") or fn.get("class_name")
        if fn not in ACTIVATIONS:
            refuse(self.where, self.cls, f"activation '{fn}'", ", ".join(sorted(k for k in ACTIVATIONS if k)))
        fn = ACTIVATIONS[fn]
        if fn == "linear":
            return x
        if fn == "hard_sigmoid" and self.keras2:
            # Keras 2's hard_sigmoid is clip(0.2x + 0.5, 0, 1) = Keras 3's hard_sigmoid(1.2x).
            x = self.add("Rescaling", [x], {"scale": Fraction(6, 5), "offset": Fraction(0)}, name=f"{layer_name}_hard_sigmoid_scale")
        if fn == "relu6":
            return self.add("ReLU", [x], {"max_value": np.float32(6)}, name=f"{layer_name}_relu6")
        return self.add("Activation", [x], {"activation": fn}, name=f"{layer_name}_{fn}")


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _margins(v):
    if isinstance(v, int):
        return (v, v, v, v)
    a, b = v
    if isinstance(a, int):
        return (a, a, b, b)
    return (a[0], a[1], b[0], b[1])


def _triples(v):
    if v and isinstance(v[0], str):
        v = [v]
    return [tuple(t[:3]) for t in v]


def _inbound(node):
    if isinstance(node, dict):  # Keras 3: {"args": [...], "kwargs": {...}}
        out = []

        def walk(a):
            if isinstance(a, dict) and a.get("class_name") == "__keras_tensor__":
                out.append(tuple(a["config"]["keras_history"]))
            elif isinstance(a, (list, tuple)):
                for b in a:
                    walk(b)
        walk(node.get("args", []))
        return out
    return [tuple(t[:3]) for t in node]


def _padding(r, c):
    p = c.get("padding", "valid")
    if p not in ("valid", "same"):
        refuse(r.where, r.cls, f"padding '{p}'", "valid, same")
    return p


def conv(r, c, srcs):
    if r.cls == "Conv2DTranspose" and _pair(c.get("dilation_rate", 1)) != (1, 1):
        refuse(r.where, r.cls, f"dilation_rate {c['dilation_rate']}", "1")
    opts = {"kernel": _pair(c["kernel_size"]), "strides": _pair(c.get("strides", 1)), "padding": _padding(r, c),
            "use_bias": c.get("use_bias", True)}
    if r.cls != "Conv2DTranspose":
        opts["dilation"] = _pair(c.get("dilation_rate", 1))
    kinds = [WEIGHTS[r.cls][0]] + (["bias"] if opts["use_bias"] else [])
    if r.cls == "DepthwiseConv2D":
        opts["depth_multiplier"] = c.get("depth_multiplier", 1)
    else:
        opts = {"filters": c["filters"], **opts}
    if c.get("groups", 1) != 1:
        opts["groups"] = c["groups"]
    if r.cls == "Conv2DTranspose" and c.get("output_padding") is not None:
        opts["output_padding"] = _pair(c["output_padding"])
    x = r.add(r.cls, srcs, opts, r.weights(kinds))
    return r.activation(c, x, r.name)


def dense(r, c, srcs):
    use_bias = c.get("use_bias", True)
    x = r.add("Dense", srcs, {"units": c["units"], "use_bias": use_bias}, r.weights(["kernel"] + (["bias"] if use_bias else [])))
    return r.activation(c, x, r.name)


def batch_norm(r, c, srcs):
    axis = c.get("axis", -1)
    axis = axis[0] if isinstance(axis, list) and len(axis) == 1 else axis
    if axis not in (-1, 3):
        refuse(r.where, r.cls, f"axis {axis}", "the channel axis (-1)")
    kinds = (["gamma"] if c.get("scale", True) else []) + (["beta"] if c.get("center", True) else []) + ["moving_mean", "moving_variance"]
    return r.add("BatchNormalization", srcs, {"epsilon": np.float32(c.get("epsilon", 1e-3)), "center": c.get("center", True),
                                              "scale": c.get("scale", True)}, r.weights(kinds))


def relu(r, c, srcs):
    opts = {}
    for key in ("max_value", "negative_slope", "threshold"):
        if c.get(key) is not None and (key == "max_value" or c[key] != 0):
            opts[key] = np.float32(c[key])
    return r.add("ReLU", srcs, opts)


def elu_layer(r, c, srcs):
    return r.add("ELU", srcs, {"alpha": np.float32(c.get("alpha", 1.0))})


def leaky_relu(r, c, srcs):
    slope = c.get("negative_slope", c.get("alpha", 0.3))
    return r.add("LeakyReLU", srcs, {"negative_slope": np.float32(slope)})


def activation_layer(r, c, srcs):
    out = r.activation(c, srcs[0], r.name)
    if out == srcs[0]:
        return out
    # The layer keeps its own name (the helper suffixed it for activations inside other layers).
    l = r.graph.by_name[out]
    del r.graph.by_name[l.name]
    l.name = sanitise(r.name)
    while l.name in r.graph.by_name:
        l.name += "_"
    r.graph.by_name[l.name] = l
    return l.name


def pool(r, c, srcs):
    p = _pair(c.get("pool_size", 2))
    s = c.get("strides")
    return r.add(r.cls, srcs, {"pool": p, "strides": _pair(s) if s is not None else p, "padding": _padding(r, c)})


def global_pool(r, c, srcs):
    return r.add(r.cls, srcs, {"keepdims": c.get("keepdims", False)})


def zero_padding(r, c, srcs):
    return r.add("ZeroPadding2D", srcs, {"padding": _margins(c.get("padding", 1))})


def cropping(r, c, srcs):
    return r.add("Cropping2D", srcs, {"cropping": _margins(c.get("cropping", 0))})


def upsampling(r, c, srcs):
    interp = c.get("interpolation", "nearest")
    if interp not in ("nearest", "bilinear"):
        refuse(r.where, "UpSampling2D", f"interpolation '{interp}'", "nearest, bilinear")
    opts = {"size": _pair(c.get("size", 2))}
    if interp == "bilinear":
        opts["interpolation"] = "bilinear"
    return r.add("UpSampling2D", srcs, opts)


def merge(r, c, srcs):
    if r.cls == "Concatenate" and c.get("axis", -1) not in (-1, 3):
        refuse(r.where, "Concatenate", f"axis {c.get('axis')}", "the channel axis (-1)")
    return r.add(r.cls, srcs, {})


def flatten(r, c, srcs):
    return r.add("Flatten", srcs, {})


def reshape(r, c, srcs):
    """Keras' Reshape is tf.reshape of the NHWC batch: row-major over (H, W, C), as ctnn's Reshape."""
    target = c.get("target_shape")
    if not isinstance(target, (list, tuple)) or not all(isinstance(a, int) for a in target):
        refuse(r.where, "Reshape", f"target_shape {target!r}", "a tuple of whole numbers")
    if len(target) not in (1, 3):
        refuse(r.where, "Reshape", f"target_shape {tuple(target)} of {len(target)} axes",
               "(H, W, C) maps and (n,) vectors: ctnn has no layers for sequences and volumes")
    if target.count(-1) > 1 or any(a < 1 and a != -1 for a in target):
        refuse(r.where, "Reshape", f"target_shape {tuple(target)}", "axes of 1 or more, and -1 at most once")
    h, w, ch = r.graph.by_name[srcs[0]].shape
    known = int(np.prod([a for a in target if a != -1]))
    if (h * w * ch) % known or (-1 not in target and h * w * ch != known):
        refuse(r.where, "Reshape", f"its input's {h * w * ch} values ({h}, {w}, {ch}) do not fill target_shape {tuple(target)}")
    return r.add("Reshape", srcs, {"target_shape": tuple(target)})


def rescaling(r, c, srcs):
    scale, offset = c.get("scale", 1.0), c.get("offset", 0.0)
    if not isinstance(scale, (int, float)) or not isinstance(offset, (int, float)):
        refuse(r.where, "Rescaling", "per-channel scale or offset", "scalars")
    return r.add("Rescaling", srcs, {"scale": np.float32(scale), "offset": np.float32(offset)})


def identity(r, c, srcs):
    return srcs[0]


# The one table of the Keras reader: class -> handler.
LAYERS = {
    "Conv2D": conv, "DepthwiseConv2D": conv, "Conv2DTranspose": conv, "Dense": dense,
    "BatchNormalization": batch_norm, "ReLU": relu, "LeakyReLU": leaky_relu, "Activation": activation_layer,
    "MaxPooling2D": pool, "AveragePooling2D": pool, "GlobalAveragePooling2D": global_pool, "GlobalMaxPooling2D": global_pool,
    "ELU": elu_layer,
    "ZeroPadding2D": zero_padding, "Cropping2D": cropping, "UpSampling2D": upsampling,
    "Add": merge, "Subtract": merge, "Multiply": merge, "Concatenate": merge, "Flatten": flatten,
    "Reshape": reshape, "Rescaling": rescaling, **{k: identity for k in IDENTITY},
}


def _need_h5py():
    if h5py is None:
        raise Refusal("reading Keras files needs Debian's python3-h5py (apt-get install python3-h5py)")


def read_h5(path, input_shape):
    """A legacy HDF5 file of Keras 2 or 3: `model_config` attribute, weights under `model_weights`."""
    _need_h5py()
    with h5py.File(path, "r") as f:
        if "model_config" not in f.attrs:
            raise Refusal(f"{path}: an HDF5 file without a model_config (weights only?): a whole saved model is needed")
        cfg = json.loads(f.attrs["model_config"])
        version = f.attrs.get("keras_version")
        version = version.decode() if isinstance(version, bytes) else version
        weights = Weights(f["model_weights"] if "model_weights" in f else f)
        src = f"{os.path.basename(path)} (Keras {version} HDF5, {cfg['class_name']})"
        return Reader(cfg, weights, version, src, input_shape).read()


def read_keras(path, input_shape):
    """A .keras zip: config.json, metadata.json and model.weights.h5."""
    _need_h5py()
    try:
        z = zipfile.ZipFile(path)
        cfg = json.loads(z.read("config.json"))
        meta = json.loads(z.read("metadata.json")) if "metadata.json" in z.namelist() else {}
        weights_h5 = z.read("model.weights.h5")
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise Refusal(f"{path}: not a .keras archive ({e})")
    version = meta.get("keras_version")
    with h5py.File(io.BytesIO(weights_h5), "r") as f:
        src = f"{os.path.basename(path)} (Keras {version} .keras, {cfg['class_name']})"
        return Reader(cfg, Weights(f), version, src, input_shape).read()


def read_tfjs(path, input_shape):
    """A TensorFlow.js layers model: model.json (the Keras config and a weights manifest) and the
    binary shards it names, beside it."""
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        raise Refusal(f"{path}: not a TensorFlow.js model.json ({e})")
    topology = doc.get("modelTopology")
    if not isinstance(topology, dict) or not isinstance(doc.get("weightsManifest"), list):
        raise Refusal(f"{path}: a JSON file without modelTopology and weightsManifest: not a TensorFlow.js layers model")
    cfg = topology.get("model_config", topology)
    version = topology.get("keras_version")
    weights = Weights(None)
    base = os.path.dirname(os.path.abspath(path))
    for group in doc["weightsManifest"]:
        data = b""
        for shard in group.get("paths", []):
            shard_path = os.path.join(base, shard)
            try:
                with open(shard_path, "rb") as f:
                    data += f.read()
            except OSError as e:
                raise Refusal(f"{path}: weight shard {shard}: {e.strerror}")
        offset = 0
        for w in group.get("weights", []):
            if w.get("dtype", "float32") != "float32" or "quantization" in w:
                raise Refusal(f"{path}: weight '{w.get('name')}' is {w.get('dtype')}{' quantized' if 'quantization' in w else ''}; "
                              "supported: float32")
            shape = tuple(w["shape"])
            size = 4 * int(np.prod(shape, dtype=np.int64))
            if offset + size > len(data):
                raise Refusal(f"{path}: weight '{w['name']}' ends at byte {offset + size}, but its shards hold {len(data)}")
            a = np.frombuffer(data, dtype="<f4", count=size // 4, offset=offset).reshape(shape)
            offset += size
            parts = w["name"].split("/")
            key = (parts[-2] if len(parts) > 1 else "", parts[-1].split(":")[0])
            weights.by_path.setdefault(key, []).append(a)
    src = f"{os.path.basename(path)} (TensorFlow.js layers, Keras {version}, {cfg.get('class_name')})"
    return Reader(cfg, weights, version, src, input_shape).read()
