// Naive direct-loop references for every layer, written from the definitions in Keras/TF's
// documentation (not from ctnn's kernels or rules), for the kernel tests to compare against.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace reference {

/// Row-major flat index of (a, b, c, d) in an array of extents (·, B, C, D).
inline std::size_t flat(int a, int b, int c, int d, int B, int C, int D) {
    const auto u = [](int v) { return static_cast<std::size_t>(v); };
    return ((u(a) * u(B) + u(b)) * u(C) + u(c)) * u(D) + u(d);
}

/// A plain NHWC array.
struct array4 {
    int n = 0, h = 0, w = 0, c = 0;
    std::vector<float> v;

    array4() = default;
    array4(int n_, int h_, int w_, int c_) : n(n_), h(h_), w(w_), c(c_), v(flat(n_, 0, 0, 0, h_, w_, c_)) {}
    float& operator()(int a, int b, int d, int e) { return v[index(a, b, d, e)]; }
    float operator()(int a, int b, int d, int e) const { return v[index(a, b, d, e)]; }
    std::size_t index(int a, int b, int d, int e) const { return flat(a, b, d, e, h, w, c); }
};

inline void fill_random(std::vector<float>& v, std::uint32_t seed, float scale = 1.0f) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-scale, scale);
    for (auto& x : v) x = u(rng);
}

// --- Output lengths, from Keras' conv_utils ----------------------------------------------------
inline int conv_length(int n, int k, int s, int d, bool same) {
    const int ke = (k - 1) * d + 1;
    return same ? (n + s - 1) / s : (n - ke) / s + 1;
}
/// TF's `same`: total padding max((out − 1)·s + k′ − n, 0), the smaller half first.
inline int same_pad_before(int n, int k, int s, int d) {
    const int ke = (k - 1) * d + 1, out = (n + s - 1) / s;
    return std::max((out - 1) * s + ke - n, 0) / 2;
}
/// Keras' deconv_output_length; op < 0 means output_padding=None.
inline int deconv_length(int n, int k, int s, int d, bool same, int op) {
    const int ke = (k - 1) * d + 1;
    if (op < 0) return same ? n * s : n * s + std::max(ke - s, 0);
    const int pad = same ? ke / 2 : 0;
    return (n - 1) * s + ke - 2 * pad + op;
}

/// Rows of the full scatter result of a transposed convolution, (n − 1)·s + k′ long, before its
/// output window: with `same`, the smaller half of what the output leaves out; none with `valid`.
inline int deconv_cut_before(int n, int k, int s, int d, bool same, int op) {
    const int full = (n - 1) * s + (k - 1) * d + 1;
    return same ? std::max(full - deconv_length(n, k, s, d, same, op), 0) / 2 : 0;
}

// 0 linear, 1 relu, 2 sigmoid, 3 tanh, 4 relu6, 5 hard sigmoid, 6 hard SiLU (Keras 3's: the
// hard sigmoid as x/6 + 1/2 clipped to [0, 1], not as ctnn writes it, relu6(x + 3)/6)
inline float activate(float v, int kind) {
    switch (kind) {
        case 1: return std::max(v, 0.0f);
        case 4: return std::min(std::max(v, 0.0f), 6.0f);
        case 5: return std::clamp(v / 6.0f + 0.5f, 0.0f, 1.0f);
        case 6: return v * std::clamp(v / 6.0f + 0.5f, 0.0f, 1.0f);
        case 2: return 1.0f / (1.0f + std::exp(-v));
        case 3: return std::tanh(v);
        default: return v;
    }
}

/// y[n,oh,ow,co] = b[co] + Σ x[n, oh·s + kh·d − pt, ow·s + kw·d − pl, ci] · K[kh,kw,ci,co]
inline array4 conv2d(const array4& x, const std::vector<float>& kernel, const std::vector<float>& bias, int kh, int kw,
                     int cout, int sh, int sw, int dh, int dw, bool same, int act) {
    const int oh_n = conv_length(x.h, kh, sh, dh, same), ow_n = conv_length(x.w, kw, sw, dw, same);
    const int pt = same ? same_pad_before(x.h, kh, sh, dh) : 0, pl = same ? same_pad_before(x.w, kw, sw, dw) : 0;
    array4 y(x.n, oh_n, ow_n, cout);
    for (int n = 0; n < x.n; ++n)
        for (int oh = 0; oh < oh_n; ++oh)
            for (int ow = 0; ow < ow_n; ++ow)
                for (int co = 0; co < cout; ++co) {
                    double acc = bias.empty() ? 0.0 : bias[static_cast<std::size_t>(co)];
                    for (int i = 0; i < kh; ++i)
                        for (int j = 0; j < kw; ++j) {
                            const int ih = oh * sh + i * dh - pt, iw = ow * sw + j * dw - pl;
                            if (ih < 0 || ih >= x.h || iw < 0 || iw >= x.w) continue;
                            for (int ci = 0; ci < x.c; ++ci)
                                acc += double(x(n, ih, iw, ci)) *
                                       kernel[flat(i, j, ci, co, kw, x.c, cout)];
                        }
                    y(n, oh, ow, co) = activate(static_cast<float>(acc), act);
                }
    return y;
}

