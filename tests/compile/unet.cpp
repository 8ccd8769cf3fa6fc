// The 2015 U-Net, proven: the paper's figure 1 shapes (572 → 388, each skip cropped to the
// upsampled map) and its parameter count, worked out by hand from the figure: per 3×3 conv
// 9·cin·cout + cout, per 2×2 up-conv 4·cin·cout + cout.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/models/unet.hpp>

namespace {
using namespace ctnn;

constexpr auto unet = models::UNet();
using M = decltype(unet);

template <fixed_string S>
constexpr dims at = node_named_t<M, S>::output_shape;

constexpr long long conv3(long long cin, long long cout) { return 9 * cin * cout + cout; }
constexpr long long up2(long long cin, long long cout) { return 4 * cin * cout + cout; }

static_assert(expect_shape<M::input_shape, shape<572, 572, 1>{}>);
static_assert(expect_shape<M::output_shape, shape<388, 388, 2>{}>);
// Down: 572 → 570 → 568 → 284 → 282 → 280 → 140 → 138 → 136 → 68 → 66 → 64 → 32 → 30 → 28.
static_assert(expect_shape<at<"conv1_1">, shape<570, 570, 64>{}>);
static_assert(expect_shape<at<"conv1_2">, shape<568, 568, 64>{}>);
static_assert(expect_shape<at<"pool1">, shape<284, 284, 64>{}>);
static_assert(expect_shape<at<"conv2_2">, shape<280, 280, 128>{}>);
static_assert(expect_shape<at<"conv3_2">, shape<136, 136, 256>{}>);
static_assert(expect_shape<at<"conv4_2">, shape<64, 64, 512>{}>);
static_assert(expect_shape<at<"pool4">, shape<32, 32, 512>{}>);
static_assert(expect_shape<at<"conv5_1">, shape<30, 30, 1024>{}>);
static_assert(expect_shape<at<"conv5_2">, shape<28, 28, 1024>{}>);
// Up: 28 → 56 (crop 64 → 56) → 52 → 104 (crop 136 → 104) → 100 → 200 (280 → 200) → 196 →
// 392 (568 → 392) → 388.
static_assert(expect_shape<at<"up4">, shape<56, 56, 512>{}>);
static_assert(expect_shape<at<"crop4">, shape<56, 56, 512>{}>);
static_assert(expect_shape<at<"concat4">, shape<56, 56, 1024>{}>);
static_assert(expect_shape<at<"conv6_2">, shape<52, 52, 512>{}>);
static_assert(expect_shape<at<"crop3">, shape<104, 104, 256>{}>);
static_assert(expect_shape<at<"conv7_2">, shape<100, 100, 256>{}>);
static_assert(expect_shape<at<"crop2">, shape<200, 200, 128>{}>);
static_assert(expect_shape<at<"conv8_2">, shape<196, 196, 128>{}>);
static_assert(expect_shape<at<"crop1">, shape<392, 392, 64>{}>);
static_assert(expect_shape<at<"conv9_2">, shape<388, 388, 64>{}>);

constexpr long long expected_params =
    conv3(1, 64) + conv3(64, 64) + conv3(64, 128) + conv3(128, 128) + conv3(128, 256) + conv3(256, 256) +
    conv3(256, 512) + conv3(512, 512) + conv3(512, 1024) + conv3(1024, 1024) +                         // down
    up2(1024, 512) + conv3(1024, 512) + conv3(512, 512) + up2(512, 256) + conv3(512, 256) + conv3(256, 256) +
    up2(256, 128) + conv3(256, 128) + conv3(128, 128) + up2(128, 64) + conv3(128, 64) + conv3(64, 64) +  // up
    (64 * 2 + 2);                                                                                       // 1×1
static_assert(expected_params == 31'030'658);  // the figure
static_assert(M::total_params == expected_params);
static_assert(M::trainable_params == expected_params && M::non_trainable_params == 0);
static_assert(M::layer_count == 36);  // input, 14 down, 4 × (up, crop, concat, 2 convs), 1×1
}  // namespace

int main() {}
