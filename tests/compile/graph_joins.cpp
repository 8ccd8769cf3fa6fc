// How joins build a model's graph: branches where one holds the other (a skip connection), and
// branches that both grew since they split (Inception's), nested. Checked against the order and
// the edges written out by hand: every layer once, after its inputs, in the order a depth-first
// walk from the output visits them (Keras' summary order for these models).
// SPDX-License-Identifier: BSL-1.0
#include <array>
#include <string_view>

#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

constexpr auto branches() {
    auto x = Input<shape<8, 8, 4>, name<"x">>{}();
    auto a = Conv2D<4, kernel_size<3>, same, name<"a">>{}(x);
    auto b1 = Conv2D<4, kernel_size<1>, name<"b1">>{}(a);                  // branch 1: one layer
    auto b2a = Conv2D<4, kernel_size<1>, name<"b2a">>{}(a);                // branch 2: two layers
    auto b2 = Conv2D<4, kernel_size<3>, same, name<"b2">>{}(b2a);
    auto d = Add<name<"d">>{}(b1, b2);                                      // neither holds the other
    auto e = Conv2D<4, kernel_size<1>, name<"e">>{}(b1);                    // grows from branch 1 again
    auto f = Concatenate<name<"f">>{}(d, e, a);                             // d's graph holds a and b1, not e
    return Model{x, f};
}
constexpr auto model = branches();
using M = decltype(model);

constexpr std::array<std::string_view, 8> order{"x", "a", "b1", "b2a", "b2", "d", "e", "f"};
constexpr bool in_order() {
    for (std::size_t i = 0; i != order.size(); ++i)
        if (M::layers[i].name != order[i]) return false;
    return true;
}
static_assert(M::layer_count == 8);
static_assert(in_order());

/// The names of layer `name`'s inputs, in the order it takes them.
template <std::size_t N>
constexpr bool inputs_are(std::string_view name, std::array<std::string_view, N> expected) {
    const auto& l = M::layers[M::index_of_name(name)];
    if (l.input_count != N) return false;
    for (std::size_t e = 0; e != N; ++e)
        if (M::layers[M::edges[l.first_input + e]].name != expected[e]) return false;
    return true;
}
static_assert(inputs_are("d", std::array<std::string_view, 2>{"b1", "b2"}));
static_assert(inputs_are("e", std::array<std::string_view, 1>{"b1"}));
static_assert(inputs_are("f", std::array<std::string_view, 3>{"d", "e", "a"}));
static_assert(M::output_shape == shape<8, 8, 12>{});
// Five 4-filter convolutions: a (3x3), b1, b2a, e (1x1), b2 (3x3).
static_assert(M::total_params == 2 * (3 * 3 * 4 * 4 + 4) + 3 * (4 * 4 + 4));

// A node shared by two branches appears once, wherever the joins meet it.
constexpr auto diamond() {
    auto x = Input<shape<8, 8, 4>, name<"x">>{}();
    auto a = Conv2D<4, kernel_size<1>, name<"a">>{}(x);
    auto left = Conv2D<4, kernel_size<1>, name<"left">>{}(a);
    auto right = Conv2D<4, kernel_size<1>, name<"right">>{}(a);
    return Model{x, Add<name<"sum">>{}(left, right, a)};
}
constexpr auto diamond_model = diamond();
static_assert(decltype(diamond_model)::layer_count == 5);
}  // namespace

int main() {}
