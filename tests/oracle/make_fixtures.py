#!/usr/bin/python3
"""Makes the oracle fixtures of tests/runtime/oracle.cpp: PyTorch computes each layer kind (and a
reduced FCN-8) on random data, and NumPy writes, per case,
  <case>.weights.npz   weights keyed <layer>/kernel and <layer>/bias, in Keras' layouts
  <case>.io.npz        x (the NHWC input) and y (PyTorch's output, NHWC)
PyTorch is the independent oracle: TF's `same` placement is done here with explicit padding or
cropping (PyTorch's symmetric `padding` places the odd pixel differently).
Run with Debian's python3-torch: /usr/bin/python3 tests/oracle/make_fixtures.py
CI uses the committed fixtures and needs no Python."""
import pathlib

import numpy as np
import torch
import torch.nn.functional as F

OUT = pathlib.Path(__file__).resolve().parent.parent / "runtime" / "fixtures" / "oracle"
torch.manual_seed(2026)


def nchw(x):
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))


def nhwc(t):
    return np.ascontiguousarray(t.detach().numpy().transpose(0, 2, 3, 1)).astype(np.float32)


def rand(*shape, scale=1.0):
    return (torch.rand(*shape) * 2 - 1) * scale


def same_pads(n, k, s, d=1):
    """TF's `same`: total max((out - 1)·s + k' - n, 0), the smaller half before."""
    ke = (k - 1) * d + 1
    out = -(-n // s)
    total = max((out - 1) * s + ke - n, 0)
    return total // 2, total - total // 2


class Case:
    def __init__(self, name, x):
        self.name, self.x, self.weights = name, x, {}

    def conv(self, layer, t, cin, cout, k, s=(1, 1), d=(1, 1), same=False, bias=True, act=None):
        w = rand(cout, cin, *k, scale=0.3)  # PyTorch (out, in, kh, kw)
        b = rand(cout, scale=0.3) if bias else None
        self.weights[f"{layer}/kernel"] = w.permute(2, 3, 1, 0).numpy()  # Keras (kh, kw, in, out)
        if bias:
            self.weights[f"{layer}/bias"] = b.numpy()
        if same:
            (t0, t1), (l0, l1) = same_pads(t.shape[2], k[0], s[0], d[0]), same_pads(t.shape[3], k[1], s[1], d[1])
            t = F.pad(t, (l0, l1, t0, t1))
        y = F.conv2d(t, w, b, stride=s, dilation=d)
        return act(y) if act else y

    def conv_transpose(self, layer, t, cin, cout, k, s, d=(1, 1), same=False, op=None, bias=True, act=None):
        w = rand(cin, cout, *k, scale=0.3)  # PyTorch (in, out, kh, kw)
        b = rand(cout, scale=0.3) if bias else None
        self.weights[f"{layer}/kernel"] = w.permute(2, 3, 1, 0).numpy()  # Keras (kh, kw, out, in)
        if bias:
            self.weights[f"{layer}/bias"] = b.numpy()
        full = F.conv_transpose2d(t, w, None, stride=s, dilation=d)  # length (n-1)s + k'
        lengths = []
        for axis in range(2):
            n, ke = t.shape[2 + axis], (k[axis] - 1) * d[axis] + 1
            if op is None:
                length = n * s[axis] if same else n * s[axis] + max(ke - s[axis], 0)
            else:
                length = (n - 1) * s[axis] + ke - 2 * (ke // 2 if same else 0) + op[axis]
            lengths.append(length)
        cut = [max(full.shape[2 + a] - lengths[a], 0) // 2 if same else 0 for a in range(2)]
        # Rows past the full result (output_padding) are zero before the bias.
        grow = [max(cut[a] + lengths[a] - full.shape[2 + a], 0) for a in range(2)]
        full = F.pad(full, (0, grow[1], 0, grow[0]))
        y = full[:, :, cut[0]:cut[0] + lengths[0], cut[1]:cut[1] + lengths[1]]
        if bias:
            y = y + b.view(1, -1, 1, 1)
        return act(y) if act else y

    def save(self, y):
        np.savez(OUT / f"{self.name}.weights.npz", **self.weights)
        np.savez(OUT / f"{self.name}.io.npz", x=self.x.astype(np.float32), y=nhwc(y))
        print(f"{self.name}: x {self.x.shape} -> y {tuple(nhwc(y).shape)}, {len(self.weights)} weight arrays")


def single(name, shape, build, scale=1.0):
    x = rand(*shape, scale=scale).numpy()
    case = Case(name, x)
    case.save(build(case, nchw(x)))


def pool_same(t, k, s, average):
    (t0, t1), (l0, l1) = same_pads(t.shape[2], k[0], s[0]), same_pads(t.shape[3], k[1], s[1])
    if average:  # TF averages over the real cells only
        ones = torch.ones_like(t[:, :1])
        sums = F.avg_pool2d(F.pad(t, (l0, l1, t0, t1)), k, s, divisor_override=1)
        counts = F.avg_pool2d(F.pad(ones, (l0, l1, t0, t1)), k, s, divisor_override=1)
        return sums / counts
    return F.max_pool2d(F.pad(t, (l0, l1, t0, t1), value=-float("inf")), k, s)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    single("conv2d_valid_strided", (2, 9, 8, 3),
           lambda c, t: c.conv("conv", t, 3, 5, (3, 3), s=(2, 2), act=torch.relu))
    single("conv2d_same_even_kernel", (1, 7, 6, 4),
           lambda c, t: c.conv("conv", t, 4, 6, (4, 2), s=(2, 1), same=True, act=torch.sigmoid))
    single("conv2d_same_dilated", (2, 8, 9, 3),
           lambda c, t: c.conv("conv", t, 3, 4, (3, 3), d=(2, 2), same=True, act=torch.tanh))
    single("conv2d_7x7_on_7x7", (1, 7, 7, 8),
           lambda c, t: c.conv("conv", t, 8, 16, (7, 7), same=True, act=torch.relu))
    single("conv2d_transpose_valid", (2, 7, 7, 6),
           lambda c, t: c.conv_transpose("up", t, 6, 4, (4, 4), (2, 2), bias=False))
    single("conv2d_transpose_same", (1, 5, 4, 3),
           lambda c, t: c.conv_transpose("up", t, 3, 4, (3, 3), (2, 2), same=True))
    single("conv2d_transpose_output_padding", (1, 4, 5, 3),
           lambda c, t: c.conv_transpose("up", t, 3, 2, (3, 2), (3, 2), op=(2, 1), act=torch.relu))
    single("conv2d_transpose_same_output_padding", (2, 4, 4, 2),
           lambda c, t: c.conv_transpose("up", t, 2, 3, (4, 4), (2, 2), same=True, op=(1, 1)))
    single("max_pooling_same", (2, 9, 7, 3), lambda c, t: pool_same(t, (3, 3), (2, 2), False))
    single("average_pooling_same", (1, 7, 9, 2), lambda c, t: pool_same(t, (3, 2), (2, 2), True))
    single("cropping", (2, 8, 9, 3), lambda c, t: t[:, :, 1:8 - 2, 3:9 - 1])
    single("zero_padding", (1, 4, 3, 2), lambda c, t: F.pad(t, (2, 0, 1, 3)))
    single("up_sampling", (2, 3, 4, 2), lambda c, t: F.interpolate(t, scale_factor=(2, 3), mode="nearest"))
    single("softmax", (2, 4, 5, 7), lambda c, t: torch.softmax(t, dim=1), scale=30.0)

    def add_concat(c, t):
        a = c.conv("a", t, 3, 4, (1, 1))
        b = c.conv("b", t, 3, 4, (3, 3), same=True)
        return torch.cat([a + b, a], dim=1)
    single("add_concatenate", (2, 5, 6, 3), add_concat)

    # FCN-8's topology at 64x64 with narrow layers (block widths 4..32, conv6/7 32, 5 classes).
    def fcn8(c, t, base=4, fc=32, classes=5):
        widths = [(1, 2), (2, 2), (4, 3), (8, 3), (8, 3)]
        pool_names = ["block1_pool2", "block2_pool2", "block3_pool3", "block4_pool3", "block5_pool3"]
        taps, cin = [], 3
        for b, (mult, convs) in enumerate(widths):
            for i in range(convs):
                t = c.conv(f"block{b + 1}_conv{i + 1}", t, cin, base * mult, (3, 3), same=True, act=torch.relu)
                cin = base * mult
            t = F.max_pool2d(t, 2, 2)
            taps.append(t)
        t = c.conv("conv6", t, cin, fc, (7, 7), same=True, act=torch.relu)
        t = c.conv("conv7", t, fc, fc, (1, 1), same=True, act=torch.relu)
        t = c.conv_transpose("conv2d_transpose", t, fc, classes, (4, 4), (2, 2), bias=False)[:, :, 1:-1, 1:-1]
        t = t + c.conv("conv2d", taps[3], base * 8, classes, (1, 1), same=True, act=torch.relu)
        t = c.conv_transpose("conv2d_transpose_1", t, classes, classes, (4, 4), (2, 2), bias=False)[:, :, 1:-1, 1:-1]
        t = t + c.conv("conv2d_1", taps[2], base * 4, classes, (1, 1), same=True, act=torch.relu)
        t = c.conv_transpose("conv2d_transpose_2", t, classes, classes, (8, 8), (8, 8), bias=False)
        del pool_names
        return torch.softmax(t, dim=1)
    single("fcn8_reduced", (1, 64, 64, 3), fcn8)

    # Shapes for which ctnn chooses Winograd (kernels/winograd.hpp): F(4x4) with `same` on a map
    # whose tiles overhang the border, F(2x2) with `valid` on a small one; channels not multiples
    # of 8, batch 2. Appended last so that the cases above draw the same numbers.
    single("conv2d_winograd_f4_same", (2, 19, 17, 21),
           lambda c, t: c.conv("conv", t, 21, 19, (3, 3), same=True, act=torch.relu))
    single("conv2d_winograd_f2_valid", (2, 11, 10, 19),
           lambda c, t: c.conv("conv", t, 19, 23, (3, 3), act=torch.tanh))


if __name__ == "__main__":
    main()
