#!/usr/bin/python3
"""Makes the oracle fixtures of tests/runtime/layers_b_oracle.cpp (cases prefixed b_):
BatchNormalization (folded into a convolution and on its own), DepthwiseConv2D, SeparableConv2D,
grouped Conv2D, the broadcasting merges (a squeeze-and-excitation gate among them) and bilinear
UpSampling2D, computed by PyTorch on random data. Per case, as make_fixtures.py writes them:
  <case>.weights.npz   weights keyed <layer>/<Keras weight name>, in Keras' layouts
  <case>.io.npz        x (the NHWC input) and y (PyTorch's output, NHWC)
PyTorch shares no code with ctnn. Where its conventions differ from Keras', the conversion is
written here: depthwise kernels (Cin·m, 1, kh, kw) -> (kh, kw, Cin, m); grouped kernels
(F, Cin/g, kh, kw) -> (kh, kw, Cin/g, F); TF's `same` placement by explicit padding.
Bilinear UpSampling2D: Keras on TF 2 and Keras 3 resize with tf.image.resize (half-pixel centres),
which PyTorch's interpolate(align_corners=False) matches for integer factors. TF.js was checked
too (@tensorflow/tfjs 4, upSampling2d({size: [2, 2], interpolation: 'bilinear'}) on [0, 1]):
its layer gives 0, .5, 1, 1, TF 1.x's legacy mapping, while its
tf.image.resizeBilinear(..., halfPixelCenters=true) gives PyTorch's 0, .25, .75, 1; so TF.js'
layer is not the oracle for this case.
Run with Debian's python3-torch: /usr/bin/python3 tests/oracle/make_layer_fixtures_b.py
CI uses the committed fixtures and needs no Python."""
import pathlib

import numpy as np
import torch
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parent.parent / "runtime" / "fixtures" / "oracle"
torch.manual_seed(9009)


def nchw(x):
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))


def nhwc(t):
    return np.ascontiguousarray(t.detach().numpy().transpose(0, 2, 3, 1)).astype(np.float32)


def rand(*shape, scale=1.0, low=None):
    if low is not None:  # uniform in [low, low + scale)
        return torch.rand(*shape) * scale + low
    return (torch.rand(*shape) * 2 - 1) * scale


