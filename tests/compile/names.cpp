// Layer names made in loops spell exactly what Keras' applications write (compared with the
// literal names).
// SPDX-License-Identifier: BSL-1.0
#include <type_traits>

#include <ctnn/name.hpp>

namespace {
using ctnn::formatted_name;
using ctnn::name;

static_assert(std::is_same_v<formatted_name<"conv{}_block{}_1_conv", 2, 13>, name<"conv2_block13_1_conv">>);
static_assert(std::is_same_v<formatted_name<"block_{}_expand", 0>, name<"block_0_expand">>);
static_assert(std::is_same_v<formatted_name<"block_{}_depthwise_BN", 16>, name<"block_16_depthwise_BN">>);
static_assert(std::is_same_v<formatted_name<"x{}", -45>, name<"x-45">>);
static_assert(std::is_same_v<formatted_name<"{}{}", 1, 2147483647>, name<"12147483647">>);
static_assert(std::is_same_v<formatted_name<"plain">, name<"plain">>);
static_assert(formatted_name<"pool{}_conv", 4>::value == "pool4_conv");
}  // namespace

int main() {}
