#!/usr/bin/python3
# Renders examples/testdata/page.png, the text-detection example's test page: black and grey text
# of several sizes in DejaVu Sans, and a frame that is not text (the detector must ignore it).
# Run by hand, not by the build (needs Debian's python3-pil and fonts-dejavu-core); its output is
# committed, 19 KB.
# SPDX-License-Identifier: BSL-1.0
import os

from PIL import Image, ImageDraw, ImageFont
W, H = 800, 600
im = Image.new("L", (W, H), 255)
d = ImageDraw.Draw(im)
F = lambda s, b=False: ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans%s.ttf" % ("-Bold" if b else ""), s)
d.text((60, 40), "Compile-time checked CNNs", font=F(40, True), fill=0)
lines = ["Layers are types; a model is a typed graph.",
         "A wrong shape is a compile error, not a crash.",
         "This page was rendered to test the text detector:",
         "PP-OCRv4 finds each line of text and nothing else."]
y = 130
for t in lines:
    d.text((60, y), t, font=F(24), fill=30); y += 48
d.text((60, 340), "Small print, 16 px: the quick brown fox jumps over the lazy dog.", font=F(16), fill=40)
d.rectangle((480, 410, 740, 540), outline=0, width=3)
d.text((500, 440), "ctnn 0.1", font=F(32, True), fill=0)
d.text((500, 490), "2026-11-26", font=F(22), fill=60)
d.text((60, 430), "Total params:", font=F(22), fill=0)
d.text((60, 470), "1,171,617", font=F(30, True), fill=0)
im.save(os.path.join(os.path.dirname(os.path.abspath(__file__)), "page.png"), optimize=True)
