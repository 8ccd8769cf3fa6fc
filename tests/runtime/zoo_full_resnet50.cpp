// The full-size keras.applications.ResNet50 (224×224, 1000 classes) run once: see zoo_full.hpp.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/models/resnet.hpp>

#include "zoo_full.hpp"

// Every block's Add and the ReLU after it fold into the block's last 1×1 convolution
// (graph/folding.hpp), whose epilogue adds the shortcut: 16 blocks.
static_assert(ctnn::folding<decltype(ctnn::models::ResNet50())>.residual_count == 16);

TEST_CASE("ResNet50 at 224x224 gives a probability vector, the same on 1 and 2 threads") {
    zoo_full::check_classifier(ctnn::models::ResNet50());
}
