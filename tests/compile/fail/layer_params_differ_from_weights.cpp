// A layer whose parameter rule and declared weights disagree (it counts a bias it does not
// declare): the summary and the weight files would disagree, so applying it is an error naming
// the layer and its input shape.
// expected-error {{layer_params_differ_from_its_weights<.*Affine, ?ctnn::shape<8, ?8, ?3> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace {
using namespace ctnn;

/// y = a·x + b per channel: weights "a" and "b", one per channel.
struct Affine : layer_base<Affine> {
    static constexpr std::string_view kind = "Affine";
    using layer_name = named<'a', 'f', 'f', 'i', 'n', 'e'>;
    static constexpr std::size_t min_inputs = 1, max_inputs = 1;
    static constexpr bool check_hyperparameters() { return true; }
    template <dims In> static constexpr bool accepts = true;
    template <dims In> static constexpr verdict check_inputs() { return verdict::accept(); }
    template <dims In> static constexpr dims output_shape = In;
    template <dims In> static constexpr std::int64_t params = 2 * In.channels;
#ifdef CTNN_SHOULD_FAIL
    template <dims In> static constexpr auto weights = weights_of(weight{"a", {In.channels}, 1});
#else
    template <dims In> static constexpr auto weights = weights_of(weight{"a", {In.channels}, 1}, weight{"b", {In.channels}, 1});
#endif
    template <dims In> static constexpr layer_cost cost{};
};

static_assert(accepts<Affine, shape<8, 8, 3>>);

constexpr auto affine() {
    auto x = Input<shape<8, 8, 3>, name<"in">>{}();
    return Model{x, Affine{}(x)};
}
constexpr auto model = affine();
static_assert(decltype(model)::total_params == 6);
}  // namespace
