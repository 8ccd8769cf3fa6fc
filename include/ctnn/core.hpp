// ctnn's compile-time core: shapes, layers, typed graphs, summaries. Needs no Eigen, so that
// code that only builds and checks models compiles fast.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/graph/batch_schedule.hpp>
#include <ctnn/graph/memory_plan.hpp>
#include <ctnn/graph/model.hpp>
#include <ctnn/graph/summary.hpp>
#include <ctnn/layers.hpp>
#include <ctnn/name.hpp>
#include <ctnn/number.hpp>
#include <ctnn/options.hpp>
#include <ctnn/rules/rules.hpp>
#include <ctnn/shape.hpp>
