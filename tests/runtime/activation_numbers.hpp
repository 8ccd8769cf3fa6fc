// reference::activate's numbering of activations (0 linear, 1 ReLU, 2 sigmoid, 3 tanh, 4 ReLU6,
// 5 hard sigmoid, 6 hard SiLU) as ctnn's activation_kind: the drawn kernel tests, the layer
// checks and the instruction-set tests name an activation by its number and hand the kernel its
// kind. Held here once, apart from layer_check.hpp, which the instruction-set tests do not build.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/options.hpp>

namespace reference {

/// The kind reference::activate's `act` computes.
inline ctnn::activation_kind kind_of(int act) {
    switch (act) {
        case 1: return ctnn::activation_kind::relu;
        case 2: return ctnn::activation_kind::sigmoid;
        case 3: return ctnn::activation_kind::tanh;
        case 4: return ctnn::activation_kind::relu6;
        case 5: return ctnn::activation_kind::hard_sigmoid;
        case 6: return ctnn::activation_kind::hard_silu;
        default: return ctnn::activation_kind::linear;
    }
}

}  // namespace reference
