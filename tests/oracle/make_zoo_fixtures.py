#!/usr/bin/python3
"""Makes the zoo fixtures of tests/runtime/zoo_oracle.cpp: VGG16, ResNet50 (Keras' v1), MobileNetV2,
DenseNet121 and the 2015 U-Net, each at reduced width and input size, written out here in PyTorch
from Keras' (and the paper's) architecture, not from ctnn's headers. Per model, NumPy writes
  zoo_<model>.weights.npz   random weights keyed <layer>/<weight> with Keras' names and layouts
                            (BatchNormalization with random gamma, beta and moving statistics)
  zoo_<model>.io.npz        x (the NHWC input) and y (PyTorch's output in eval mode)
The forward pass runs in float64 on the float32 weights, so the fixture's error is far below the
test's 1e-4. torchvision is not used: its ResNet is v1.5 (stride on the 3x3), Keras' is v1.
Run with Debian's python3-torch: /usr/bin/python3 tests/oracle/make_zoo_fixtures.py"""
import math
import pathlib

import numpy as np
import torch
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parent.parent / "runtime" / "fixtures" / "oracle"
torch.manual_seed(9)


def same_pads(n, k, s):
    """TF's `same`: total max((out - 1)·s + k - n, 0), the smaller half before."""
    out = -(-n // s)
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def uniform(shape, low, high):
    return torch.rand(*shape, dtype=torch.float32) * (high - low) + low


class Weights:
    """Draws each layer's weights once, keeps them in Keras' layout for the .npz and returns
    them in PyTorch's, in float64."""

    def __init__(self):
        self.arrays = {}

    def put(self, key, value):
        assert key not in self.arrays, key
        self.arrays[key] = value.numpy().astype(np.float32)
        return value.double()

    def conv(self, layer, t, cout, k, s=1, same=False, bias=True, act=None):
        cin = t.shape[1]
        limit = math.sqrt(6.0 / (cin * k * k))  # He-uniform keeps deep stacks at unit scale
        w = uniform((k, k, cin, cout), -limit, limit)  # Keras (kh, kw, in, out)
        w64 = self.put(f"{layer}/kernel", w).permute(3, 2, 0, 1)
        b64 = self.put(f"{layer}/bias", uniform((cout,), -0.1, 0.1)) if bias else None
        if same:
            (t0, t1), (l0, l1) = same_pads(t.shape[2], k, s), same_pads(t.shape[3], k, s)
            t = F.pad(t, (l0, l1, t0, t1))
        y = F.conv2d(t, w64, b64, stride=s)
        return act(y) if act else y

    def depthwise(self, layer, t, s, pads):
        c = t.shape[1]
        limit = math.sqrt(6.0 / 9)
        w = uniform((3, 3, c, 1), -limit, limit)  # Keras (kh, kw, in, multiplier)
        w64 = self.put(f"{layer}/depthwise_kernel", w).permute(2, 3, 0, 1)
        return F.conv2d(F.pad(t, pads), w64, None, stride=s, groups=c)

    def conv_transpose(self, layer, t, cout, k, s):
        cin = t.shape[1]
        limit = math.sqrt(6.0 / (cin * k * k / (s * s)))
        w = uniform((k, k, cout, cin), -limit, limit)  # Keras (kh, kw, out, in)
        w64 = self.put(f"{layer}/kernel", w).permute(3, 2, 0, 1)
        b64 = self.put(f"{layer}/bias", uniform((cout,), -0.1, 0.1))
        return F.conv_transpose2d(t, w64, b64, stride=s)  # kernel == stride: no overlap, no crop

    def batch_norm(self, layer, t, eps):
        c = t.shape[1]
        gamma = self.put(f"{layer}/gamma", uniform((c,), 0.5, 1.5))
        beta = self.put(f"{layer}/beta", uniform((c,), -0.3, 0.3))
        mean = self.put(f"{layer}/moving_mean", uniform((c,), -0.3, 0.3))
        var = self.put(f"{layer}/moving_variance", uniform((c,), 0.5, 2.0))
        view = (1, c, 1, 1)
        return (t - mean.view(view)) / torch.sqrt(var.view(view) + eps) * gamma.view(view) + beta.view(view)

    def dense(self, layer, t, units, act=None, logits=False):
        limit = math.sqrt(6.0 / t.shape[1])
        if logits:  # logits spread by about 2, so that the softmax is neither flat nor one-hot
            limit = 2 * math.sqrt(3.0) / (float(t.pow(2).mean().sqrt()) * math.sqrt(t.shape[1]))
        w64 = self.put(f"{layer}/kernel", uniform((t.shape[1], units), -limit, limit))  # Keras (in, out)
        b64 = self.put(f"{layer}/bias", uniform((units,), -0.1, 0.1))
        y = t @ w64 + b64
        return act(y) if act else y


def softmax(t):
    return torch.softmax(t, dim=1)


def vgg16(w, t, d, classes):
    for block, (filters, convs) in enumerate([(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)], start=1):
        for i in range(1, convs + 1):
            t = w.conv(f"block{block}_conv{i}", t, filters // d, 3, same=True, act=torch.relu)
        t = F.max_pool2d(t, 2, 2)
    t = t.permute(0, 2, 3, 1).flatten(1)  # Keras' Flatten runs over NHWC
    t = w.dense("fc1", t, 4096 // d, torch.relu)
    t = w.dense("fc2", t, 4096 // d, torch.relu)
    return w.dense("predictions", t, classes, softmax, logits=True)


def resnet50(w, t, d, classes):
    eps = 1.001e-5
    t = w.conv("conv1_conv", F.pad(t, (3, 3, 3, 3)), 64 // d, 7, s=2)
    t = torch.relu(w.batch_norm("conv1_bn", t, eps))
    t = F.max_pool2d(F.pad(t, (1, 1, 1, 1)), 3, 2)
    for stage, filters, blocks, stride in [(2, 64, 3, 1), (3, 128, 4, 2), (4, 256, 6, 2), (5, 512, 3, 2)]:
        f = filters // d
        for block in range(1, blocks + 1):
            p = f"conv{stage}_block{block}"
            s = stride if block == 1 else 1
            if block == 1:  # v1: the stride is on the 1x1 projection and the first 1x1 conv
                shortcut = w.batch_norm(f"{p}_0_bn", w.conv(f"{p}_0_conv", t, 4 * f, 1, s=s), eps)
            else:
                shortcut = t
            y = torch.relu(w.batch_norm(f"{p}_1_bn", w.conv(f"{p}_1_conv", t, f, 1, s=s), eps))
            y = torch.relu(w.batch_norm(f"{p}_2_bn", w.conv(f"{p}_2_conv", y, f, 3, same=True), eps))
            y = w.batch_norm(f"{p}_3_bn", w.conv(f"{p}_3_conv", y, 4 * f, 1), eps)
            t = torch.relu(shortcut + y)
    return w.dense("predictions", t.mean(dim=(2, 3)), classes, softmax, logits=True)


def mobilenet_v2(w, t, d, classes):
    eps = 1e-3

    def relu6(x):
        return torch.clamp(x, 0.0, 6.0)

    t = w.conv("Conv1", t, 32 // d, 3, s=2, same=True, bias=False)
    t = relu6(w.batch_norm("bn_Conv1", t, eps))
    settings = [(16, 1, 1)] + [(24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6),
                               (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6),
                               (160, 1, 6), (320, 1, 6)]
    for block, (filters, stride, expansion) in enumerate(settings):
        x, cin, f = t, t.shape[1], filters // d
        p = "expanded_conv" if block == 0 else f"block_{block}"
        if block:
            t = relu6(w.batch_norm(f"{p}_expand_BN", w.conv(f"{p}_expand", t, expansion * cin, 1, bias=False), eps))
        if stride == 2:  # Keras' correct_pad: ((1 - adjust, 1), ...), adjust = 1 - size % 2
            ah, aw = 1 - t.shape[2] % 2, 1 - t.shape[3] % 2
            pads = (1 - aw, 1, 1 - ah, 1)
        else:
            pads = (1, 1, 1, 1)
        t = relu6(w.batch_norm(f"{p}_depthwise_BN", w.depthwise(f"{p}_depthwise", t, stride, pads), eps))
        t = w.batch_norm(f"{p}_project_BN", w.conv(f"{p}_project", t, f, 1, bias=False), eps)
        if cin == f and stride == 1:
            t = x + t
    t = relu6(w.batch_norm("Conv_1_bn", w.conv("Conv_1", t, 1280 // d, 1, bias=False), eps))
    return w.dense("predictions", t.mean(dim=(2, 3)), classes, softmax, logits=True)


def densenet121(w, t, d, classes):
    eps, growth = 1.001e-5, 32 // d
    t = w.conv("conv1_conv", F.pad(t, (3, 3, 3, 3)), 64 // d, 7, s=2, bias=False)
    t = torch.relu(w.batch_norm("conv1_bn", t, eps))
    t = F.max_pool2d(F.pad(t, (1, 1, 1, 1)), 3, 2)
    for stage, blocks in [(2, 6), (3, 12), (4, 24), (5, 16)]:
        for block in range(1, blocks + 1):
            p = f"conv{stage}_block{block}"
            y = torch.relu(w.batch_norm(f"{p}_0_bn", t, eps))
            y = torch.relu(w.batch_norm(f"{p}_1_bn", w.conv(f"{p}_1_conv", y, 4 * growth, 1, bias=False), eps))
            y = w.conv(f"{p}_2_conv", y, growth, 3, same=True, bias=False)
            t = torch.cat([t, y], dim=1)
        if stage != 5:
            y = torch.relu(w.batch_norm(f"pool{stage}_bn", t, eps))
            t = F.avg_pool2d(w.conv(f"pool{stage}_conv", y, t.shape[1] // 2, 1, bias=False), 2, 2)
    t = torch.relu(w.batch_norm("bn", t, eps))
    return w.dense("predictions", t.mean(dim=(2, 3)), classes, softmax, logits=True)


def unet(w, t, base, classes):
    def crop_to(skip, up):  # the paper's "copy and crop": the centre of the skip connection
        dh, dw = skip.shape[2] - up.shape[2], skip.shape[3] - up.shape[3]
        return skip[:, :, dh // 2:dh // 2 + up.shape[2], dw // 2:dw // 2 + up.shape[3]]

    skips = []
    for level in range(1, 6):
        t = w.conv(f"conv{level}_1", t, base * 2 ** (level - 1), 3, act=torch.relu)
        t = w.conv(f"conv{level}_2", t, base * 2 ** (level - 1), 3, act=torch.relu)
        if level < 5:
            skips.append(t)
            t = F.max_pool2d(t, 2, 2)
    for level, up in zip(range(6, 10), range(4, 0, -1)):
        u = w.conv_transpose(f"up{up}", t, base * 2 ** (up - 1), 2, 2)
        t = torch.cat([crop_to(skips[up - 1], u), u], dim=1)
        t = w.conv(f"conv{level}_1", t, base * 2 ** (up - 1), 3, act=torch.relu)
        t = w.conv(f"conv{level}_2", t, base * 2 ** (up - 1), 3, act=torch.relu)
    return w.conv("conv10", t, classes, 1)


def make(name, shape, build):
    x = uniform(shape, -1.0, 1.0)
    w = Weights()
    with torch.no_grad():
        y = build(w, x.permute(0, 3, 1, 2).double())
    if y.dim() == 4:
        y = y.permute(0, 2, 3, 1)
    y = np.ascontiguousarray(y.numpy()).astype(np.float32)
    np.savez(OUT / f"zoo_{name}.weights.npz", **w.arrays)
    np.savez(OUT / f"zoo_{name}.io.npz", x=x.numpy(), y=y)
    params = sum(a.size for a in w.arrays.values())
    print(f"zoo_{name}: x {tuple(shape)} -> y {y.shape}, {len(w.arrays)} arrays, {params} weights, "
          f"y in [{y.min():.3g}, {y.max():.3g}]")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    # The sizes and widths zoo_oracle.cpp builds: keep the two in step.
    make("vgg16", (2, 64, 64, 3), lambda w, t: vgg16(w, t, d=16, classes=10))
    make("resnet50", (2, 64, 64, 3), lambda w, t: resnet50(w, t, d=16, classes=10))
    make("mobilenet_v2", (2, 64, 64, 3), lambda w, t: mobilenet_v2(w, t, d=8, classes=10))
    make("densenet121", (2, 64, 64, 3), lambda w, t: densenet121(w, t, d=8, classes=10))
    make("unet", (1, 188, 188, 1), lambda w, t: unet(w, t, base=4, classes=2))


if __name__ == "__main__":
    main()
