// A layer written outside ctnn whose check_inputs answers a bare bool: it could reject a shape
// without saying why, leaving the model silently invalid. Applying it names the layer and what
// check_inputs must return; the control returns a verdict made by CTNN_CHECK.
// expected-error {{layer_lacks_member<.*Halve.*ctnn::error::member::check_inputs_returning_a_verdict ?>}}
// expected-error-count {{1}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

namespace ctnn::error {
template <class Layer, class Shape> struct halve_needs_even_height_and_width;
}

namespace {
using namespace ctnn;

/// Keeps every second row and column; needs an even height and width.
struct Halve : layer_base<Halve>, no_weights {
    static constexpr std::string_view kind = "Halve";
    using layer_name = named<'h', 'a', 'l', 'v', 'e'>;
    static constexpr std::size_t min_inputs = 1, max_inputs = 1;
    static constexpr bool check_hyperparameters() { return true; }
    template <dims In> static constexpr bool accepts = In.height % 2 == 0 && In.width % 2 == 0;
#ifdef CTNN_SHOULD_FAIL
    template <dims In> static constexpr bool check_inputs() { return accepts<In>; }
#else
    template <dims In>
    static constexpr verdict check_inputs() {
        return CTNN_CHECK(accepts<In>, "Halve needs an even height and width",
                          error::halve_needs_even_height_and_width<Halve, shape_of<In>>);
    }
#endif
    template <dims In> static constexpr dims output_shape{In.height / 2, In.width / 2, In.channels};
    template <dims In> static constexpr std::int64_t params = 0;
};

constexpr auto halved() {
    auto x = Input<shape<8, 8, 3>, name<"in">>{}();
    return Model{x, Halve{}(x)};
}
constexpr auto model = halved();
static_assert(decltype(model)::output_shape == shape<4, 4, 3>{});
}  // namespace
