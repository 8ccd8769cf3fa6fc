// A real-valued option that is not a number does not compile; the error names why.
// expected-error {{number_literal_is_malformed|non-type template argument is not a constant expression}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/number.hpp>

namespace {
template <ctnn::number V>
struct epsilon_like {
    static constexpr ctnn::number value = V;
};
#ifdef CTNN_SHOULD_FAIL
[[maybe_unused]] constexpr auto value = epsilon_like<"1e-3.5">::value;
#else
[[maybe_unused]] constexpr auto value = epsilon_like<"1e-3">::value;
#endif
}  // namespace
