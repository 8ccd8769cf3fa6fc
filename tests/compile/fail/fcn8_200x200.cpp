// FCN-8 on a 200×200 input (not a multiple of 32): pool3 is 25×25, but pool5's 6×6 comes back as
// 6 → 14 → 12 → 26 → 24, so the second skip Add sees 24×24×12 against 25×25×12.
// expected-error {{add_inputs_have_different_shapes<ctnn::Add<ctnn::named<'a', ?'d', ?'d', ?'_', ?'1'> ?>, ?ctnn::shape<24, ?24, ?12>, ?ctnn::shape<25, ?25, ?12> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/models/fcn8.hpp>

namespace {
#ifdef CTNN_SHOULD_FAIL
[[maybe_unused]] constexpr auto model = ctnn::models::fcn8<12, 200, 200>();
#else
[[maybe_unused]] constexpr auto model = ctnn::models::fcn8<12, 224, 224>();
#endif
}  // namespace
