#!/usr/bin/python3
# Tests of scripts/ctnn-import (label `import`): small ONNX models built here with onnx.helper, one
# per mapped op and one per refusal, run through the real command line; Keras files written with
# h5py in Keras' layouts; the imported graphs evaluated in NumPy against the files' own semantics
# (reference.py); and an end-to-end run that builds a generated project against this checkout and
# compares its output with NumPy's; and PP-OCRv4 itself, imported, built and run by ctnn against
# onnxruntime's output (PPOCR, where scripts/fetch-ppocr has fetched it).
#
#   tests/import/test_import.py [Mapping|Refusals|Keras|Semantics|EndToEnd|PPOCR|Torchvision]    (Debian's python3)
#
# EndToEnd needs CTNN_SOURCE_DIR (this checkout) and builds with CTNN_CXX (default g++-12); CTest
# passes both, and then every generated model whose layers the checkout has is also compiled. The NumPy reference below is written from the ONNX operator definitions and shares
# no code with the importer.
# SPDX-License-Identifier: BSL-1.0
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import types
import unittest
import zipfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
IMPORTER = os.path.join(ROOT, "scripts", "ctnn-import")
rng = np.random.default_rng(7)


def const(name, a):
    return numpy_helper.from_array(np.asarray(a), name)


def rand(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def model(nodes, inits, shape=(1, 3, 8, 8), out_shape=None, opset=13, inputs=None):
    x = inputs or [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))]
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)
    g = helper.make_graph(nodes, "test", x, [y], initializer=inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])


class Run:
    """One run of the importer on a model: its exit status, output and files."""

    def __init__(self, m, input_shape="8,8,3", name="net", existing=False):
        self.tmp = tempfile.mkdtemp(prefix="ctnn-import-test-")
        self.path = os.path.join(self.tmp, "m.onnx")
        onnx.save(m, self.path)
        self.out = os.path.join(self.tmp, "out")
        if existing:
            os.makedirs(self.out)
            with open(os.path.join(self.out, "keep.txt"), "w") as f:
                f.write("mine")
        p = subprocess.run([IMPORTER, self.path, "--input-shape", input_shape, "--name", name, "-o", self.out],
                           capture_output=True, text=True)
        self.status, self.stdout, self.stderr = p.returncode, p.stdout, p.stderr
        self.hpp = ""
        if self.status == 0:
            with open(os.path.join(self.out, f"{name}.hpp")) as f:
                self.hpp = f.read()
            with np.load(os.path.join(self.out, f"{name}.npz")) as z:
                self.weights = {k: z[k] for k in z.files}

    def layers(self):
        return [l.strip() for l in self.hpp.splitlines() if l.strip().startswith("auto ")]

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


def ctnn_names(src):
    """The class and option names the ctnn checkout at `src` declares."""
    found = set()
    for root, _, files in os.walk(os.path.join(src, "include", "ctnn")):
        for f in files:
            with open(os.path.join(root, f)) as h:
                text = h.read()
            found |= set(re.findall(r"\bstruct ([A-Za-z_][A-Za-z0-9_]*)\b", text))
            found |= set(re.findall(r"\busing ([A-Za-z_][A-Za-z0-9_]*) =", text))
    return found


def compile_check(test, directory, name="net"):
    """Where CTest gives a checkout and a compiler (CTNN_SOURCE_DIR, CTNN_CXX), compiles the model
    header on its own (-fsyntax-only: its static_asserts are the point) when the checkout declares
    every layer and option it spells; so each spelling is checked as soon as its layer lands."""
    src, cxx = os.environ.get("CTNN_SOURCE_DIR"), os.environ.get("CTNN_CXX")
    if not src or not cxx:
        return
    with open(os.path.join(directory, f"{name}.hpp")) as f:
        body = re.sub(r'"[^"]*"', '""', f.read().split("// clang-format off")[1].split("// clang-format on")[0])
    used = set(re.findall(r"\b([A-Za-z_][A-Za-z0-9_]*)<", body)) | set(re.findall(r"[<,] *([a-z_][a-z0-9_]*) *[,>]", body))
    if not used <= ctnn_names(src):
        return
    tmp = tempfile.mkdtemp(prefix="ctnn-import-check-")
    test.addCleanup(shutil.rmtree, tmp, True)
    check = os.path.join(tmp, "check.cpp")
    with open(check, "w") as f:
        f.write(f'#include "{name}.hpp"\nint main() {{ constexpr auto m = imported::{name}(); static_cast<void>(m); }}\n')
    p = subprocess.run([cxx, "-std=c++20", "-fsyntax-only", "-Wall", "-Wextra", "-I", os.path.join(src, "include"), "-I", directory, check],
                       capture_output=True, text=True)
    test.assertEqual(p.returncode, 0, "the generated model does not compile:\n" + p.stderr[:3000])


class Case(unittest.TestCase):
    def imp(self, m, **kw):
        r = Run(m, **kw)
        self.addCleanup(r.cleanup)
        return r

    def mapped(self, m, *expected, **kw):
        """Imports `m`, expects success and each regex of `expected` in the model's lines."""
        r = self.imp(m, **kw)
        self.assertEqual(r.status, 0, r.stderr)
        text = "\n".join(r.layers())
        for e in expected:
            self.assertRegex(text, e)
        compile_check(self, r.out, kw.get("name", "net"))
        return r


