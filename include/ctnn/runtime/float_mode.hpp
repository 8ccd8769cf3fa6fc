// The floating-point mode a prediction computes in: denormal numbers flushed to zero, rounding to
// nearest, as TensorFlow (Keras' runtime) sets on the threads that run its CPU kernels. A
// multiply-add with a denormal operand takes a microcode assist on Intel CPUs: PP-OCRv4's last
// 5×5 depthwise layer, whose trained kernel holds 24 denormal values among 9,600, took 0.62 ms
// where its twin of the same shapes took 0.20 (1 thread, Intel Xeon); flushed, 0.20. The values
// change only below 1.2e-38, where a float has lost most of its precision anyway.
//
// network::run sets this mode on the calling thread for the kernels and puts the thread's own
// back after; parallel.hpp's workers take the calling thread's mode with each section. Only
// x86 (SSE's MXCSR) is set; elsewhere the mode is the thread's own.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cstdint>

#if defined(__x86_64__) || (defined(__i386__) && defined(__SSE__))
#include <immintrin.h>
#define CTNN_FLOAT_MODE_MXCSR 1
#endif

namespace ctnn::detail {

/// The control bits of the calling thread's floating-point mode (MXCSR without its sticky
/// exception flags, which every computation sets), or 0 where it is not read.
inline std::uint32_t float_mode() {
#ifdef CTNN_FLOAT_MODE_MXCSR
    return _mm_getcsr() & ~std::uint32_t{0x3f};
#else
    return 0;
#endif
}

/// Sets the control bits `mode` (from float_mode) on the calling thread, keeping its flags.
inline void set_float_mode([[maybe_unused]] std::uint32_t mode) {
#ifdef CTNN_FLOAT_MODE_MXCSR
    const std::uint32_t now = _mm_getcsr();
    if ((now & ~std::uint32_t{0x3f}) != mode) _mm_setcsr((now & 0x3f) | mode);
#endif
}

#ifdef CTNN_FLOAT_MODE_MXCSR
/// Whether this CPU has MXCSR's denormals-are-zero bit (every x86-64 CPU with AVX does; a few of
/// the first SSE2 ones do not, and setting it there faults): the mask FXSAVE stores says.
inline bool denormals_are_zero_supported() {
    static const bool supported = [] {
        alignas(16) unsigned char area[512] = {};
        __asm__ volatile("fxsave %0" : "=m"(area));
        const std::uint32_t mask = std::uint32_t{area[28]} | std::uint32_t{area[29]} << 8 | std::uint32_t{area[30]} << 16 |
                                   std::uint32_t{area[31]} << 24;
        return ((mask == 0 ? 0xffbfu : mask) & 0x40u) != 0;
    }();
    return supported;
}
#endif

/// The mode a prediction computes in, from the thread's `mode`: denormal results flushed to zero
/// (FTZ) and denormal operands read as zero (DAZ, where the CPU has it), rounding to nearest.
inline std::uint32_t prediction_float_mode(std::uint32_t mode) {
#ifdef CTNN_FLOAT_MODE_MXCSR
    constexpr std::uint32_t flush_to_zero = 0x8000, denormals_are_zero = 0x40, rounding = 0x6000;
    return (mode & ~rounding) | flush_to_zero | (denormals_are_zero_supported() ? denormals_are_zero : 0);
#else
    return mode;
#endif
}

/// Sets the prediction's mode on the calling thread for its lifetime, then puts the thread's back.
class prediction_float_scope {
public:
    prediction_float_scope() : saved_(float_mode()) { set_float_mode(prediction_float_mode(saved_)); }
    prediction_float_scope(const prediction_float_scope&) = delete;
    prediction_float_scope& operator=(const prediction_float_scope&) = delete;
    ~prediction_float_scope() { set_float_mode(saved_); }

private:
    std::uint32_t saved_;
};

}  // namespace ctnn::detail
