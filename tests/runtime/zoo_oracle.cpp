// The zoo against PyTorch: VGG16, ResNet50, MobileNetV2 and the 2015 U-Net here, DenseNet121 (as
// long to compile as the others together) in zoo_oracle_densenet.cpp, at reduced width and input size, built from ctnn's model functions (the
// same code as the full-size models, with `width_divisor`) and checked within 1e-4, relative,
// against fixtures made by tests/oracle/make_zoo_fixtures.py, which writes each architecture out
// again in PyTorch. ResNet, MobileNetV2 and DenseNet fold their BatchNormalizations into the
// convolutions before them, and ResNet and MobileNetV2 their residual sums, so this also checks
// folding on real architectures.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>
#include <ctnn/io/weights.hpp>
#include <ctnn/models/mobilenet_v2.hpp>
#include <ctnn/models/resnet.hpp>
#include <ctnn/models/unet.hpp>
#include <ctnn/models/vgg16.hpp>

#include <doctest/doctest.h>

#include "zoo_oracle.hpp"

namespace {
using namespace ctnn;
using torch_fixture::check_against_torch;
using zoo_oracle::small;
}  // namespace

TEST_CASE("VGG16 at 64x64, 1/16 of its width, matches PyTorch (Flatten of a 2x2 map, dense top)") {
    check_against_torch(models::VGG16<small(16)>(), "zoo_vgg16");
}

TEST_CASE("ResNet50 (Keras' v1) at 64x64, 1/16 of its width, matches PyTorch with its 53 BatchNormalizations and 16 sums folded") {
    constexpr auto model = models::ResNet50<small(16)>();
    static_assert(folding<decltype(model)>.count == 53 && folding<decltype(model)>.residual_count == 16);
    check_against_torch(model, "zoo_resnet50");
}

TEST_CASE("MobileNetV2 at 64x64, 1/8 of its width, matches PyTorch with its 52 BatchNormalizations and 10 sums folded") {
    constexpr auto model = models::MobileNetV2<small(8)>();
    static_assert(folding<decltype(model)>.count == 52 && folding<decltype(model)>.residual_count == 10);
    check_against_torch(model, "zoo_mobilenet_v2");
}

TEST_CASE("the 2015 U-Net at 188x188, first block 4 wide, matches PyTorch (crops, Conv2DTranspose, Concatenate)") {
    check_against_torch(models::UNet<2, 188, 188, 1, 4>(), "zoo_unet");
}