def same_pad(t, k, s, d):
    """TF's `same`: total max((out - 1)·s + k' - n, 0) per axis, the smaller half before."""
    pads = []
    for axis in (1, 0):  # F.pad takes the last axis first
        n, ke = t.shape[2 + axis], (k[axis] - 1) * d[axis] + 1
        out = -(-n // s[axis])
        total = max((out - 1) * s[axis] + ke - n, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(t, pads)


class Case:
    def __init__(self, name, x):
        self.name, self.x, self.weights = name, x, {}

    def conv(self, layer, t, cout, k, s=(1, 1), d=(1, 1), same=False, bias=True, groups=1):
        cin = t.shape[1]
        w = rand(cout, cin // groups, *k, scale=0.4)
        b = rand(cout, scale=0.3) if bias else None
        self.weights[f"{layer}/kernel"] = w.permute(2, 3, 1, 0).numpy()  # Keras (kh, kw, Cin/g, Cout)
        if bias:
            self.weights[f"{layer}/bias"] = b.numpy()
        if same:
            t = same_pad(t, k, s, d)
        return F.conv2d(t, w, b, stride=s, dilation=d, groups=groups)

    def depthwise(self, layer, t, k, m=1, s=(1, 1), d=(1, 1), same=False, bias=True, kernel_name="depthwise_kernel"):
        cin = t.shape[1]
        w = rand(cin * m, 1, *k, scale=0.5)  # output channel c·m + j filters input channel c
        b = rand(cin * m, scale=0.3) if bias else None
        self.weights[f"{layer}/{kernel_name}"] = w.reshape(cin, m, *k).permute(2, 3, 0, 1).numpy()  # (kh, kw, Cin, m)
        if bias:
            self.weights[f"{layer}/bias"] = b.numpy()
        if same:
            t = same_pad(t, k, s, d)
        return F.conv2d(t, w, b, stride=s, dilation=d, groups=cin)

    def separable(self, layer, t, cout, k, m=1, s=(1, 1), same=False):
        mid = self.depthwise(layer, t, k, m, s, same=same, bias=False)
        w = rand(cout, mid.shape[1], 1, 1, scale=0.4)
        b = rand(cout, scale=0.3)
        self.weights[f"{layer}/pointwise_kernel"] = w.permute(2, 3, 1, 0).numpy()  # (1, 1, Cin·m, Cout)
        self.weights[f"{layer}/bias"] = b.numpy()
        # Keras' weight order: depthwise_kernel, pointwise_kernel, bias (a dict keeps insertion order)
        bias = self.weights.pop(f"{layer}/bias")
        self.weights[f"{layer}/bias"] = bias
        return F.conv2d(mid, w, b)

    def batch_norm(self, layer, t, eps=1e-3, scale=True, center=True):
        c = t.shape[1]
        gamma = rand(c, scale=1.0, low=0.5) if scale else None
        beta = rand(c, scale=0.5) if center else None
        mean = rand(c, scale=0.5)
        var = rand(c, scale=1.0, low=0.2)
        if scale:
            self.weights[f"{layer}/gamma"] = gamma.numpy()
        if center:
            self.weights[f"{layer}/beta"] = beta.numpy()
        self.weights[f"{layer}/moving_mean"] = mean.numpy()
        self.weights[f"{layer}/moving_variance"] = var.numpy()
        return F.batch_norm(t, mean, var, weight=gamma, bias=beta, training=False, eps=eps)

    def save(self, y):
        np.savez(OUT / f"{self.name}.weights.npz", **self.weights)
        np.savez(OUT / f"{self.name}.io.npz", x=self.x.astype(np.float32), y=nhwc(y))
        print(f"{self.name}: x {self.x.shape} -> y {tuple(nhwc(y).shape)}, {len(self.weights)} weight arrays")


def single(name, shape, build):
    x = rand(*shape).numpy()
    case = Case(name, x)
    case.save(build(case, nchw(x)))


def main():
    OUT.mkdir(parents=True, exist_ok=True)

    # Conv (no bias) -> BN -> ReLU: the pattern keras.applications' ResNet50 repeats; folded.
    single("b_batch_norm_folded", (2, 7, 6, 3),
           lambda c, t: torch.relu(c.batch_norm("bn", c.conv("conv", t, 8, (3, 3), same=True, bias=False), eps=1.001e-5)))
    # BN on the input (nothing to fold into), without beta, Keras' default epsilon.
    single("b_batch_norm_alone", (2, 5, 4, 6), lambda c, t: c.batch_norm("bn", t, center=False))

    # A ResNet bottleneck-like block: every BN folds, the projection's too, then Add and ReLU.
    def block(c, t):
        a = torch.relu(c.batch_norm("a_bn", c.conv("a_conv", t, 6, (1, 1)), eps=1.001e-5))
        a = c.batch_norm("b_bn", c.conv("b_conv", a, 8, (3, 3), same=True), eps=1.001e-5)
        shortcut = c.batch_norm("s_bn", c.conv("s_conv", t, 8, (1, 1)), eps=1.001e-5)
        return torch.relu(a + shortcut)
    single("b_residual_block", (2, 8, 7, 4), block)

    single("b_depthwise", (2, 9, 8, 4),
           lambda c, t: torch.relu(c.depthwise("dw", t, (3, 3), m=2, s=(2, 2), same=True)))
    single("b_depthwise_dilated", (1, 9, 10, 5),
           lambda c, t: c.depthwise("dw", t, (3, 2), d=(2, 2), bias=False))
    # MobileNetV2's pattern: depthwise (no bias) -> BN (folded) -> ReLU
    single("b_depthwise_bn", (2, 6, 6, 4),
           lambda c, t: torch.relu(c.batch_norm("bn", c.depthwise("dw", t, (3, 3), same=True, bias=False))))
    single("b_separable", (1, 8, 7, 3),
           lambda c, t: torch.tanh(c.separable("sep", t, 5, (3, 3), m=2, same=True)))
    single("b_grouped_conv", (2, 7, 7, 6),
           lambda c, t: torch.relu(c.conv("conv", t, 9, (3, 3), s=(2, 2), groups=3)))

    # Squeeze-and-excitation: a 1x1xC gate (mean over the map, two 1x1 convs) times the map.
    def squeeze_excite(c, t):
        pooled = t.mean(dim=(2, 3), keepdim=True)
        gate = torch.sigmoid(c.conv("excite", torch.relu(c.conv("squeeze", pooled, 2, (1, 1))), 8, (1, 1)))
        return t * gate
    single("b_squeeze_excite", (2, 6, 5, 8), squeeze_excite)

    # Subtract, Average, Maximum, Minimum with an HxWx1 map broadcast over channels.
    def merges(c, t):
        a = c.conv("a", t, 3, (1, 1))
        m = c.conv("m", t, 1, (1, 1))
        return torch.cat([a - m, (a + m + t) / 3, torch.maximum(a, m), torch.minimum(m, t)], dim=1)
    single("b_merges", (2, 5, 4, 3), merges)

    single("b_bilinear", (2, 3, 4, 2),
           lambda c, t: F.interpolate(t, scale_factor=(2, 2), mode="bilinear", align_corners=False))
    single("b_bilinear_uneven", (1, 4, 3, 3),
           lambda c, t: F.interpolate(t, scale_factor=(3, 2), mode="bilinear", align_corners=False))


if __name__ == "__main__":
    main()