class Mapping(Case):
    def test_conv_asymmetric_pads_become_zero_padding_and_valid(self):
        w, b = rand(4, 3, 3, 3), rand(4)
        r = self.mapped(model([helper.make_node("Conv", ["x", "w", "b"], ["y"], pads=[1, 0, 2, 1], name="c1")],
                              [const("w", w), const("b", b)]),
                        r'ZeroPadding2D<padding<1, 2, 0, 1>, name<"c1_pad">>',
                        r'Conv2D<4, kernel_size<3>, valid, name<"c1">>\{\}\(c1_pad\)')
        np.testing.assert_array_equal(r.weights["c1/kernel"], w.transpose(2, 3, 1, 0))
        np.testing.assert_array_equal(r.weights["c1/bias"], b)
        self.assertIn("static_assert(decltype(net())::output_shape == ctnn::shape<9, 7, 4>{});", r.hpp)
        self.assertIn(f"total_params == {w.size + b.size});", r.hpp)

    def test_conv_pads_equal_to_same(self):
        self.mapped(model([helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1], name="c")], [const("w", rand(4, 3, 3, 3))]),
                    r"Conv2D<4, kernel_size<3>, same, use_bias<false>")

    def test_strided_conv_with_symmetric_pads_is_not_same(self):
        # TensorFlow's 'same' pads (0, 1) here; ONNX's (1, 1) shifts every window.
        self.mapped(model([helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1], strides=[2, 2], name="c")],
                          [const("w", rand(4, 3, 3, 3))]),
                    r"ZeroPadding2D<padding<1>", r"Conv2D<4, kernel_size<3>, strides<2>, valid")

    def test_auto_pad_same_upper_and_dilation(self):
        self.mapped(model([helper.make_node("Conv", ["x", "w"], ["y"], auto_pad="SAME_UPPER", dilations=[2, 2], name="c")],
                          [const("w", rand(4, 3, 3, 3))]),
                    r"Conv2D<4, kernel_size<3>, dilation_rate<2>, same")

    def test_depthwise_and_grouped_conv(self):
        w = rand(6, 1, 3, 3)
        r = self.mapped(model([helper.make_node("Conv", ["x", "w"], ["y"], group=3, pads=[1, 1, 1, 1], name="dw")], [const("w", w)]),
                        r"DepthwiseConv2D<kernel_size<3>, same, depth_multiplier<2>, use_bias<false>")
        k = r.weights["dw/depthwise_kernel"]
        self.assertEqual(k.shape, (3, 3, 3, 2))
        np.testing.assert_array_equal(k[:, :, 1, 0], w[2, 0])  # output channel c·m + j
        self.mapped(model([helper.make_node("Conv", ["x", "w"], ["y"], group=2, name="g")], [const("w", rand(4, 2, 1, 1))],
                          shape=(1, 4, 8, 8)), r"Conv2D<4, kernel_size<1>, valid, groups<2>", input_shape="8,8,4")

    def test_conv_transpose_pads_and_output_padding(self):
        w = rand(3, 5, 3, 3)
        r = self.mapped(model([helper.make_node("ConvTranspose", ["x", "w"], ["y"], strides=[2, 2], pads=[1, 0, 2, 1],
                                                output_padding=[1, 1], name="up")], [const("w", w)]),
                        r"Conv2DTranspose<5, kernel_size<3>, strides<2>, valid, output_padding<1>, use_bias<false>",
                        r"Cropping2D<cropping<1, 2, 0, 1>")
        np.testing.assert_array_equal(r.weights["up/kernel"], w.transpose(2, 3, 1, 0))
        self.assertIn("ctnn::shape<15, 17, 5>", r.hpp)  # 7·2 + 3 + 1 = 18, cropped by 1 + 2 and 0 + 1

    def test_conv_transpose_kernel_below_stride_sets_output_padding(self):
        self.mapped(model([helper.make_node("ConvTranspose", ["x", "w"], ["y"], strides=[3, 3], name="up")], [const("w", rand(3, 2, 2, 2))]),
                    r"Conv2DTranspose<2, kernel_size<2>, strides<3>, valid, output_padding<0>")

    def test_batch_normalization_and_bias_folding(self):
        c = 4
        r = self.mapped(model([helper.make_node("Conv", ["x", "w"], ["t"], name="c"),
                               helper.make_node("Add", ["t", "bias"], ["u"], name="a"),
                               helper.make_node("BatchNormalization", ["u", "g", "b", "m", "v"], ["y"], epsilon=1.001e-5, name="bn")],
                              [const("w", rand(c, 3, 1, 1)), const("bias", rand(1, c, 1, 1)), const("g", rand(c)), const("b", rand(c)),
                               const("m", rand(c)), const("v", np.abs(rand(c)))]),
                        r'Conv2D<4, kernel_size<1>, valid, name<"c">>', r'BatchNormalization<epsilon<"1.001e-5">, name<"bn">>')
        self.assertEqual(set(r.weights), {"c/kernel", "c/bias", "bn/gamma", "bn/beta", "bn/moving_mean", "bn/moving_variance"})

    def test_relu_fuses_into_conv_and_stands_alone_elsewhere(self):
        self.mapped(model([helper.make_node("Conv", ["x", "w"], ["t"], name="c"), helper.make_node("Relu", ["t"], ["u"], name="r"),
                           helper.make_node("Add", ["u", "u"], ["v"], name="a"), helper.make_node("Relu", ["v"], ["y"], name="r2")],
                          [const("w", rand(4, 3, 1, 1))]),
                    r"Conv2D<4, kernel_size<1>, valid, use_bias<false>, relu", r'Activation<relu, name<"r2">>')

    def test_clip_forms(self):
        for opset, node, inits in ((13, helper.make_node("Clip", ["x", "lo", "hi"], ["y"], name="k"), [const("lo", np.float32(0)), const("hi", np.float32(6))]),
                                   (9, helper.make_node("Clip", ["x"], ["y"], min=0.0, max=6.0, name="k"), [])):
            self.mapped(model([node], inits, opset=opset), r'ReLU<max_value<6>, name<"k">>')
        self.mapped(model([helper.make_node("Clip", ["x", "lo"], ["y"], name="k")], [const("lo", np.float32(0))]), r"Activation<relu")

    def test_hard_swish_pattern_and_op(self):
        nodes = [helper.make_node("Add", ["x", "three"], ["a"]), helper.make_node("Clip", ["a", "zero", "six"], ["c"]),
                 helper.make_node("Mul", ["x", "c"], ["m"]), helper.make_node("Div", ["m", "six"], ["y"], name="hs")]
        inits = [const("three", np.float32(3)), const("zero", np.float32(0)), const("six", np.float32(6))]
        r = self.mapped(model(nodes, inits), r'Activation<hard_swish, name<"hs">>\{\}\(x\)')
        self.assertEqual(len(r.layers()), 2)
        self.mapped(model([helper.make_node("HardSwish", ["x"], ["y"], name="h")], [], opset=14), r"Activation<hard_swish")
        # x · (relu6(x + 3) / 6): hard_sigmoid first, then the product.
        nodes = [helper.make_node("Add", ["x", "three"], ["a"]), helper.make_node("Clip", ["a", "zero", "six"], ["c"]),
                 helper.make_node("Div", ["c", "six"], ["d"]), helper.make_node("Mul", ["x", "d"], ["y"], name="hs")]
        self.assertEqual(len(self.mapped(model(nodes, inits), r"Activation<hard_swish").layers()), 2)

    def test_hard_sigmoid_alpha_beta(self):
        self.mapped(model([helper.make_node("HardSigmoid", ["x"], ["y"], alpha=1 / 6, beta=0.5, name="h")], []),
                    r'Activation<hard_sigmoid, name<"h">>\{\}\(x\)')
        # Paddle's default: clip(0.2x + 0.5, 0, 1) = hard_sigmoid(1.2x).
        self.mapped(model([helper.make_node("HardSigmoid", ["x"], ["y"], alpha=0.2, beta=0.5, name="h")], []),
                    r'Rescaling<scale<"1.2">, name<"h_scale">>', r"Activation<hard_sigmoid")
        self.mapped(model([helper.make_node("HardSigmoid", ["x"], ["y"], alpha=0.25, beta=0.25, name="h")], []),
                    r'Rescaling<scale<"1.5">, offset<"-1.5">')

    def test_activations(self):
        for op, spelled in (("Sigmoid", "Activation<sigmoid"), ("Tanh", "Activation<tanh"), ("Softplus", "Activation<softplus")):
            self.mapped(model([helper.make_node(op, ["x"], ["y"])], []), spelled)
        self.mapped(model([helper.make_node("LeakyRelu", ["x"], ["y"], alpha=0.1)], []), r'LeakyReLU<negative_slope<"0.1">')
        self.mapped(model([helper.make_node("Softmax", ["x"], ["y"], axis=1)], []), r"Activation<softmax")

    def test_constants_scalar_and_per_channel(self):
        r = self.mapped(model([helper.make_node("Mul", ["x", "s"], ["t"]), helper.make_node("Add", ["t", "o"], ["y"], name="aff")],
                              [const("s", np.float32([0.5])), const("o", np.float32([-1.25]))]),
                        r'Rescaling<scale<"0.5">, offset<"-1.25">, name<"aff">>')
        self.assertEqual(len(r.layers()), 2)
        mean, std = np.float32([0.485, 0.456, 0.406]).reshape(1, 3, 1, 1), np.float32([0.25, 0.5, 2]).reshape(1, 3, 1, 1)
        r = self.mapped(model([helper.make_node("Sub", ["x", "mean"], ["t"]), helper.make_node("Div", ["t", "std"], ["y"], name="n")],
                              [const("mean", mean), const("std", std)]),
                        r'DepthwiseConv2D<kernel_size<1>, valid, depth_multiplier<1>, name<"t">>\{\}\(x\)',
                        r'DepthwiseConv2D<kernel_size<1>, valid, depth_multiplier<1>, use_bias<false>, name<"n">>')
        np.testing.assert_array_equal(r.weights["t/bias"], -mean.ravel())
        np.testing.assert_array_equal(r.weights["n/depthwise_kernel"].ravel(), np.float32(1) / std.ravel())
        self.mapped(model([helper.make_node("Sub", ["one", "x"], ["y"], name="inv")], [const("one", np.float32(1))]),
                    r'Rescaling<scale<-1>, offset<1>')

    def test_squeeze_and_excitation(self):
        nodes = [helper.make_node("GlobalAveragePool", ["x"], ["p"], name="gap"),
                 helper.make_node("Conv", ["p", "w1", "b1"], ["q"], name="fc1"), helper.make_node("Relu", ["q"], ["r"]),
                 helper.make_node("Conv", ["r", "w2", "b2"], ["s"], name="fc2"), helper.make_node("Sigmoid", ["s"], ["t"]),
                 helper.make_node("Mul", ["x", "t"], ["y"], name="scale")]
        self.mapped(model(nodes, [const("w1", rand(2, 3, 1, 1)), const("b1", rand(2)), const("w2", rand(3, 2, 1, 1)), const("b2", rand(3))]),
                    r"GlobalAveragePooling2D<keepdims<true>", r"Conv2D<3, kernel_size<1>, valid, sigmoid",
                    r'Multiply<name<"scale">>\{\}\(x, fc2\)')

    def test_broadcast_mask_global_max_and_elu(self):
        nodes = [helper.make_node("Conv", ["x", "w"], ["m"], name="mask"), helper.make_node("Mul", ["x", "m"], ["a"], name="masked"),
                 helper.make_node("Elu", ["a"], ["e"], alpha=0.5, name="elu"), helper.make_node("GlobalMaxPool", ["e"], ["y"], name="gmp")]
        r = self.mapped(model(nodes, [const("w", rand(1, 3, 1, 1))]), r'Multiply<name<"masked">>\{\}\(x, mask\)',
                        r'ELU<alpha<"0.5">', r"GlobalMaxPooling2D<keepdims<true>")
        self.assertIn("ctnn::shape<1, 1, 3>{}", r.hpp)

    def test_vector_output(self):
        r = self.mapped(model([helper.make_node("Flatten", ["x"], ["f"]), helper.make_node("Gemm", ["f", "W"], ["y"], name="fc")],
                              [const("W", rand(12, 4))], shape=(1, 3, 2, 2)), r"Dense<4, use_bias<false>", input_shape="2,2,3")
        self.assertIn("output_shape == ctnn::shape<4>{}", r.hpp)
        with open(os.path.join(r.out, "net_main.cpp")) as f:
            self.assertIn("write_npy(*o.save_output, {1, 4}", f.read())

    def test_swish(self):
        self.mapped(model([helper.make_node("Sigmoid", ["x"], ["s"]), helper.make_node("Mul", ["x", "s"], ["y"], name="sw")], []),
                    r'Activation<swish, name<"sw">>')

    def test_pooling(self):
        self.mapped(model([helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2], strides=[2, 2])], []),
                    r"MaxPooling2D<pool_size<2>, strides<2>, valid")
        self.mapped(model([helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1])], []),
                    r"MaxPooling2D<pool_size<3>, strides<1>, same")
        # After a ReLU, zeros pad a max pool as well as -inf does.
        self.mapped(model([helper.make_node("Relu", ["x"], ["r"]),
                           helper.make_node("MaxPool", ["r"], ["y"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])], []),
                    r"ZeroPadding2D<padding<1>", r"MaxPooling2D<pool_size<3>, strides<2>, valid")
        self.mapped(model([helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=1)], []),
                    r"ZeroPadding2D<padding<1>", r"AveragePooling2D<pool_size<3>, strides<1>, valid")
        self.mapped(model([helper.make_node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1])], []),
                    r"AveragePooling2D<pool_size<3>, strides<1>, same")

    def test_resize_and_upsample(self):
        empty = const("roi", np.zeros(0, np.float32))
        self.mapped(model([helper.make_node("Resize", ["x", "roi", "s"], ["y"], mode="nearest", coordinate_transformation_mode="asymmetric",
                                            nearest_mode="floor")], [empty, const("s", np.float32([1, 1, 2, 2]))], opset=11),
                    r"UpSampling2D<size<2>, name")
        self.mapped(model([helper.make_node("Resize", ["x", "roi", "s"], ["y"], mode="nearest")],
                          [empty, const("s", np.float32([1, 1, 3, 2]))], opset=13), r"UpSampling2D<size<3, 2>, name")
        self.mapped(model([helper.make_node("Resize", ["x", "roi", "", "sz"], ["y"], mode="linear", coordinate_transformation_mode="pytorch_half_pixel")],
                          [empty, const("sz", np.int64([1, 3, 16, 16]))], opset=13), r"UpSampling2D<size<2>, bilinear")
        self.mapped(model([helper.make_node("Upsample", ["x", "s"], ["y"], mode="nearest")], [const("s", np.float32([1, 1, 2, 2]))], opset=9),
                    r"UpSampling2D<size<2>")

    def test_concat_and_pad(self):
        self.mapped(model([helper.make_node("Relu", ["x"], ["a"]), helper.make_node("Concat", ["x", "a"], ["y"], axis=1, name="cat")], []),
                    r'Concatenate<name<"cat">>\{\}\(x, ')
        self.mapped(model([helper.make_node("Pad", ["x", "p"], ["y"], name="pad")], [const("p", np.int64([0, 0, 1, 2, 0, 0, 3, 4]))], opset=13),
                    r"ZeroPadding2D<padding<1, 3, 2, 4>")

    def test_flatten_dense_with_shape_subgraph(self):
        # x.view(x.size(0), -1) as PyTorch exports it, then a Linear: the Dense kernel's rows are
        # permuted from ONNX's C,H,W order to ctnn's H,W,C order.
        nodes = [helper.make_node("Shape", ["x"], ["sh"]), helper.make_node("Gather", ["sh", "zero"], ["n"], axis=0),
                 helper.make_node("Unsqueeze", ["n", "axes"], ["n1"]), helper.make_node("Concat", ["n1", "minus1"], ["target"], axis=0),
                 helper.make_node("Reshape", ["x", "target"], ["f"], name="flat"),
                 helper.make_node("Gemm", ["f", "W", "B"], ["y"], transB=1, name="fc")]
        w = rand(5, 3 * 2 * 2)
        r = self.mapped(model(nodes, [const("zero", np.int64(0)), const("axes", np.int64([0])), const("minus1", np.int64([-1])),
                                      const("W", w), const("B", rand(5))], shape=(1, 3, 2, 2)),
                        r'Flatten<name<"flat">>', r'Dense<5, name<"fc">>', input_shape="2,2,3")
        k = r.weights["fc/kernel"]
        self.assertEqual(k.shape, (12, 5))
        # Row of (h, w, c) = (1, 0, 2) in H,W,C order is ONNX's row c·4 + h·2 + w.
        np.testing.assert_array_equal(k[(1 * 2 + 0) * 3 + 2], w[:, 2 * 4 + 1 * 2 + 0])

    def test_names_that_are_ctnn_options_are_renamed(self):
        self.mapped(model([helper.make_node("Relu", ["x"], ["y"], name="relu"), ], []), r'auto relu_ = Activation<relu, name<"relu">>')
        # torch.onnx.export names a Flatten node "Flatten": a variable of that name would hide the class.
        self.mapped(model([helper.make_node("Flatten", ["x"], ["f"], name="Flatten"), helper.make_node("Gemm", ["f", "W"], ["y"], name="Dense")],
                          [const("W", rand(12, 4))], shape=(1, 3, 2, 2)),
                    r'auto Flatten_ = Flatten<name<"Flatten">>', r'auto Dense_ = Dense<4, use_bias<false>, name<"Dense">>\{\}\(Flatten_\)',
                    input_shape="2,2,3")

    def test_identities(self):
        r = self.mapped(model([helper.make_node("Cast", ["x"], ["c"], to=TensorProto.FLOAT), helper.make_node("Identity", ["c"], ["d"]),
                               helper.make_node("Dropout", ["d"], ["e"]), helper.make_node("Relu", ["e"], ["y"])], []), r"Activation<relu")
        self.assertEqual(len(r.layers()), 2)

    def test_unused_nodes_are_not_mapped(self):
        self.mapped(model([helper.make_node("Relu", ["x"], ["y"]), helper.make_node("LRN", ["x"], ["unused"], size=3)], []),
                    r"Activation<relu")

    def test_existing_directory_keeps_other_files(self):
        r = self.mapped(model([helper.make_node("Relu", ["x"], ["y"])], []), existing=True)
        self.assertEqual(sorted(os.listdir(r.out)), ["CMakeLists.txt", "image.hpp", "keep.txt", "net.hpp", "net.npz", "net_main.cpp"])


