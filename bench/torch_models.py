# SPDX-License-Identifier: BSL-1.0
"""PyTorch definitions of the benchmark suite's models, the same architectures as ctnn's
(include/ctnn/models/*.hpp, which follow Keras' applications and the 2015 U-Net paper), so that the
PyTorch and onnxruntime peers do the same work as ctnn. torchvision differs from Keras where it
matters: its ResNet50 is v1.5 (stride on the 3x3) without conv biases, and its MobileNetV2 pads
its strided convolutions symmetrically where Keras pads after; so each model is written out here. `keras_params` counts what Keras
(and ctnn's total_params) counts: the parameters plus BatchNormalization's moving statistics.
The peers' weights are PyTorch's default initialisation: timing does not depend on the values."""
import torch
from torch import nn
import torch.nn.functional as F

from fcn8_torch import FCN8


def keras_params(model):
    bn_stats = sum(m.running_mean.numel() + m.running_var.numel() for m in model.modules()
                   if isinstance(m, nn.BatchNorm2d))
    return sum(p.numel() for p in model.parameters()) + bn_stats


def same_pads(n, k, s):
    """TF's `same` padding along one side of n: (before, after), the smaller half before."""
    out = -(-n // s)
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2


class ConvBN(nn.Sequential):
    """Conv2D (no bias) + BatchNormalization (+ activation), Keras' usual unit."""

    def __init__(self, cin, cout, k, s=1, pad=0, groups=1, eps=1e-3, act=None):
        layers = [nn.Conv2d(cin, cout, k, s, pad, groups=groups, bias=False), nn.BatchNorm2d(cout, eps=eps)]
        if act is not None:
            layers.append(act)
        super().__init__(*layers)


class UNet(nn.Module):
    """The 2015 U-Net: valid 3x3 convolutions, 2x2 transposed convolutions, copy-and-crop."""

    def __init__(self, classes=2, cin=1, base=64):
        super().__init__()
        widths = [base * 2 ** i for i in range(5)]

        def double(a, b):
            return nn.Sequential(nn.Conv2d(a, b, 3), nn.ReLU(), nn.Conv2d(b, b, 3), nn.ReLU())
        self.down = nn.ModuleList([double(cin if i == 0 else widths[i - 1], widths[i]) for i in range(5)])
        self.ups = nn.ModuleList([nn.ConvTranspose2d(widths[i + 1], widths[i], 2, stride=2) for i in range(3, -1, -1)])
        self.up_convs = nn.ModuleList([double(2 * widths[i], widths[i]) for i in range(3, -1, -1)])
        self.out = nn.Conv2d(base, classes, 1)

    def forward(self, x):
        skips = []
        for i, block in enumerate(self.down):
            x = block(x)
            if i < 4:
                skips.append(x)
                x = F.max_pool2d(x, 2, 2)
        for up, conv, skip in zip(self.ups, self.up_convs, reversed(skips)):
            u = up(x)
            dh, dw = (skip.shape[2] - u.shape[2]) // 2, (skip.shape[3] - u.shape[3]) // 2
            x = conv(torch.cat([skip[:, :, dh:dh + u.shape[2], dw:dw + u.shape[3]], u], dim=1))
        return self.out(x)


class VGG16(nn.Module):
    def __init__(self, classes=1000):
        super().__init__()
        layers, cin = [], 3
        for filters, convs in [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]:
            for _ in range(convs):
                layers += [nn.Conv2d(cin, filters, 3, padding=1), nn.ReLU()]
                cin = filters
            layers.append(nn.MaxPool2d(2, 2))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Linear(7 * 7 * 512, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(),
                                        nn.Linear(4096, classes), nn.Softmax(dim=1))

    def forward(self, x):
        # Keras flattens NHWC; the order changes no cost.
        return self.classifier(torch.flatten(self.features(x), 1))


class Bottleneck(nn.Module):
    """Keras' ResNet v1 block: the stride on the first 1x1 (and the projection), conv biases."""

    def __init__(self, cin, filters, stride, projection):
        super().__init__()
        eps = 1.001e-5
        self.shortcut = nn.Sequential(nn.Conv2d(cin, 4 * filters, 1, stride), nn.BatchNorm2d(4 * filters, eps=eps)) \
            if projection else nn.Identity()
        self.body = nn.Sequential(
            nn.Conv2d(cin, filters, 1, stride), nn.BatchNorm2d(filters, eps=eps), nn.ReLU(),
            nn.Conv2d(filters, filters, 3, padding=1), nn.BatchNorm2d(filters, eps=eps), nn.ReLU(),
            nn.Conv2d(filters, 4 * filters, 1), nn.BatchNorm2d(4 * filters, eps=eps))

    def forward(self, x):
        return torch.relu(self.shortcut(x) + self.body(x))


class ResNet50(nn.Module):
    def __init__(self, classes=1000):
        super().__init__()
        self.stem = nn.Sequential(nn.ZeroPad2d(3), nn.Conv2d(3, 64, 7, 2), nn.BatchNorm2d(64, eps=1.001e-5), nn.ReLU(),
                                  nn.ZeroPad2d(1), nn.MaxPool2d(3, 2))
        blocks, cin = [], 64
        for filters, count, stride in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]:
            for b in range(count):
                blocks.append(Bottleneck(cin, filters, stride if b == 0 else 1, b == 0))
                cin = 4 * filters
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(2048, classes)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return torch.softmax(self.fc(x.mean(dim=(2, 3))), dim=1)


