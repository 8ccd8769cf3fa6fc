// Bilinear upsampling on the CPU, as Keras' UpSampling2D(interpolation="bilinear") resizes on
// TensorFlow 2 and Keras 3: tf.image.resize with half-pixel centres and no antialiasing.
//
// Output row o samples input row s = (o + ½)·(n/L) − ½; it blends rows ⌊s⌋ and ⌈s⌉, clamped to
// [0, n − 1], by s − ⌊s⌋ (TensorFlow's compute_interpolation_weights, in float as it computes).
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <ctnn/runtime/tensor.hpp>

namespace ctnn::detail {

/// Where one output row (or column) reads: two input positions and the weight of the second.
struct lerp_tap {
    int lower = 0, upper = 0;
    float weight = 0.0f;
};

inline std::vector<lerp_tap> half_pixel_taps(int in, int out) {
    const float scale = static_cast<float>(in) / static_cast<float>(out);
    std::vector<lerp_tap> taps(static_cast<std::size_t>(out));
    for (int o = 0; o != out; ++o) {
        const float s = (static_cast<float>(o) + 0.5f) * scale - 0.5f;
        const float floor_s = std::floor(s);
        auto& t = taps[static_cast<std::size_t>(o)];
        t.lower = std::max(static_cast<int>(floor_s), 0);
        t.upper = std::min(static_cast<int>(std::ceil(s)), in - 1);
        t.weight = s - floor_s;
    }
    return taps;
}

[[gnu::noinline]] inline void upsample2d_bilinear(tensor_view x, tensor_view y) {
    const auto rows = half_pixel_taps(x.shape.height, y.shape.height), cols = half_pixel_taps(x.shape.width, y.shape.width);
    const int channels = y.shape.channels;
    for (int n = 0; n != y.batch; ++n)
        for (int h = 0; h != y.shape.height; ++h) {
            const auto& r = rows[static_cast<std::size_t>(h)];
            const float* top = x.sample(n) + std::int64_t{r.lower} * x.shape.width * channels;
            const float* bottom = x.sample(n) + std::int64_t{r.upper} * x.shape.width * channels;
            for (int w = 0; w != y.shape.width; ++w) {
                const auto& c = cols[static_cast<std::size_t>(w)];
                const float* tl = top + std::int64_t{c.lower} * channels;
                const float* tr = top + std::int64_t{c.upper} * channels;
                const float* bl = bottom + std::int64_t{c.lower} * channels;
                const float* br = bottom + std::int64_t{c.upper} * channels;
                float* dst = y.sample(n) + (std::int64_t{h} * y.shape.width + w) * channels;
                for (int k = 0; k != channels; ++k) {
                    const float t = tl[k] + (tr[k] - tl[k]) * c.weight;
                    const float b = bl[k] + (br[k] - bl[k]) * c.weight;
                    dst[k] = t + (b - t) * r.weight;
                }
            }
        }
}

}  // namespace ctnn::detail