class Refusals(Case):
    def refused(self, m, pattern, **kw):
        """Expects exit 1, one line naming what and why, nothing on stdout, nothing written."""
        r = self.imp(m, existing=True, **kw)
        self.assertEqual(r.status, 1, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertEqual(r.stderr.count("\n"), 1, r.stderr)
        self.assertRegex(r.stderr, r"^ctnn-import: [^ ]*m\.onnx: " + pattern)
        self.assertEqual(os.listdir(r.out), ["keep.txt"])
        self.assertEqual([f for f in os.listdir(r.tmp) if f.startswith(".")], [])  # no temporary left

    def test_unknown_op(self):
        self.refused(model([helper.make_node("LRN", ["x"], ["y"], size=3, name="norm")], []),
                     r"node 'norm' \(LRN\): no ctnn layer computes this op; supported: .*Conv")

    def test_clip_with_nonzero_min(self):
        self.refused(model([helper.make_node("Clip", ["x", "lo", "hi"], ["y"], name="k")], [const("lo", np.float32(-1)), const("hi", np.float32(1))]),
                     r"node 'k' \(Clip\): min -1.0; supported: Clip\(0, max\)")

    def test_resize_modes(self):
        empty = const("roi", np.zeros(0, np.float32))
        self.refused(model([helper.make_node("Resize", ["x", "roi", "s"], ["y"], mode="cubic", name="r")], [empty, const("s", np.float32([1, 1, 2, 2]))]),
                     r"node 'r' \(Resize\): mode cubic")
        self.refused(model([helper.make_node("Resize", ["x", "roi", "s"], ["y"], mode="nearest", name="r")], [empty, const("s", np.float32([1, 1, 1.5, 1.5]))]),
                     r"node 'r' \(Resize\): scale 1.5 is not a whole number")
        self.refused(model([helper.make_node("Resize", ["x", "roi", "s"], ["y"], mode="linear", coordinate_transformation_mode="align_corners", name="r")],
                           [empty, const("s", np.float32([1, 1, 2, 2]))]),
                     r"node 'r' \(Resize\): linear with coordinate_transformation_mode align_corners")
        self.refused(model([helper.make_node("Resize", ["x", "roi", "s"], ["y"], mode="nearest", coordinate_transformation_mode="half_pixel",
                                             nearest_mode="floor", name="r")], [empty, const("s", np.float32([1, 1, 2, 2]))]),
                     r"node 'r' \(Resize\): nearest with .*half_pixel and nearest_mode floor does not repeat")

    def test_grouped_conv_transpose(self):
        self.refused(model([helper.make_node("ConvTranspose", ["x", "w"], ["y"], group=3, name="t")], [const("w", rand(3, 1, 2, 2))]),
                     r"node 't' \(ConvTranspose\): group 3")

    def test_softmax_over_width(self):
        self.refused(model([helper.make_node("Softmax", ["x"], ["y"], name="s")], []), r"node 's' \(Softmax\): the default axis \(-1\) at opset 13")

    def test_division_of_maps_and_spatial_constants(self):
        self.refused(model([helper.make_node("Relu", ["x"], ["a"]), helper.make_node("Div", ["x", "a"], ["y"], name="d")], []),
                     r"node 'd' \(Div\): divides two computed maps")
        self.refused(model([helper.make_node("Mul", ["x", "m"], ["y"], name="m")], [const("m", rand(1, 1, 8, 8))]),
                     r"node 'm' \(Mul\): constant of shape \(1, 1, 8, 8\)")

    def test_max_pool_pads_that_are_not_same(self):
        self.refused(model([helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], name="p")], []),
                     r"node 'p' \(MaxPool\): pads \[1, 1, 1, 1\] differ from 'same' .* -inf")

    def test_concat_on_height_and_odd_reshape(self):
        self.refused(model([helper.make_node("Concat", ["x", "x"], ["y"], axis=2, name="c")], []), r"node 'c' \(Concat\): axis 2")
        self.refused(model([helper.make_node("Reshape", ["x", "s"], ["y"], name="r")], [const("s", np.int64([1, 3, 64]))]),
                     r"node 'r' \(Reshape\): reshapes \[1, 3, 8, 8\] to \[1, 3, 64\]")

    def test_inputs_and_shapes(self):
        two = [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, 3, 8, 8]) for n in ("a", "b")]
        self.refused(model([helper.make_node("Add", ["a", "b"], ["y"])], [], inputs=two), r"model \(graph inputs\): 2 inputs \(a, b\)")
        self.refused(model([helper.make_node("Relu", ["x"], ["y"])], []), r"input 'x' \(graph input\): is declared .* 4,8,3",
                     input_shape="4,8,3")

    def test_constant_beyond_number(self):
        self.refused(model([helper.make_node("Mul", ["x", "s"], ["y"], name="tiny")], [const("s", np.float32([1e-30]))]),
                     r"node 'tiny' \(Mul\): .*no exact number<> literal")

    def test_custom_domain(self):
        m = model([helper.make_node("Fancy", ["x"], ["y"], domain="com.example", name="f")], [])
        m.opset_import.append(helper.make_opsetid("com.example", 1))
        self.refused(m, r"node 'f' \(com.example::Fancy\): ops of custom domains")

    def test_not_a_model(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        bad = os.path.join(tmp, "bad.onnx")
        with open(bad, "w") as f:
            f.write("not a model")
        p = subprocess.run([IMPORTER, bad, "--input-shape", "8,8,3", "--name", "n", "-o", os.path.join(tmp, "o")], capture_output=True, text=True)
        self.assertEqual(p.returncode, 1)
        self.assertRegex(p.stderr, r"^ctnn-import: .*bad.onnx: cannot read as ONNX")
        self.assertFalse(os.path.exists(os.path.join(tmp, "o")))

    def test_usage_errors(self):
        p = subprocess.run([IMPORTER, "m.onnx", "--input-shape", "8,8", "--name", "n", "-o", "o"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertRegex(p.stderr, r"^ctnn-import: argument --input-shape: --input-shape takes H,W,C .*\n$")
        p = subprocess.run([IMPORTER, "m.onnx", "--input-shape", "8,8,3", "--name", "my-net", "-o", "o"], capture_output=True, text=True)
        self.assertRegex(p.stderr, r"--name must be a C\+\+ identifier")


# --- end to end -------------------------------------------------------------------------------
def write_png(path, rgb):
    """An 8-bit RGB PNG, written out here so that the tests need no imaging library."""
    import struct
    import zlib
    h, w, _ = rgb.shape

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))
    raw = b"".join(b"\0" + np.ascontiguousarray(row).tobytes() for row in rgb)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) +
                chunk(b"IEND", b""))


