# Rewrites of the IR between reading and emitting: patterns that exporters spell as several ops
# (hard_swish as x·Clip(x+3, 0, 6)/6, a bias as an Add after a bias-less convolution, an affine
# x·a + b as Mul then Add) become the one ctnn layer that computes them, and the internal Affine
# layers are lowered to layers ctnn has. Each rewrite is exact in real arithmetic; none changes
# what the model computes, only how many layers say it.
# SPDX-License-Identifier: BSL-1.0
from fractions import Fraction

import numpy as np

from .ir import Layer, file_fraction

WEIGHTED = ("Conv2D", "DepthwiseConv2D", "Conv2DTranspose", "Dense")
# Activations ctnn's Conv2D (and friends) take as an option.
CONV_ACTIVATIONS = ("relu", "sigmoid", "tanh", "softmax", "relu6", "hard_sigmoid", "hard_swish", "swish", "gelu", "softplus", "elu")


def _only_consumer(g, layer):
    users = g.consumers(layer.name)
    return users[0] if len(users) == 1 and g.output != layer.name else None


def _affine_is(l, shift=None, scale=None):
    """Whether Affine `l` is a scalar x·scale + shift with exactly these values (None: absent)."""
    if l is None or l.kind != "Affine" or l.options.get("per_channel"):
        return False
    o = l.options
    got_scale = None
    if "divisor" in o:
        got_scale = float(1 / file_fraction(o["divisor"]))
    elif "scale" in o:
        got_scale = float(o["scale"])
    got_shift = float(o["shift"]) if "shift" in o else None

    def same(got, want):
        return (got is None) == (want is None) and (got is None or np.float32(got) == np.float32(want))
    return same(got_scale, scale) and same(got_shift, shift)


def _relu6(l):
    return l is not None and l.kind == "ReLU" and "max_value" in l.options and np.float32(l.options["max_value"]) == 6


def _replace(g, old_tail, new_layer, note):
    """Puts `new_layer` where `old_tail` was (its name too), and prunes what only fed it."""
    idx = g.layers.index(old_tail)
    g.remove(old_tail)
    new_layer.name = old_tail.name
    new_layer.shape = old_tail.shape  # every fusion keeps the shape of what it replaces
    g.layers.insert(idx, new_layer)
    g.by_name[new_layer.name] = new_layer
    g.prune()
    g.notes.append(note)


def fuse_hard_sigmoid(g):
    """relu6(x + 3) / 6 (Affine +3, ReLU max 6, Affine ÷6) is Keras 3's hard_sigmoid."""
    for l in list(g.layers):
        if l.name not in g.by_name or not _affine_is(l, shift=3):
            continue
        r6 = _only_consumer(g, l)
        if not _relu6(r6):
            continue
        div = _only_consumer(g, r6)
        if _affine_is(div, scale=1 / 6):
            _replace(g, div, Layer(div.name, "Activation", l.inputs, {"activation": "hard_sigmoid"}, origin=div.origin),
                     "relu6(x+3)/6 -> hard_sigmoid")


def fuse_gated(g):
    """x · hard_sigmoid(x) is hard_swish, x · sigmoid(x) is swish, and x · relu6(x + 3), then ÷6,
    is hard_swish too (the order PyTorch and Paddle export)."""
    for m in list(g.layers):
        if m.name not in g.by_name or m.kind != "Multiply" or len(m.inputs) != 2:
            continue
        for a, s in (m.inputs, m.inputs[::-1]):
            gate = g.by_name[s]
            if _only_consumer(g, gate) is not m:
                continue
            if gate.kind == "Activation" and gate.inputs == [a] and gate.options["activation"] in ("hard_sigmoid", "sigmoid"):
                fn = "hard_swish" if gate.options["activation"] == "hard_sigmoid" else "swish"
                _replace(g, m, Layer(m.name, "Activation", [a], {"activation": fn}, origin=m.origin),
                         f"x*{gate.options['activation']}(x) -> {fn}")
                break
            if _relu6(gate):
                plus3 = g.by_name[gate.inputs[0]]
                div = _only_consumer(g, m)
                if _affine_is(plus3, shift=3) and plus3.inputs == [a] and _only_consumer(g, plus3) is gate \
                        and _affine_is(div, scale=1 / 6):
                    _replace(g, div, Layer(div.name, "Activation", [a], {"activation": "hard_swish"}, origin=div.origin),
                             "x*relu6(x+3)/6 -> hard_swish")
                    break


