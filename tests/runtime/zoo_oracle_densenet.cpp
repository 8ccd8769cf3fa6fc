// The zoo against PyTorch, DenseNet121 at reduced width and input size (see zoo_oracle.cpp): a file
// of its own, its 429 layers take as long to compile as the other four models together.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>
#include <ctnn/io/weights.hpp>
#include <ctnn/models/densenet.hpp>

#include <doctest/doctest.h>

#include "zoo_oracle.hpp"

namespace {
using namespace ctnn;
using torch_fixture::check_against_torch;
using zoo_oracle::small;
}  // namespace

TEST_CASE("DenseNet121 at 64x64, 1/8 of its width, matches PyTorch (120 of its 121 BatchNormalizations folded)") {
    constexpr auto model = models::DenseNet121<small(8)>();
    // Into the convolution before: conv1_bn and the 58 conv blocks' `_1_bn`. Into the 1×1
    // convolution after (which maps its input as it reads it): the blocks' `_0_bn` and the three
    // transitions' `_bn`, each after a Concatenate or a pooling. The last, `bn`, stays.
    static_assert(folding<decltype(model)>.count == 59);
    static_assert(folding<decltype(model)>.input_affine_count == 61);
    check_against_torch(model, "zoo_densenet121");
}