def np_conv(x, w, b, strides=(1, 1), pads=(0, 0, 0, 0), dil=(1, 1)):
    """ONNX Conv (NCHW, OIHW, pads [top, left, bottom, right]), as nested sums."""
    t, l, bo, r = pads
    x = np.pad(x, ((0, 0), (0, 0), (t, bo), (l, r)))
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    oh = (h - dil[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (wd - dil[1] * (kw - 1) - 1) // strides[1] + 1
    y = np.zeros((n, o, oh, ow), np.float64)
    for i in range(kh):
        for j in range(kw):
            patch = x[:, :, i * dil[0]: i * dil[0] + strides[0] * (oh - 1) + 1: strides[0],
                      j * dil[1]: j * dil[1] + strides[1] * (ow - 1) + 1: strides[1]]
            y += np.einsum("nchw,oc->nohw", patch, w[:, :, i, j])
    return y + (0 if b is None else b.reshape(1, -1, 1, 1))


def np_conv_transpose(x, w, strides, pads, output_padding):
    """ONNX ConvTranspose (weight (Cin, Cout, kh, kw)): every input pixel scatters a kernel."""
    n, c, h, wd = x.shape
    _, o, kh, kw = w.shape
    full = np.zeros((n, o, (h - 1) * strides[0] + kh + output_padding[0], (wd - 1) * strides[1] + kw + output_padding[1]))
    for i in range(h):
        for j in range(wd):
            full[:, :, i * strides[0]: i * strides[0] + kh, j * strides[1]: j * strides[1] + kw] += \
                np.einsum("nc,cokl->nokl", x[:, :, i, j], w)
    t, l, b, r = pads
    return full[:, :, t: full.shape[2] - b, l: full.shape[3] - r]


def np_max_pool(x, k, s):
    n, c, h, w = x.shape
    oh, ow = (h - k) // s + 1, (w - k) // s + 1
    y = np.full((n, c, oh, ow), -np.inf)
    for i in range(k):
        for j in range(k):
            y = np.maximum(y, x[:, :, i: i + s * (oh - 1) + 1: s, j: j + s * (ow - 1) + 1: s])
    return y


class EndToEnd(Case):
    """Models imported, built against this checkout, run, and compared with NumPy."""

    def build_and_run(self, r, name, x):
        """Builds r's project, runs it on NHWC `x`; returns the output and the build directory."""
        src = os.environ["CTNN_SOURCE_DIR"]
        build = os.path.join(r.out, "build")
        cxx = os.environ.get("CTNN_CXX", "g++-12")
        log = os.path.join(r.tmp, "build.log")
        with open(log, "w") as f:
            ok = subprocess.run(["cmake", "-S", r.out, "-B", build, f"-DCTNN_SOURCE_DIR={src}", f"-DCMAKE_CXX_COMPILER={cxx}"],
                                stdout=f, stderr=subprocess.STDOUT).returncode == 0 and \
                subprocess.run(["cmake", "--build", build, "-j1"], stdout=f, stderr=subprocess.STDOUT).returncode == 0
        if not ok:
            with open(log) as f:
                self.fail("the generated project did not build:\n" + f.read()[-4000:])
        np.save(os.path.join(r.tmp, "x.npy"), x)
        p = subprocess.run([os.path.join(build, f"{name}_main"), "--weights", os.path.join(r.out, f"{name}.npz"), "--input",
                            os.path.join(r.tmp, "x.npy"), "--save-output", os.path.join(r.tmp, "y.npy"), "--threads", "1"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        return np.load(os.path.join(r.tmp, "y.npy")), build

    def setUp(self):
        if not os.environ.get("CTNN_SOURCE_DIR"):
            self.skipTest("CTNN_SOURCE_DIR is not set (CTest sets it)")

    def test_pp_lcnet_block(self):
        """PP-OCRv4's patterns, run by ctnn: once this checkout has the layers they map to."""
        m = pp_lcnet_model()
        r = self.mapped(m, input_shape="16,16,3", name="lcnet")
        with open(os.path.join(r.out, "lcnet.hpp")) as f:
            used = set(re.findall(r"= ([A-Z][A-Za-z0-9]*)<", f.read()))
        missing = used - ctnn_names(os.environ["CTNN_SOURCE_DIR"]) - {"Input"}
        if missing:
            self.skipTest(f"this checkout has no {', '.join(sorted(missing))} yet")
        x = rng.uniform(-2, 2, (1, 3, 16, 16)).astype(np.float32)
        y, _ = self.build_and_run(r, "lcnet", x.transpose(0, 2, 3, 1))
        want = reference.onnx_forward(m, x).transpose(0, 2, 3, 1)
        self.assertLess(float(np.max(np.abs(y - want))), 1e-4)

    def test_build_and_run(self):
        """A model of layers every ctnn has, against a NumPy reference written out here."""
        w1, b1 = rand(4, 3, 3, 3), rand(4)
        w2, b2 = rand(6, 4, 3, 3), rand(6)
        wt, bt = rand(6, 5, 3, 3) * 0.5, rand(5)
        ws = rand(5, 4, 1, 1)
        wo, bo = rand(2, 9, 1, 1), rand(2)
        nodes = [
            helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 0, 1, 2], name="conv1"),  # asymmetric
            helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
            helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2], name="pool1"),
            helper.make_node("Conv", ["p1", "w2", "b2"], ["c2"], pads=[1, 1, 1, 1], name="conv2"),
            helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
            helper.make_node("ConvTranspose", ["r2", "wt", "bt"], ["up"], strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1], name="up"),
            helper.make_node("Conv", ["r1", "ws"], ["skip"], name="skip"),
            helper.make_node("Add", ["up", "skip"], ["sum"], name="sum"),
            helper.make_node("Concat", ["sum", "r1"], ["cat"], axis=1, name="cat"),
            helper.make_node("Relu", ["cat"], ["rc"], name="relu3"),
            helper.make_node("Conv", ["rc", "wo", "bo"], ["y"], name="head"),
        ]
        inits = [const(n, a) for n, a in (("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2), ("wt", wt), ("bt", bt), ("ws", ws), ("wo", wo), ("bo", bo))]
        r = self.mapped(model(nodes, inits, shape=(1, 3, 12, 12)), r"ZeroPadding2D<padding<1, 1, 0, 2>", r"Conv2DTranspose", r"Cropping2D<cropping<1>",
                        input_shape="12,12,3", name="tiny")
        x = rand(1, 3, 12, 12)
        r1 = np.maximum(np_conv(x, w1, b1, pads=(1, 0, 1, 2)), 0)
        r2 = np.maximum(np_conv(np_max_pool(r1, 2, 2), w2, b2, pads=(1, 1, 1, 1)), 0)
        up = np_conv_transpose(r2, wt, (2, 2), (1, 1, 1, 1), (1, 1)) + bt.reshape(1, -1, 1, 1)
        cat = np.maximum(np.concatenate([up + np_conv(r1, ws, None), r1], axis=1), 0)
        expected = np_conv(cat, wo, bo).transpose(0, 2, 3, 1)  # NHWC

        y, build = self.build_and_run(r, "tiny", x.transpose(0, 2, 3, 1))
        self.assertEqual(y.shape, (1, 12, 12, 2))
        self.assertLess(float(np.max(np.abs(y - expected))), 1e-4)
        # A wrong input is one line and a non-zero exit.
        p = subprocess.run([os.path.join(build, "tiny_main"), "--weights", os.path.join(r.out, "tiny.npz"), "--input",
                            os.path.join(r.tmp, "y.npy"), "--save-output", os.path.join(r.tmp, "z.npy")], capture_output=True, text=True)
        self.assertEqual(p.returncode, 1)
        self.assertRegex(p.stderr, r"^tiny_main: .*y.npy: has shape \(1, 12, 12, 2\), expected \(1, 12, 12, 3\)\n$")
        p = subprocess.run([os.path.join(build, "tiny_main"), "--weights", os.path.join(r.out, "tiny.npz"), "--input",
                            os.path.join(r.tmp, "x.npy"), "--save-output", os.path.join(r.tmp, "nowhere", "z.npy")], capture_output=True, text=True)
        self.assertEqual(p.returncode, 1)
        self.assertRegex(p.stderr, r"^tiny_main: .*nowhere/z.npy: cannot write \(No such file or directory\)\n$")
        p = subprocess.run([os.path.join(build, "tiny_main"), "--input", "x.npy"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertRegex(p.stderr, r"^tiny_main: --weights, --input or --image, and --save-output are required \(see --help\)\n$")
        self.image_input(r, build, "tiny", 12, 12)

    def image_input(self, r, build, name, h, w, grey=False):
        """--image: bytes / 255 in R, G, B order (or grey), resized only when the size differs."""
        def run(*args):
            return subprocess.run([os.path.join(build, f"{name}_main"), "--weights", os.path.join(r.out, f"{name}.npz"), "--threads", "1",
                                   *args], capture_output=True, text=True)

        def path(f):
            return os.path.join(r.tmp, f)
        pixels = np.random.default_rng(3).integers(0, 256, (h, w, 3), dtype=np.uint8)
        write_png(path("in.png"), pixels)
        p = run("--image", path("in.png"), "--save-input", path("xi.npy"), "--save-output", path("yi.npy"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("resized", p.stdout)
        x = np.load(path("xi.npy"))
        f = pixels.astype(np.float32)
        want = (np.float32(0.299) * f[..., 0] + np.float32(0.587) * f[..., 1] + np.float32(0.114) * f[..., 2])[..., None] if grey else f
        np.testing.assert_allclose(x[0], want / np.float32(255), rtol=0, atol=1e-7 if grey else 0)
        # The model sees what --save-input wrote: --input of it gives the same output, bit for bit.
        p = run("--input", path("xi.npy"), "--save-output", path("yx.npy"))
        self.assertEqual(p.returncode, 0, p.stderr)
        np.testing.assert_array_equal(np.load(path("yi.npy")), np.load(path("yx.npy")))
        # Another size is resized, whole; a plain colour stays itself.
        write_png(path("flat.png"), np.broadcast_to(np.uint8([10, 200, 30]), (h + 3, 2 * w, 3)))
        p = run("--image", path("flat.png"), "--save-input", path("xf.npy"), "--save-output", path("yf.npy"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(f"{name}: {path('flat.png')}: {2 * w} x {h + 3}, resized to {w} x {h}", p.stdout)
        colour = np.float32([10, 200, 30])
        want = np.float32(0.299) * colour[0] + np.float32(0.587) * colour[1] + np.float32(0.114) * colour[2] if grey else colour
        np.testing.assert_allclose(np.load(path("xf.npy")), np.broadcast_to(want / np.float32(255), x.shape), rtol=0, atol=1e-7)
        p = run("--image", os.path.join(r.out, "CMakeLists.txt"), "--save-output", path("z.npy"))
        self.assertEqual(p.returncode, 1)
        self.assertRegex(p.stderr, rf"^{name}_main: .*CMakeLists.txt: cannot decode: not a PNG or JPEG image\n$")
        p = run("--image", path("in.png"), "--input", path("xi.npy"), "--save-output", path("z.npy"))
        self.assertEqual(p.returncode, 2)
        self.assertRegex(p.stderr, rf"^{name}_main: --input and --image exclude each other\n$")

    def test_grey_image_input(self):
        """A model of one channel reads an image as grey (and C = 1 builds at all)."""
        r = self.mapped(model([helper.make_node("Relu", ["x"], ["y"], name="r")], [], shape=(1, 1, 6, 5)), input_shape="6,5,1", name="grey")
        _, build = self.build_and_run(r, "grey", rand(1, 6, 5, 1))
        self.image_input(r, build, "grey", 6, 5, grey=True)


PPOCR_MODEL = os.environ.get("CTNN_PPOCR_MODEL", os.path.join(ROOT, ".cache", "ppocr", "ch_PP-OCRv4_det_infer.onnx"))


class PPOCR(Case):
    """PaddleOCR's PP-OCRv4 text detector, the real model of issue 10, through the three commands:
    imported at 128x128x3, built against this checkout, run by ctnn, and compared with
    onnxruntime 1.20.1's output on the same page (tests/import/fixtures/ppocr_det_128.npy, made by
    scripts/make-ppocr-fixtures). Skipped where scripts/fetch-ppocr has not fetched the model."""

    # The bound. Both sides compute in float32 in different orders (ctnn folds the
    # BatchNormalizations into the convolutions, fuses x*a + b, sums in Eigen's blocks); measured
    # here: 2.4e-5 at 128x128 and 5.8e-5 at 640x640 (GCC 12 and Clang 14). A wrong mapping (a pad
    # on the wrong side, RGB for BGR, a misread constant) moves the map by 1e-2 or more.
    tolerance = 1e-4

    def setUp(self):
        if not os.environ.get("CTNN_SOURCE_DIR"):
            self.skipTest("CTNN_SOURCE_DIR is not set (CTest sets it)")
        if not os.path.exists(PPOCR_MODEL):
            self.skipTest(f"{PPOCR_MODEL} not fetched (run scripts/fetch-ppocr, which needs npm)")

    def test_imported_built_and_run_against_onnxruntime(self):
        tmp = tempfile.mkdtemp(prefix="ctnn-import-ppocr-")
        self.addCleanup(shutil.rmtree, tmp, True)
        out = os.path.join(tmp, "out")
        p = subprocess.run([IMPORTER, PPOCR_MODEL, "--input-shape", "128,128,3", "--name", "ppocr_det", "-o", out],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("210 layers, 1,171,617 parameters, output 128x128x1", p.stdout)
        run = types.SimpleNamespace(tmp=tmp, out=out)
        x = reference.ppocr_input(reference.text_page(128, 128)).transpose(0, 2, 3, 1)
        y, _ = EndToEnd.build_and_run(self, run, "ppocr_det", np.ascontiguousarray(x))
        want = np.load(os.path.join(HERE, "fixtures", "ppocr_det_128.npy"))
        self.assertEqual(y.shape, want.shape)
        self.assertGreater(float(want.max()), 0.99)  # the page's lines are found
        self.assertLess(float(np.max(np.abs(y - want))), self.tolerance)
        # PaddleOCR's threshold 0.3 gives the same text mask, but where a pixel is within the
        # tolerance of it.
        near = np.abs(want - 0.3) < self.tolerance
        np.testing.assert_array_equal((y > 0.3)[~near], (want > 0.3)[~near])


class Torchvision(Case):
    """torchvision's resnet50, mobilenet_v2 and lraspp_mobilenet_v3_large at full width, as
    torch.onnx.export writes them (opset 14, BatchNormalization folded into the convolutions):
    imported at 64x64x3, built against this checkout and run by ctnn, against onnxruntime 1.20.1's
    output on the same seeded weights and input (tests/import/fixtures/torchvision, made by
    scripts/make-torchvision-fixtures, which needs python3-torchvision; this test needs no torch).
    Building the three runners is most of its cost: about 23 s each with GCC 12 on the Intel Xeon."""

    # Relative to the output's largest magnitude: both sides compute in float32 in different
    # orders through ~50 layers. Measured (GCC 12): 8.5e-6 (resnet50), 3.7e-5 (mobilenet_v2) and
    # 8.9e-6 (lraspp); onnxruntime itself is 4.4e-6, 2.8e-5 and 6.5e-6 from a float64 evaluation
    # of the same file (reference.onnx_forward). A wrong pad or constant moves them by 1e-2 or more.
    tolerance = 1e-4

    def setUp(self):
        if not os.environ.get("CTNN_SOURCE_DIR"):
            self.skipTest("CTNN_SOURCE_DIR is not set (CTest sets it)")

    def check(self, name, *expected):
        tmp = tempfile.mkdtemp(prefix=f"ctnn-import-{name}-")
        self.addCleanup(shutil.rmtree, tmp, True)
        path, out = os.path.join(tmp, name + ".onnx"), os.path.join(tmp, "out")
        onnx.save(reference.seeded_model(onnx.load(os.path.join(HERE, "fixtures", "torchvision", name + ".onnx")), 64), path)
        p = subprocess.run([IMPORTER, path, "--input-shape", "64,64,3", "--name", name, "-o", out], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(out, name + ".hpp")) as f:
            text = f.read()
        for e in expected:
            self.assertRegex(text, e)
        want = np.load(os.path.join(HERE, "fixtures", "torchvision", name + ".npy"))
        x = np.ascontiguousarray(reference.torchvision_input(64).transpose(0, 2, 3, 1))
        y, _ = EndToEnd.build_and_run(self, types.SimpleNamespace(tmp=tmp, out=out), name, x)
        self.assertEqual(y.shape, want.shape)
        scale = float(np.max(np.abs(want)))
        diff = float(np.max(np.abs(y - want)))
        print(f"{name}: max abs difference {diff:.3g}, output scale {scale:.4g}, relative {diff / scale:.2g}", file=sys.stderr)
        self.assertLess(diff, self.tolerance * scale)

    def test_resnet50(self):
        # The 7x7/2 stem's pads of 3 are not TensorFlow's 'same' (2, 3), nor the max pool's.
        self.check("resnet50", r"ZeroPadding2D<padding<3>", r"MaxPooling2D<pool_size<3>, strides<2>, valid",
                   r"Flatten<", r"Dense<1000, name", r"ctnn::shape<1000>")

    def test_mobilenet_v2(self):
        # ReLU6 is Clip(0, 6) with Constant bounds.
        self.check("mobilenet_v2", r"DepthwiseConv2D<kernel_size<3>, strides<2>, valid", r"ReLU<max_value<6>",
                   r"Dense<1000, name")

    def test_lraspp_mobilenet_v3_large(self):
        # HardSwish and HardSigmoid are opset-14 ops; squeeze-and-excitation multiplies a 1x1xC
        # gate into the map; the head upsamples bilinearly (align_corners=False) to sizes that
        # Shape, Slice and Concat compute.
        self.check("lraspp_mobilenet_v3_large", r"hard_swish", r"Conv2D<\d+, kernel_size<1>, valid, hard_sigmoid",
                   r"Multiply<", r"UpSampling2D<size<2>, bilinear", r"UpSampling2D<size<8>, bilinear", r"ctnn::shape<64, 64, 21>")


# --- Keras ------------------------------------------------------------------------------------
# Fixtures follow the layouts Keras writes (checked against files saved by Keras 2.4 and 2.14):
# legacy .h5 has the config in the `model_config` attribute and each weight at
# model_weights/<outer layer>/<layer>/<weight>:0; a .keras zip has config.json and
# model.weights.h5 with layers/<layer>/vars/<index>.
import h5py  # noqa: E402
import json  # noqa: E402


def k_layer(cls, name, inbound, **config):
    node = [[[i, 0, 0, {}] for i in inbound]] if inbound else []
    return {"class_name": cls, "name": name, "config": {"name": name, **config}, "inbound_nodes": node}


def k_input(name="in", shape=(None, 8, 8, 3)):
    return k_layer("InputLayer", name, [], batch_input_shape=list(shape), dtype="float32")


def k_functional(layers, inp="in", out=None, name="model"):
    return {"class_name": "Functional", "config": {"name": name, "layers": layers, "input_layers": [[inp, 0, 0]],
                                                   "output_layers": [[out or layers[-1]["name"], 0, 0]]}}


def write_h5(path, cfg, weights, version="2.4.0"):
    """weights: {outer layer: {"inner/kind": array}}, written in reverse order (found by path)."""
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = json.dumps(cfg)
        f.attrs["keras_version"] = version
        mw = f.create_group("model_weights")
        mw.attrs["layer_names"] = [n.encode() for n in weights]
        for outer, arrays in weights.items():
            g = mw.create_group(outer)
            names = [f"{k}:0" for k in reversed(list(arrays))]
            g.attrs["weight_names"] = [n.encode() for n in names]
            for k in reversed(list(arrays)):
                g.create_dataset(f"{k}:0", data=arrays[k])


class Keras(Case):
    def imp_file(self, writer, input_shape="8,8,3", suffix=".h5"):
        tmp = tempfile.mkdtemp(prefix="ctnn-import-test-")
        self.addCleanup(shutil.rmtree, tmp, True)
        path = os.path.join(tmp, "m" + suffix)
        writer(path)
        out = os.path.join(tmp, "out")
        p = subprocess.run([IMPORTER, path, "--input-shape", input_shape, "--name", "net", "-o", out], capture_output=True, text=True)
        r = type("R", (), {})()
        r.status, r.stderr, r.out = p.returncode, p.stderr, out
        if p.returncode == 0:
            compile_check(self, out)
            with open(os.path.join(out, "net.hpp")) as f:
                r.lines = "\n".join(l.strip() for l in f if l.strip().startswith("auto "))
            with np.load(os.path.join(out, "net.npz")) as z:
                r.weights = {k: z[k] for k in z.files}
        return r

    def test_legacy_h5_nested_sequential_found_by_path(self):
        k, b = rand(3, 3, 3, 4), rand(4)
        g, be, mm, mv = rand(4), rand(4), rand(4), np.abs(rand(4))
        dk = rand(3, 3, 4, 1)
        dense_k, dense_b = rand(8, 2), rand(2)
        inner = {"class_name": "Sequential", "name": "features", "config": {"name": "features", "layers": [
            {"class_name": "DepthwiseConv2D", "config": {"name": "dw", "kernel_size": [3, 3], "strides": [1, 1], "padding": "same",
                                                         "depth_multiplier": 1, "use_bias": False, "activation": "linear"}},
            {"class_name": "ReLU", "config": {"name": "dw_relu", "max_value": 6.0}}]}, "inbound_nodes": [[["bn", 0, 0, {}]]]}
        cfg = k_functional([
            k_input(shape=(None, 7, 7, 3)),
            k_layer("ZeroPadding2D", "pad", ["in"], padding=[[0, 1], [0, 1]]),
            k_layer("Conv2D", "conv", ["pad"], filters=4, kernel_size=[3, 3], strides=[1, 1], padding="valid", activation="relu", use_bias=True),
            k_layer("BatchNormalization", "bn", ["conv"], axis=-1, epsilon=1.001e-5),
            inner,
            k_layer("Add", "add", ["features", "bn"]),
            k_layer("Concatenate", "cat", ["add", "bn"], axis=-1),
            k_layer("GlobalAveragePooling2D", "gap", ["cat"]),
            k_layer("Dropout", "drop", ["gap"], rate=0.5),
            k_layer("Dense", "fc", ["drop"], units=2, activation="softmax", use_bias=True),
        ])
        r = self.imp_file(lambda p: write_h5(p, cfg, {
            "conv": {"conv/kernel": k, "conv/bias": b},
            "bn": {"bn/gamma": g, "bn/beta": be, "bn/moving_mean": mm, "bn/moving_variance": mv},
            "features": {"dw/depthwise_kernel": dk},
            "fc": {"fc/kernel": dense_k, "fc/bias": dense_b}}), input_shape="7,7,3")
        self.assertEqual(r.status, 0, r.stderr)
        for e in (r'ZeroPadding2D<padding<0, 1, 0, 1>, name<"pad">>', r'Conv2D<4, kernel_size<3>, valid, relu, name<"conv">>',
                  r'BatchNormalization<epsilon<"1.001e-5">', r'DepthwiseConv2D<kernel_size<3>, same, depth_multiplier<1>, use_bias<false>',
                  r'ReLU<max_value<6>, name<"dw_relu">>', r'Add<name<"add">>\{\}\(dw_relu, bn\)', r"GlobalAveragePooling2D<name",
                  r'Dense<2, softmax, name<"fc">>\{\}\(gap\)'):
            self.assertRegex(r.lines, e)
        np.testing.assert_array_equal(r.weights["conv/kernel"], k)
        np.testing.assert_array_equal(r.weights["bn/moving_variance"], mv)
        np.testing.assert_array_equal(r.weights["dw/depthwise_kernel"], dk)
        np.testing.assert_array_equal(r.weights["fc/kernel"], dense_k)

    def test_keras3_zip(self):
        def write(path):
            def tensor(name):
                return {"class_name": "__keras_tensor__", "config": {"keras_history": [name, 0, 0]}}
            layers = [{"class_name": "InputLayer", "name": "img", "config": {"name": "img", "batch_shape": [None, None, None, 3]}, "inbound_nodes": []},
                      {"class_name": "Conv2DTranspose", "name": "up", "config": {"name": "up", "filters": 2, "kernel_size": [4, 4], "strides": [2, 2],
                                                                                 "padding": "valid", "use_bias": True, "activation": "hard_sigmoid"},
                       "inbound_nodes": [{"args": [tensor("img")], "kwargs": {}}]},
                      {"class_name": "Cropping2D", "name": "crop", "config": {"name": "crop", "cropping": [[1, 1], [1, 1]]},
                       "inbound_nodes": [{"args": [tensor("up")], "kwargs": {}}]}]
            cfg = {"class_name": "Functional", "config": {"name": "m", "layers": layers, "input_layers": ["img", 0, 0], "output_layers": ["crop", 0, 0]}}
            buf = io.BytesIO()
            with h5py.File(buf, "w") as f:
                f["layers/up/vars/0"] = rand(4, 4, 2, 3)
                f["layers/up/vars/1"] = rand(2)
            with zipfile.ZipFile(path, "w") as z:
                z.writestr("config.json", json.dumps(cfg))
                z.writestr("metadata.json", json.dumps({"keras_version": "3.3.3"}))
                z.writestr("model.weights.h5", buf.getvalue())
        r = self.imp_file(write, input_shape="5,6,3", suffix=".keras")
        self.assertEqual(r.status, 0, r.stderr)
        # Keras 3's hard_sigmoid is ctnn's; the layer keeps its activation.
        self.assertRegex(r.lines, r'Conv2DTranspose<2, kernel_size<4>, strides<2>, valid, name<"up">>')
        self.assertRegex(r.lines, r'Activation<hard_sigmoid, name<"up_hard_sigmoid">>')
        self.assertRegex(r.lines, r"Cropping2D<cropping<1>")
        self.assertEqual(r.weights["up/kernel"].shape, (4, 4, 2, 3))

    def test_keras_relu_forms_batch_norm_without_gamma_and_dense_on_maps(self):
        cfg = k_functional([k_input(), k_layer("ReLU", "r", ["in"], max_value=None, negative_slope=0.1, threshold=0.5),
                            k_layer("BatchNormalization", "bn", ["r"], axis=[3], epsilon=0.001, center=True, scale=False),
                            k_layer("Dense", "d", ["bn"], units=2, activation="elu", use_bias=False)])
        r = self.imp_file(lambda p: write_h5(p, cfg, {"bn": {"bn/beta": rand(3), "bn/moving_mean": rand(3), "bn/moving_variance": rand(3) ** 2},
                                                      "d": {"d/kernel": rand(3, 2)}}))
        self.assertEqual(r.status, 0, r.stderr)
        self.assertRegex(r.lines, r'ReLU<negative_slope<"0.1">, threshold<"0.5">, name<"r">>')
        self.assertRegex(r.lines, r'BatchNormalization<epsilon<"0.001">, scale<false>, name<"bn">>')
        self.assertRegex(r.lines, r'Dense<2, use_bias<false>, elu, name<"d">>')
        self.assertEqual(set(r.weights), {"bn/beta", "bn/moving_mean", "bn/moving_variance", "d/kernel"})

    def test_reshape_row_major_as_keras(self):
        """Keras' Reshape is tf.reshape of the NHWC batch, row-major over (H, W, C), and so is
        ctnn's: the import maps it one to one, and the built runner computes what NumPy's
        reshape of the NHWC array does."""
        k, db = rand(1, 1, 2, 3), rand(5)
        cfg = k_functional([k_input(shape=(None, 4, 6, 2)), k_layer("Reshape", "to_map", ["in"], target_shape=[3, 8, 2]),
                            k_layer("Conv2D", "c", ["to_map"], filters=3, kernel_size=[1, 1], strides=[1, 1], padding="valid",
                                    activation="linear", use_bias=False),
                            k_layer("Reshape", "to_vector", ["c"], target_shape=[-1]),
                            k_layer("Dense", "d", ["to_vector"], units=5, activation="linear", use_bias=True),
                            k_layer("Reshape", "back", ["d"], target_shape=[1, 5, 1])])
        r = self.imp_file(lambda p: write_h5(p, cfg, {"c": {"c/kernel": k}, "d": {"d/kernel": rand(72, 5), "d/bias": db}}),
                          input_shape="4,6,2")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertRegex(r.lines, r'Reshape<target_shape<3, 8, 2>, name<"to_map">>\{\}\(in\)')
        self.assertRegex(r.lines, r'Reshape<target_shape<-1>, name<"to_vector">>\{\}\(c\)')
        self.assertRegex(r.lines, r'Dense<5, name<"d">>\{\}\(to_vector\)')
        self.assertRegex(r.lines, r'Reshape<target_shape<1, 5, 1>, name<"back">>')
        if not os.environ.get("CTNN_SOURCE_DIR"):
            return
        x = rand(1, 4, 6, 2)
        kernel = r.weights["d/kernel"]
        want = (np.einsum("nhwc,co->nhwo", x.reshape(1, 3, 8, 2), k[0, 0]).reshape(1, -1) @ kernel + db).reshape(1, 1, 5, 1)
        y, _ = EndToEnd.build_and_run(self, types.SimpleNamespace(tmp=os.path.dirname(r.out), out=r.out), "net", x)
        self.assertEqual(y.shape, (1, 1, 5, 1))
        np.testing.assert_allclose(y, want, rtol=0, atol=1e-5)

    def test_reshape_refusals(self):
        self.refused(k_functional([k_input(), k_layer("Reshape", "seq", ["in"], target_shape=[64, 3])]),
                     r"layer 'seq' \(Reshape\): target_shape \(64, 3\) of 2 axes; supported: \(H, W, C\) maps and \(n,\) vectors")
        self.refused(k_functional([k_input(), k_layer("Reshape", "odd", ["in"], target_shape=[5, -1, 1])]),
                     r"layer 'odd' \(Reshape\): its input's 192 values \(8, 8, 3\) do not fill target_shape \(5, -1, 1\)$")
        self.refused(k_functional([k_input(), k_layer("Reshape", "two", ["in"], target_shape=[-1, -1, 3])]),
                     r"layer 'two' \(Reshape\): target_shape \(-1, -1, 3\); supported: axes of 1 or more, and -1 at most once")

    def test_keras2_hard_sigmoid_is_scaled(self):
        cfg = k_functional([k_input(), k_layer("Activation", "hs", ["in"], activation="hard_sigmoid")])
        r = self.imp_file(lambda p: write_h5(p, cfg, {}))
        self.assertEqual(r.status, 0, r.stderr)
        self.assertRegex(r.lines, r'Rescaling<scale<"1.2">, name<"hs_hard_sigmoid_scale">>')

    def test_tfjs_layers_model(self):
        k, b, dk, db = rand(3, 3, 2, 3), rand(3), rand(6 * 6 * 3, 2), rand(2)

        def write(path):
            layers = [{"class_name": "Conv2D", "config": {"name": "conv2d", "batch_input_shape": [None, 6, 6, 2], "filters": 3, "kernel_size": [3, 3],
                                                          "strides": [1, 1], "padding": "same", "activation": "relu", "use_bias": True,
                                                          "data_format": "channels_last", "dilation_rate": [1, 1]}},
                      {"class_name": "Flatten", "config": {"name": "flatten"}},
                      {"class_name": "Dense", "config": {"name": "dense", "units": 2, "activation": "softmax", "use_bias": True}}]
            manifest = [{"name": "dense/kernel", "shape": [108, 2], "dtype": "float32"}, {"name": "dense/bias", "shape": [2], "dtype": "float32"},
                        {"name": "conv2d/kernel", "shape": [3, 3, 2, 3], "dtype": "float32"}, {"name": "conv2d/bias", "shape": [3], "dtype": "float32"}]
            data = b"".join(a.astype("<f4").tobytes() for a in (dk, db, k, b))
            d = os.path.dirname(path)
            with open(os.path.join(d, "group1-shard1of2.bin"), "wb") as f:
                f.write(data[:100])
            with open(os.path.join(d, "group1-shard2of2.bin"), "wb") as f:
                f.write(data[100:])
            with open(path, "w") as f:
                json.dump({"format": "layers-model", "modelTopology": {"class_name": "Sequential", "keras_version": "tfjs-layers 4.10.0",
                                                                      "config": {"name": "s", "layers": layers}},
                           "weightsManifest": [{"paths": ["group1-shard1of2.bin", "group1-shard2of2.bin"], "weights": manifest}]}, f)
        r = self.imp_file(write, input_shape="6,6,2", suffix=".json")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertRegex(r.lines, r'Conv2D<3, kernel_size<3>, same, relu, name<"conv2d">>\{\}\(conv2d_input\)')
        self.assertRegex(r.lines, r'Dense<2, softmax, name<"dense">>\{\}\(flatten_\)')
        np.testing.assert_array_equal(r.weights["dense/kernel"], dk)
        np.testing.assert_array_equal(r.weights["conv2d/bias"], b)

    def refused(self, cfg, pattern, weights=None):
        r = self.imp_file(lambda p: write_h5(p, cfg, weights or {}))
        self.assertEqual(r.status, 1, r.stderr)
        self.assertEqual(r.stderr.count("\n"), 1, r.stderr)
        self.assertRegex(r.stderr, r"^ctnn-import: [^ ]*m\.h5: " + pattern)
        self.assertFalse(os.path.exists(r.out))

    def test_refusals(self):
        self.refused(k_functional([k_input(), k_layer("Lambda", "fn", ["in"], function="...")]),
                     r"layer 'fn' \(Lambda\): ctnn has no such layer; supported: .*Conv2D")
        self.refused(k_functional([k_input(), k_layer("Activation", "a", ["in"], activation="selu")]), r"layer 'a' \(Activation\): activation 'selu'")
        self.refused(k_functional([k_input(), k_layer("MaxPooling2D", "p", ["in"], data_format="channels_first")]),
                     r"layer 'p' \(MaxPooling2D\): data_format channels_first")
        self.refused(k_functional([k_input(), k_layer("Conv2D", "c", ["in"], filters=2, kernel_size=[1, 1], use_bias=False)]),
                     r"layer 'c' \(Conv2D\): weight 'kernel' is not in the file")
        self.refused(k_functional([k_input(shape=(None, 8, 8, 1))]), r"layer 'in' \(InputLayer\): is declared \(H, W, C\) = \(8, 8, 1\)")


# --- semantics: the imported graph computes what the file does ----------------------------------
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, HERE)
from ctnn_import import onnx_reader, passes  # noqa: E402
import reference  # noqa: E402


def pp_lcnet_model():
    """The patterns of PaddleOCR's PP-OCRv4 detector, in small: affine blocks, x·Clip(x+3, 0, 6)/6,
    depthwise convolutions padded as Paddle pads them, squeeze-and-excitation with HardSigmoid of
    alpha 1/6 and 0.2, nearest upsampling, transposed convolutions with an added bias."""
    c = 8
    f = lambda v: np.float32(v)  # noqa: E731
    inits = {"w0": rand(c, 3, 3, 3), "g": rand(c), "b": rand(c), "m": rand(c), "v": np.abs(rand(c)) + 0.1,
             "s1": f([0.9]), "o1": f([0.2]), "three": f(3), "zero": f(0), "six": f(6), "s2": f([1.1]), "o2": f([-0.3]),
             "wd": rand(c, 1, 3, 3), "bd": rand(c), "w1": rand(2, c, 1, 1), "b1": rand(2), "w2": rand(c, 2, 1, 1), "b2": rand(c),
             "wr": rand(c, c, 1, 1), "br": rand(c), "scales": f([1, 1, 2, 2]), "roi": np.zeros(0, np.float32),
             "wt": rand(2 * c, c, 2, 2), "bt": rand(1, c, 1, 1), "wt2": rand(c, 1, 2, 2), "bt2": f([[[[0.1]]]])}
    n = helper.make_node
    nodes = [n("Conv", ["x", "w0"], ["c0"], pads=[1, 1, 1, 1], strides=[2, 2]),
             n("BatchNormalization", ["c0", "g", "b", "m", "v"], ["bn"]),
             n("Mul", ["s1", "bn"], ["a1"]), n("Add", ["a1", "o1"], ["a2"]),
             n("Add", ["a2", "three"], ["h1"]), n("Clip", ["h1", "zero", "six"], ["h2"]), n("Mul", ["a2", "h2"], ["h3"]),
             n("Div", ["h3", "six"], ["hs"]), n("Mul", ["s2", "hs"], ["a3"]), n("Add", ["a3", "o2"], ["a4"]),
             n("Conv", ["a4", "wd", "bd"], ["dw"], pads=[1, 1, 1, 1], group=c),
             n("GlobalAveragePool", ["dw"], ["p"]), n("Conv", ["p", "w1", "b1"], ["q"]), n("Relu", ["q"], ["q1"]),
             n("Conv", ["q1", "w2", "b2"], ["q2"]), n("HardSigmoid", ["q2"], ["q3"], alpha=1 / 6, beta=0.5), n("Mul", ["dw", "q3"], ["se"]),
             n("Conv", ["se", "wr", "br"], ["r0"]), n("HardSigmoid", ["r0"], ["r1"], alpha=0.2, beta=0.5), n("Mul", ["se", "r1"], ["r2"]),
             n("Add", ["se", "r2"], ["rse"]),
             n("Resize", ["rse", "roi", "scales"], ["up"], mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor"),
             n("Resize", ["a4", "roi", "scales"], ["up2"], mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor"),
             n("Concat", ["up", "up2"], ["cat"], axis=1),
             n("ConvTranspose", ["cat", "wt"], ["t0"], strides=[2, 2]), n("Add", ["t0", "bt"], ["t1"]),
             n("BatchNormalization", ["t1", "g", "b", "m", "v"], ["t2"]), n("Relu", ["t2"], ["t3"]),
             n("ConvTranspose", ["t3", "wt2"], ["t4"], strides=[2, 2]), n("Add", ["t4", "bt2"], ["t5"]), n("Sigmoid", ["t5"], ["y"])]
    return model(nodes, [const(k, v) for k, v in inits.items()], shape=(1, 3, 16, 16), opset=11)


class Semantics(unittest.TestCase):
    """Each model is evaluated twice in NumPy: as the ONNX file says, and as the importer's layers
    say with Keras' definitions. They must agree to rounding: every mapping and rewrite is exact."""

    def agree(self, m, hwc, expect_kinds=()):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        path = os.path.join(tmp, "m.onnx")
        onnx.save(m, path)
        g = passes.run(onnx_reader.Reader(path, hwc).read())
        kinds = {l.kind for l in g.layers}
        for k in expect_kinds:
            self.assertIn(k, kinds)
        x = rng.uniform(-4, 4, (1, hwc[2], hwc[0], hwc[1])).astype(np.float32)
        want = reference.onnx_forward(m, x)
        got = reference.keras_forward(g, x.transpose(0, 2, 3, 1))
        got = got.transpose(0, 3, 1, 2) if want.ndim == 4 else got.reshape(want.shape)
        self.assertEqual(got.shape, want.shape)
        # In float64, so only the file's float32 attributes read as the decimals they stand for
        # (HardSigmoid's alpha 0.2 is 0.2000000030 in float32) are left: 1e-6 is far above them
        # and far below any mapping mistake.
        self.assertLess(float(np.max(np.abs(got - want))), 1e-6 * max(1.0, float(np.max(np.abs(want)))))
        return g

    def test_pp_lcnet_block(self):
        """The patterns of PaddleOCR's PP-OCRv4 detector, in small."""
        g = self.agree(pp_lcnet_model(), (16, 16, 3),
                       ("Rescaling", "DepthwiseConv2D", "Multiply", "GlobalAveragePooling2D", "UpSampling2D", "Conv2DTranspose", "ZeroPadding2D"))
        self.assertEqual(sum(l.kind == "Activation" and l.options["activation"] == "hard_swish" for l in g.layers), 1)

    def test_normalisation_pooling_and_bilinear(self):
        n = helper.make_node
        inits = {"mean": np.float32([0.5, -0.2, 0.1]).reshape(1, 3, 1, 1), "std": np.float32([0.25, 2, 0.5]).reshape(3, 1, 1),
                 "w": rand(4, 3, 3, 3), "roi": np.zeros(0, np.float32), "sz": np.int64([1, 4, 10, 10])}
        nodes = [n("Sub", ["x", "mean"], ["a"]), n("Div", ["a", "std"], ["b"]), n("Conv", ["b", "w"], ["c"], pads=[0, 1, 2, 1]),
                 n("Relu", ["c"], ["r"]), n("MaxPool", ["r"], ["p"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
                 n("AveragePool", ["p"], ["q"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=1),
                 n("AveragePool", ["q"], ["q2"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
                 n("LeakyRelu", ["q2"], ["l"], alpha=0.1),
                 n("Resize", ["l", "roi", "", "sz"], ["y"], mode="linear", coordinate_transformation_mode="pytorch_half_pixel")]
        self.agree(model(nodes, [const(k, v) for k, v in inits.items()], shape=(1, 3, 10, 10)), (10, 10, 3),
                   ("DepthwiseConv2D", "MaxPooling2D", "AveragePooling2D", "LeakyReLU"))

    def test_transposed_and_grouped(self):
        n = helper.make_node
        inits = {"wt": rand(3, 4, 2, 2), "bt": rand(4), "wg": rand(6, 2, 3, 3), "one": np.float32(1)}
        nodes = [n("ConvTranspose", ["x", "wt", "bt"], ["t"], strides=[3, 3], pads=[1, 0, 0, 2], output_padding=[1, 2]),
                 n("Conv", ["t", "wg"], ["g"], group=2, dilations=[2, 2], pads=[2, 2, 2, 2]), n("Sub", ["one", "g"], ["y"])]
        self.agree(model(nodes, [const(k, v) for k, v in inits.items()], shape=(1, 3, 5, 5)), (5, 5, 3), ("Conv2DTranspose", "Cropping2D"))

    def test_ppocr_detector(self):
        """PaddleOCR's PP-OCRv4 detector, where scripts/fetch-ppocr has fetched it: every op maps,
        and the imported graph computes what the file does (at 64x64, to keep NumPy quick)."""
        path = os.environ.get("CTNN_PPOCR_MODEL", os.path.join(ROOT, ".cache", "ppocr", "ch_PP-OCRv4_det_infer.onnx"))
        if not os.path.exists(path):
            self.skipTest(f"{path} not fetched (scripts/fetch-ppocr)")
        m = onnx.load(path)
        g = passes.run(onnx_reader.Reader(path, (64, 64, 3)).read())
        self.assertEqual(g.total_params(), 1_171_617)  # the file's 1,171,641 floats less Resize's six (1,1,f,f) scales
        self.assertEqual(sum(l.kind == "Activation" and l.options["activation"] == "hard_swish" for l in g.layers), 24)
        x = rng.uniform(-2, 2, (1, 3, 64, 64)).astype(np.float32)
        got = reference.keras_forward(g, x.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)
        self.assertLess(float(np.max(np.abs(got - reference.onnx_forward(m, x)))), 1e-6)

    def test_ppocr_detector_against_onnxruntime(self):
        """The imported PP-OCRv4 on a 128x128 text page against onnxruntime 1.20.1's output,
        committed by scripts/make-ppocr-fixtures: the real oracle, beside this file's own."""
        path = os.environ.get("CTNN_PPOCR_MODEL", os.path.join(ROOT, ".cache", "ppocr", "ch_PP-OCRv4_det_infer.onnx"))
        if not os.path.exists(path):
            self.skipTest(f"{path} not fetched (scripts/fetch-ppocr)")
        want = np.load(os.path.join(HERE, "fixtures", "ppocr_det_128.npy"))
        g = passes.run(onnx_reader.Reader(path, (128, 128, 3)).read())
        got = reference.keras_forward(g, reference.ppocr_input(reference.text_page(128, 128)).transpose(0, 2, 3, 1))
        self.assertGreater(float(want.max()), 0.99)  # the page's lines are found
        self.assertLess(float(np.max(np.abs(got - want))), 1e-4)

    def test_torchvision_resnet_stem_and_classifier(self):
        """As torch.onnx.export writes ResNet: a 7x7/2 stem padded 3 (TensorFlow would pad 2 and 3),
        a ReLU, a 3x3/2 max pool padded 1, global pooling, x.flatten(1) and a Linear."""
        n = helper.make_node
        nodes = [n("Conv", ["x", "w", "b"], ["c"], kernel_shape=[7, 7], strides=[2, 2], pads=[3, 3, 3, 3]), n("Relu", ["c"], ["r"]),
                 n("MaxPool", ["r"], ["p"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
                 n("GlobalAveragePool", ["p"], ["g"]), n("Flatten", ["g"], ["f"]), n("Gemm", ["f", "W", "B"], ["y"], alpha=1.0, beta=1.0, transB=1)]
        self.agree(model(nodes, [const("w", rand(8, 3, 7, 7)), const("b", rand(8)), const("W", rand(5, 8)), const("B", rand(5))],
                         shape=(1, 3, 32, 32)), (32, 32, 3), ("ZeroPadding2D", "MaxPooling2D", "Flatten", "Dense"))

    def test_torchvision_mobilenet_v3_and_lraspp_head(self):
        """HardSwish and HardSigmoid as opset 14 has them (PyTorch's alpha is float32(1/6)), ReLU6
        as Clip, and LR-ASPP's bilinear upsampling to a size taken from the skip's Shape."""
        n = helper.make_node
        inits = {"w": rand(6, 3, 3, 3), "dw": rand(6, 1, 3, 3), "w1": rand(6, 6, 1, 1), "lo": np.float32(0), "hi": np.float32(6),
                 "roi": np.zeros(0, np.float32), "start": np.int64([2]), "end": np.int64([4]), "nc": np.int64([1, 6])}
        nodes = [n("Conv", ["x", "w"], ["c"], strides=[2, 2], pads=[1, 1, 1, 1]), n("HardSwish", ["c"], ["h"]),
                 n("Conv", ["h", "dw"], ["d"], group=6, pads=[1, 1, 1, 1]), n("Clip", ["d", "lo", "hi"], ["r6"]),
                 n("GlobalAveragePool", ["r6"], ["g"]), n("Conv", ["g", "w1"], ["g1"]), n("HardSigmoid", ["g1"], ["g2"], alpha=1 / 6, beta=0.5),
                 n("Mul", ["r6", "g2"], ["se"]),
                 n("Shape", ["x"], ["shp"]), n("Slice", ["shp", "start", "end"], ["hw"]), n("Concat", ["nc", "hw"], ["size"], axis=0),
                 n("Resize", ["se", "roi", "", "size"], ["y"], mode="linear", coordinate_transformation_mode="pytorch_half_pixel")]
        g = self.agree(model(nodes, [const(k, v) for k, v in inits.items()], shape=(1, 3, 12, 12), opset=14), (12, 12, 3),
                       ("DepthwiseConv2D", "Multiply", "UpSampling2D"))
        self.assertIn("hard_sigmoid", {l.options.get("activation") for l in g.layers})
        self.assertNotIn("Rescaling", {l.kind for l in g.layers})  # alpha float32(1/6) is 1/6

    def test_flatten_dense_softmax(self):
        n = helper.make_node
        nodes = [n("Conv", ["x", "w"], ["c"]), n("Flatten", ["c"], ["f"]), n("Gemm", ["f", "W", "B"], ["d"], transB=1),
                 n("Relu", ["d"], ["r"]), n("Gemm", ["r", "W2"], ["e"]), n("Softmax", ["e"], ["y"], axis=1)]
        self.agree(model(nodes, [const("w", rand(4, 3, 1, 1)), const("W", rand(6, 4 * 3 * 2)), const("B", rand(6)), const("W2", rand(6, 5))],
                         shape=(1, 3, 3, 2)), (3, 2, 3), ("Flatten", "Dense"))


if __name__ == "__main__":
    unittest.main()
