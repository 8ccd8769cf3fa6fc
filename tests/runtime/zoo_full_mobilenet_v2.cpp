// The full-size keras.applications.MobileNetV2 (224×224, 1000 classes) run once: see zoo_full.hpp.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/models/mobilenet_v2.hpp>

#include "zoo_full.hpp"

// Each of the 10 blocks that keep their input's shape adds it to its projection: the Add
// folds into the projecting 1×1 convolution (graph/folding.hpp).
static_assert(ctnn::folding<decltype(ctnn::models::MobileNetV2())>.residual_count == 10);

TEST_CASE("MobileNetV2 at 224x224 gives a probability vector, the same on 1 and 2 threads") {
    zoo_full::check_classifier(ctnn::models::MobileNetV2());
}
