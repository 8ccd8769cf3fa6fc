// Shared by the zoo's PyTorch tests (zoo_oracle.cpp, zoo_oracle_densenet.cpp, two files so that the
// compiler builds them in parallel: each model is a few hundred layers): the sizes and widths
// tests/oracle/make_zoo_fixtures.py draws, and the fixture check.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/ctnn.hpp>
#include <ctnn/models/application.hpp>

#include "torch_fixture.hpp"

namespace zoo_oracle {

/// Keep in step with tests/oracle/make_zoo_fixtures.py.
constexpr ctnn::models::application small(int divisor) {
    return {.include_top = true, .classes = 10, .input_shape = {64, 64, 3}, .width_divisor = divisor};
}

}  // namespace zoo_oracle
