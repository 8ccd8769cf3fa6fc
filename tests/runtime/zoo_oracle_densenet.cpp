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

TEST_CASE("DenseNet121 at 64x64, 1/8 of its width, matches PyTorch (59 of its 121 BatchNormalizations folded)") {
    constexpr auto model = models::DenseNet121<small(8)>();
    // conv1_bn and the 58 conv blocks' `_1_bn`; the others follow a Concatenate or a pooling.
    static_assert(folding<decltype(model)>.count == 59);
    check_against_torch(model, "zoo_densenet121");
}
