// Looking up a layer FCN-8 does not have (its fully connected convs are conv6 and conv7).
// expected-error {{no_layer_with_this_name<ctnn::named<'c', ?'o', ?'n', ?'v', ?'8'> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/models/fcn8.hpp>

namespace {
using M = decltype(ctnn::models::fcn8<12>());
#ifdef CTNN_SHOULD_FAIL
static_assert(ctnn::node_named_t<M, "conv8">::output_shape.channels == 4096);
#else
static_assert(ctnn::node_named_t<M, "conv7">::output_shape.channels == 4096);
#endif
}  // namespace
