// FCN-8's cost from its static shapes, against ../shared/reference/fcn8.md: 42.5 GFLOP counted
// densely, 37.2 GFLOP that do not multiply padding; conv6 alone 10.07 dense, 5.74 real.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/graph/cost.hpp>
#include <ctnn/models/fcn8.hpp>

namespace {
using M = decltype(ctnn::models::fcn8<12>());
constexpr auto total = ctnn::total_cost<M>;
constexpr auto conv6 = ctnn::layer_costs<M>[M::index_of<ctnn::node_named_t<M, "conv6">>];

// GFLOP = 2 · multiply-adds / 1e9, to the precision the reference gives.
constexpr bool near(std::int64_t multiply_adds, double gflop, double tolerance) {
    const double got = 2e-9 * static_cast<double>(multiply_adds);
    return got - gflop < tolerance && gflop - got < tolerance;
}
static_assert(near(total.dense, 42.5, 0.05));
static_assert(near(total.real, 37.2, 0.05));
static_assert(near(conv6.dense, 10.07, 0.005));
static_assert(near(conv6.real, 5.74, 0.005));
// 43% of conv6's taps land on padding.
static_assert(conv6.real * 100 / conv6.dense == 57);
}  // namespace

int main() {}