/// The gradient of conv2d with respect to its input: scatter into the full result of length
/// (n − 1)·s + k′, then keep the window [pt, pt + L).
inline array4 conv2d_transpose(const array4& x, const std::vector<float>& kernel, const std::vector<float>& bias, int kh,
                               int kw, int cout, int sh, int sw, int dh, int dw, bool same, int oph, int opw, int act) {
    const int keh = (kh - 1) * dh + 1, kew = (kw - 1) * dw + 1;
    const int fh = (x.h - 1) * sh + keh, fw = (x.w - 1) * sw + kew;
    const int lh = deconv_length(x.h, kh, sh, dh, same, oph), lw = deconv_length(x.w, kw, sw, dw, same, opw);
    const int pt = deconv_cut_before(x.h, kh, sh, dh, same, oph), pl = deconv_cut_before(x.w, kw, sw, dw, same, opw);
    array4 full(x.n, std::max(fh, pt + lh), std::max(fw, pl + lw), cout);
    for (int n = 0; n < x.n; ++n)
        for (int ih = 0; ih < x.h; ++ih)
            for (int iw = 0; iw < x.w; ++iw)
                for (int i = 0; i < kh; ++i)
                    for (int j = 0; j < kw; ++j)
                        for (int co = 0; co < cout; ++co) {
                            double acc = 0;
                            for (int ci = 0; ci < x.c; ++ci)
                                acc += double(x(n, ih, iw, ci)) *
                                       kernel[flat(i, j, co, ci, kw, cout, x.c)];
                            full(n, ih * sh + i * dh, iw * sw + j * dw, co) += static_cast<float>(acc);
                        }
    array4 y(x.n, lh, lw, cout);
    for (int n = 0; n < x.n; ++n)
        for (int h = 0; h < lh; ++h)
            for (int w = 0; w < lw; ++w)
                for (int co = 0; co < cout; ++co)
                    y(n, h, w, co) = activate(full(n, h + pt, w + pl, co) + (bias.empty() ? 0.0f : bias[static_cast<std::size_t>(co)]), act);
    return y;
}

/// Pooling over the real cells of each window (TF ignores `same` padding cells).
inline array4 pool2d(const array4& x, int ph, int pw, int sh, int sw, bool same, bool average) {
    const int oh_n = conv_length(x.h, ph, sh, 1, same), ow_n = conv_length(x.w, pw, sw, 1, same);
    const int pt = same ? same_pad_before(x.h, ph, sh, 1) : 0, pl = same ? same_pad_before(x.w, pw, sw, 1) : 0;
    array4 y(x.n, oh_n, ow_n, x.c);
    for (int n = 0; n < x.n; ++n)
        for (int oh = 0; oh < oh_n; ++oh)
            for (int ow = 0; ow < ow_n; ++ow)
                for (int c = 0; c < x.c; ++c) {
                    double acc = average ? 0.0 : -std::numeric_limits<double>::infinity();
                    int count = 0;
                    for (int i = 0; i < ph; ++i)
                        for (int j = 0; j < pw; ++j) {
                            const int ih = oh * sh + i - pt, iw = ow * sw + j - pl;
                            if (ih < 0 || ih >= x.h || iw < 0 || iw >= x.w) continue;
                            ++count;
                            acc = average ? acc + x(n, ih, iw, c) : std::max(acc, double(x(n, ih, iw, c)));
                        }
                    y(n, oh, ow, c) = static_cast<float>(average ? acc / count : acc);
                }
    return y;
}

inline array4 crop(const array4& x, int t, int b, int l, int r) {
    array4 y(x.n, x.h - t - b, x.w - l - r, x.c);
    for (int n = 0; n < y.n; ++n)
        for (int h = 0; h < y.h; ++h)
            for (int w = 0; w < y.w; ++w)
                for (int c = 0; c < y.c; ++c) y(n, h, w, c) = x(n, h + t, w + l, c);
    return y;
}

inline array4 zero_pad(const array4& x, int t, int b, int l, int r) {
    array4 y(x.n, x.h + t + b, x.w + l + r, x.c);
    for (int n = 0; n < x.n; ++n)
        for (int h = 0; h < x.h; ++h)
            for (int w = 0; w < x.w; ++w)
                for (int c = 0; c < x.c; ++c) y(n, h + t, w + l, c) = x(n, h, w, c);
    return y;
}

inline array4 upsample(const array4& x, int fh, int fw) {
    array4 y(x.n, x.h * fh, x.w * fw, x.c);
    for (int n = 0; n < y.n; ++n)
        for (int h = 0; h < y.h; ++h)
            for (int w = 0; w < y.w; ++w)
                for (int c = 0; c < y.c; ++c) y(n, h, w, c) = x(n, h / fh, w / fw, c);
    return y;
}

inline array4 softmax_channels(const array4& x) {
    array4 y = x;
    for (int n = 0; n < x.n; ++n)
        for (int h = 0; h < x.h; ++h)
            for (int w = 0; w < x.w; ++w) {
                double top = -std::numeric_limits<double>::infinity(), sum = 0;
                for (int c = 0; c < x.c; ++c) top = std::max(top, double(x(n, h, w, c)));
                for (int c = 0; c < x.c; ++c) sum += std::exp(double(x(n, h, w, c)) - top);
                for (int c = 0; c < x.c; ++c) y(n, h, w, c) = static_cast<float>(std::exp(double(x(n, h, w, c)) - top) / sum);
            }
    return y;
}

}  // namespace reference
