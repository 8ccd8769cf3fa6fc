// Every layer ctnn provides.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/layers/activation.hpp>
#include <ctnn/layers/batch_normalization.hpp>
#include <ctnn/layers/conv2d.hpp>
#include <ctnn/layers/conv2d_transpose.hpp>
#include <ctnn/layers/cropping2d.hpp>
#include <ctnn/layers/dense.hpp>
#include <ctnn/layers/depthwise_conv2d.hpp>
#include <ctnn/layers/dropout.hpp>
#include <ctnn/layers/elu.hpp>
#include <ctnn/layers/flatten.hpp>
#include <ctnn/layers/global_pooling.hpp>
#include <ctnn/layers/input.hpp>
#include <ctnn/layers/merge.hpp>
#include <ctnn/layers/pooling.hpp>
#include <ctnn/layers/prelu.hpp>
#include <ctnn/layers/relu.hpp>
#include <ctnn/layers/rescaling.hpp>
#include <ctnn/layers/reshape.hpp>
#include <ctnn/layers/separable_conv2d.hpp>
#include <ctnn/layers/softmax.hpp>
#include <ctnn/layers/up_sampling2d.hpp>
#include <ctnn/layers/zero_padding2d.hpp>
