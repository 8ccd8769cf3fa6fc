// The classify example's VGG16: the model's one instantiation, in a file of its own.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/models/vgg16.hpp>

#include "classify.hpp"

classify::result classify::run_vgg16(const request& r, const image_tensor& x) {
    return run(ctnn::models::VGG16(), r, x);
}