def fold_bias(g):
    """An Add of a constant right after a bias-less convolution or Dense is its bias."""
    for l in list(g.layers):
        if l.name not in g.by_name or l.kind != "Affine" or set(l.options) - {"shift", "per_channel"}:
            continue
        src = g.by_name[l.inputs[0]]
        if src.kind in WEIGHTED and not src.options.get("use_bias", True) and src.options.get("activation", "linear") == "linear" \
                and _only_consumer(g, src) is l:
            c = l.shape[2]
            src.weights["bias"] = np.ascontiguousarray(np.broadcast_to(np.asarray(l.options["shift"], np.float32), (c,)))
            src.options["use_bias"] = True
            g.replace_uses(l.name, src.name)
            g.remove(l)
            g.notes.append(f"{src.kind} + constant -> bias")


def merge_affine(g):
    """x·a (or x/a) then + b, one consumer between: one affine layer."""
    for l in list(g.layers):
        if l.name not in g.by_name or l.kind != "Affine" or "shift" in l.options:
            continue
        nxt = _only_consumer(g, l)
        if nxt is None or nxt.kind != "Affine" or set(nxt.options) - {"shift", "per_channel"}:
            continue
        o = dict(l.options)
        o["shift"] = nxt.options["shift"]
        o["per_channel"] = l.options["per_channel"] or nxt.options["per_channel"]
        _replace(g, nxt, Layer(nxt.name, "Affine", l.inputs, o, origin=l.origin), "x*a + b -> one layer")


def lower_affine(g):
    """Scalar affine -> Rescaling(scale, offset); per-channel -> a 1×1 DepthwiseConv2D, whose one
    tap per channel and bias compute exactly x·k + b. (A BatchNormalization would need epsilon 0,
    which ctnn, like Keras' intent, refuses.)"""
    for l in list(g.layers):
        if l.name not in g.by_name or l.kind != "Affine":
            continue
        o = l.options
        if not o["per_channel"]:
            if "divisor" in o:
                scale = Fraction(1) / file_fraction(o["divisor"])
            else:
                scale = np.float32(o["scale"]) if "scale" in o else Fraction(1)
            offset = np.float32(o["shift"]) if "shift" in o else Fraction(0)
            l.kind, l.options = "Rescaling", {"scale": scale, "offset": offset}
        else:
            c = l.shape[2]
            if "divisor" in o:
                gamma = np.float32(1) / np.broadcast_to(np.asarray(o["divisor"], np.float32), (c,))
            else:
                gamma = np.broadcast_to(np.asarray(o.get("scale", 1), np.float32), (c,))
            beta = np.broadcast_to(np.asarray(o.get("shift", 0), np.float32), (c,))
            if g.by_name[l.inputs[0]].rank == 1:
                from .ir import refuse
                refuse(l.origin, getattr(l, "op", "Affine"), "a per-feature constant on a vector",
                       "scalars, or per-channel constants on maps")
            l.kind = "DepthwiseConv2D"
            l.options = {"kernel": (1, 1), "strides": (1, 1), "dilation": (1, 1), "padding": "valid", "depth_multiplier": 1,
                         "use_bias": "shift" in o}
            l.weights = {"depthwise_kernel": np.ascontiguousarray(gamma, np.float32).reshape(1, 1, c, 1)}
            if "shift" in o:
                l.weights["bias"] = np.ascontiguousarray(beta, np.float32)
            g.notes.append("per-channel x*a + b -> 1x1 DepthwiseConv2D")


def fuse_activation(g):
    """Conv2D then ReLU (or an Activation) with nothing else reading the Conv2D: its activation."""
    for l in list(g.layers):
        if l.name not in g.by_name:
            continue
        if l.kind == "ReLU" and not l.options:
            fn = "relu"
        elif l.kind == "ReLU" and _relu6(l):
            fn = "relu6"
        elif l.kind == "Activation" and l.options["activation"] in CONV_ACTIVATIONS:
            fn = l.options["activation"]
        else:
            continue
        src = g.by_name[l.inputs[0]]
        if src.kind in ("Conv2D", "Dense") and src.options.get("activation", "linear") == "linear" and _only_consumer(g, src) is l:
            src.options["activation"] = fn
            g.replace_uses(l.name, src.name)
            g.remove(l)
            g.notes.append(f"{src.kind} + {fn} -> activation")


def drop_identities(g):
    for l in list(g.layers):
        if l.kind == "Rescaling" and l.options["scale"] == 1 and l.options["offset"] == 0:
            g.replace_uses(l.name, l.inputs[0])
            g.remove(l)


def run(g, fuse_activations=True):
    g.prune()
    g.infer()  # ranks, which lowering reads
    fuse_hard_sigmoid(g)
    fuse_gated(g)
    fold_bias(g)
    merge_affine(g)
    lower_affine(g)
    drop_identities(g)
    if fuse_activations:
        fuse_activation(g)
    g.prune()
    g.infer()
    return g
