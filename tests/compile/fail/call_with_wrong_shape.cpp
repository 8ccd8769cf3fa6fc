// Calling FCN-8 (224×224×3) with a 200×200×3 tensor: the model takes only its input's shape.
// expected-error {{model_called_with_wrong_shape<ctnn::shape<224, ?224, ?3>, ?ctnn::shape<200, ?200, ?3> ?>}}
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/ctnn.hpp>
#include <ctnn/models/fcn8.hpp>

namespace {
[[maybe_unused]] void run(ctnn::network<decltype(ctnn::models::fcn8<12>())>& net) {
#ifdef CTNN_SHOULD_FAIL
    ctnn::tensor<ctnn::shape<200, 200, 3>> image(1);
#else
    ctnn::tensor<ctnn::shape<224, 224, 3>> image(1);
#endif
    [[maybe_unused]] auto probabilities = net(image);
}
}  // namespace
