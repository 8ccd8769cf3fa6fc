#!/usr/bin/python3
# SPDX-License-Identifier: BSL-1.0
"""The same FCN-8 in PyTorch (Debian's python3-torch), timed the way bench/fcn8.cpp times ctnn:
batch 1, 224x224, median of N runs after warm-up, eager and torch.jit.optimize_for_inference.
Run by bench/compare, which runs both in one go and prints the ratios."""
import resource
import statistics
import sys
import time

import torch
from torch import nn


class FCN8(nn.Module):
    def __init__(self, classes=12):
        super().__init__()
        def block(cin, cout, convs):
            layers = []
            for i in range(convs):
                layers += [nn.Conv2d(cin if i == 0 else cout, cout, 3, padding=1), nn.ReLU()]
            return nn.Sequential(*layers, nn.MaxPool2d(2, 2))
        self.b1, self.b2 = block(3, 64, 2), block(64, 128, 2)
        self.b3, self.b4, self.b5 = block(128, 256, 3), block(256, 512, 3), block(512, 512, 3)
        self.conv6 = nn.Conv2d(512, 4096, 7, padding=3)
        self.conv7 = nn.Conv2d(4096, 4096, 1)
        self.up2 = nn.ConvTranspose2d(4096, classes, 4, stride=2, bias=False)
        self.score4 = nn.Conv2d(512, classes, 1)
        self.up4 = nn.ConvTranspose2d(classes, classes, 4, stride=2, bias=False)
        self.score3 = nn.Conv2d(256, classes, 1)
        self.up32 = nn.ConvTranspose2d(classes, classes, 8, stride=8, bias=False)

    def forward(self, x):
        p3 = self.b3(self.b2(self.b1(x)))
        p4 = self.b4(p3)
        c7 = torch.relu(self.conv7(torch.relu(self.conv6(self.b5(p4)))))
        x = self.up2(c7)[:, :, 1:-1, 1:-1] + torch.relu(self.score4(p4))
        x = self.up4(x)[:, :, 1:-1, 1:-1] + torch.relu(self.score3(p3))
        return torch.softmax(self.up32(x), dim=1)


def median_seconds(f, x, runs):
    f(x)
    f(x)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        f(x)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    torch.set_num_threads(2)
    model = FCN8().eval()
    x = torch.rand(1, 3, 224, 224)
    with torch.inference_mode():
        assert model(x).shape == (1, 12, 224, 224)
        print(f"torch_eager_seconds_threads_2={median_seconds(model, x, runs):.4f}")
        frozen = torch.jit.optimize_for_inference(torch.jit.script(model))
        print(f"torch_jit_seconds_threads_2={median_seconds(frozen, x, runs):.4f}")
    print(f"torch_peak_rss_mib={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")


if __name__ == "__main__":
    main()
