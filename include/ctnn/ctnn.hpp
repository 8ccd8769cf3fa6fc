// ctnn: compile-time neural networks. Umbrella header: layers, typed graphs, summaries.
#pragma once

#include <ctnn/graph/model.hpp>
#include <ctnn/graph/summary.hpp>
#include <ctnn/layers.hpp>
#include <ctnn/name.hpp>
#include <ctnn/options.hpp>
#include <ctnn/rules/rules.hpp>
#include <ctnn/shape.hpp>
