// A layer written outside ctnn that does not declare its weights: applying it names the layer and
// the missing member, instead of failing later inside the graph.
// expected-error {{layer_lacks_member<.*Scale.*ctnn::error::member::weights ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

/// Multiplies by two; a layer with no weights and no multiply-adds.
struct Scale : layer_base<Scale> {
    static constexpr std::string_view kind = "Scale";
    using layer_name = named<'s', 'c', 'a', 'l', 'e'>;
    static constexpr std::size_t min_inputs = 1, max_inputs = 1;
    static constexpr bool check_hyperparameters() { return true; }
    template <dims In> static constexpr bool accepts = true;
    template <dims In> static constexpr verdict check_inputs() { return verdict::accept(); }
    template <dims In> static constexpr dims output_shape = In;
    template <dims In> static constexpr std::int64_t params = 0;
#ifndef CTNN_SHOULD_FAIL
    template <dims In> static constexpr std::array<weight, 0> weights{};
#endif
    template <dims In> static constexpr layer_cost cost{};
};
static_assert(layer<Scale>);
static_assert(accepts<Scale, shape<8, 8, 3>>);

constexpr auto scaled() {
    auto x = Input<shape<8, 8, 3>, name<"in">>{}();
    return Model{x, Scale{}(x)};
}
constexpr auto model = scaled();
static_assert(decltype(model)::output_shape == shape<8, 8, 3>{});
}  // namespace
