// ctnn: compile-time neural networks. Umbrella header: the compile-time core (layers, typed
// graphs, summaries) and the CPU runtime that executes them.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/core.hpp>
#include <ctnn/runtime/network.hpp>
#include <ctnn/runtime/tensor.hpp>
