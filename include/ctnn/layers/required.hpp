// A required option: Keras keywords without a default (Dense's units aside, which is positional),
// such as Reshape's target_shape, Dropout's rate or Rescaling's scale.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/error.hpp>
#include <ctnn/options.hpp>

namespace ctnn::detail {

/// Reports `option_required<Layer, Kind>` unless an option of kind `Kind` is among `Options`.
template <class Layer, class Kind, class... Options>
constexpr bool require_option() {
    constexpr bool given = count_kind<Kind, Options...> == 1;
    CTNN_REQUIRE(given, "this layer needs the option the line above names (Keras gives it no default)",
                 error::option_required<Layer, Kind>);
    return given;
}

/// Stands in for a required number option that was not given, so that one diagnostic is printed.
struct missing_number {
    static constexpr number value{0};
};

}  // namespace ctnn::detail
