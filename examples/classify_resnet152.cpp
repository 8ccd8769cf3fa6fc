// The classify example's ResNet152: the model's one instantiation, in a file of its own.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/models/resnet.hpp>

#include "classify.hpp"

classify::result classify::run_resnet152(const request& r, const image_tensor& x) {
    return run(ctnn::models::ResNet152(), r, x);
}
