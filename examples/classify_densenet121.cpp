// The classify example's DenseNet121: the model's one instantiation, in a file of its own.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/models/densenet.hpp>

#include "classify.hpp"

classify::result classify::run_densenet121(const request& r, const image_tensor& x) {
    return run(ctnn::models::DenseNet121(), r, x);
}