class InvertedResidual(nn.Module):
    def __init__(self, cin, filters, stride, expansion, size):
        super().__init__()
        hidden, eps = cin * expansion, 1e-3
        layers = [] if expansion == 1 else [ConvBN(cin, hidden, 1, eps=eps, act=nn.ReLU6())]
        if stride == 2:  # Keras' correct_pad: one row/column after, one before where the side is odd
            layers.append(nn.ZeroPad2d((size % 2, 1, size % 2, 1)))
            layers.append(ConvBN(hidden, hidden, 3, 2, groups=hidden, eps=eps, act=nn.ReLU6()))
        else:
            layers.append(ConvBN(hidden, hidden, 3, 1, 1, groups=hidden, eps=eps, act=nn.ReLU6()))
        layers.append(ConvBN(hidden, filters, 1, eps=eps))
        self.body = nn.Sequential(*layers)
        self.residual = cin == filters and stride == 1

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


class MobileNetV2(nn.Module):
    def __init__(self, classes=1000, size=224):
        super().__init__()
        t0, t1 = same_pads(size, 3, 2)
        layers = [nn.ZeroPad2d((t0, t1, t0, t1)), ConvBN(3, 32, 3, 2, act=nn.ReLU6())]
        size, cin = -(-size // 2), 32
        settings = [(16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6),
                    (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6),
                    (160, 1, 6), (320, 1, 6)]
        for filters, stride, expansion in settings:
            layers.append(InvertedResidual(cin, filters, stride, expansion, size))
            cin, size = filters, -(-size // stride)
        layers.append(ConvBN(320, 1280, 1, act=nn.ReLU6()))
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(1280, classes)

    def forward(self, x):
        return torch.softmax(self.fc(self.features(x).mean(dim=(2, 3))), dim=1)


class DenseLayer(nn.Module):
    def __init__(self, cin, growth):
        super().__init__()
        eps = 1.001e-5
        self.body = nn.Sequential(nn.BatchNorm2d(cin, eps=eps), nn.ReLU(), nn.Conv2d(cin, 4 * growth, 1, bias=False),
                                  nn.BatchNorm2d(4 * growth, eps=eps), nn.ReLU(),
                                  nn.Conv2d(4 * growth, growth, 3, padding=1, bias=False))

    def forward(self, x):
        return torch.cat([x, self.body(x)], dim=1)


class DenseNet121(nn.Module):
    def __init__(self, classes=1000, growth=32):
        super().__init__()
        eps = 1.001e-5
        layers = [nn.ZeroPad2d(3), nn.Conv2d(3, 64, 7, 2, bias=False), nn.BatchNorm2d(64, eps=eps), nn.ReLU(),
                  nn.ZeroPad2d(1), nn.MaxPool2d(3, 2)]
        c = 64
        for stage, blocks in enumerate([6, 12, 24, 16]):
            for _ in range(blocks):
                layers.append(DenseLayer(c, growth))
                c += growth
            if stage != 3:
                layers += [nn.BatchNorm2d(c, eps=eps), nn.ReLU(), nn.Conv2d(c, c // 2, 1, bias=False), nn.AvgPool2d(2, 2)]
                c //= 2
        layers += [nn.BatchNorm2d(c, eps=eps), nn.ReLU()]
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        return torch.softmax(self.fc(self.features(x).mean(dim=(2, 3))), dim=1)


# name: (constructor, NCHW input shape of one sample)
MODELS = {
    "fcn8": (FCN8, (3, 224, 224)),
    "unet": (UNet, (1, 572, 572)),
    "vgg16": (VGG16, (3, 224, 224)),
    "resnet50": (ResNet50, (3, 224, 224)),
    "mobilenet_v2": (MobileNetV2, (3, 224, 224)),
    "densenet121": (DenseNet121, (3, 224, 224)),
}
