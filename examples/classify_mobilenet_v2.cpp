// The classify example's MobileNetV2: the model's one instantiation, in a file of its own.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/models/mobilenet_v2.hpp>

#include "classify.hpp"

classify::result classify::run_mobilenet_v2(const request& r, const image_tensor& x) {
    return run(ctnn::models::MobileNetV2(), r, x);
}
