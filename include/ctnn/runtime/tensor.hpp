// Tensors: a batch of samples of one static shape (NHWC, float32), the batch size chosen at run
// time. A model takes and returns tensors whose shapes are its input's and output's types.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <ctnn/shape.hpp>

namespace ctnn {

namespace detail {
/// 64-byte aligned float storage (a cache line; what AVX-512 loads want). Arrays of 2 MiB or more
/// (kernels, the activation arena) start on a 2 MiB boundary and ask Linux for transparent huge
/// pages over their whole 2 MiB pages: a product streaming conv6's 8 MB per-tap kernels from
/// memory ran 10-20% faster (fewer TLB misses, prefetching not stopped at every 4 KiB). The
/// tail's partial page keeps small pages, so memory use does not grow (an activation arena
/// takes whole pages: whole_huge_pages). From 4 MiB, as it was, MobileNetV2's arena of 3.2 MB
/// kept small pages, and its first convolution, over 112×112 maps, ran 6-14% slower than with a
/// 6.8 MB arena.
struct free_aligned {
    std::size_t align = 64;
    void operator()(float* p) const { ::operator delete[](p, std::align_val_t{align}); }
};
struct aligned_floats {
    static constexpr std::size_t huge_page = std::size_t{1} << 21;
    static constexpr std::size_t alignment(std::size_t n) { return n * sizeof(float) >= huge_page ? huge_page : 64; }
    std::unique_ptr<float[], free_aligned> data;
    std::size_t size = 0;

    aligned_floats() = default;
    explicit aligned_floats(std::size_t n) : data(allocate(n), free_aligned{alignment(n)}), size(n) {}

    /// `n` floats rounded up to whole huge pages where they fill one: the size of an activation
    /// arena, every part of which a prediction writes, so that its tail gets a huge page too, at
    /// the cost of one page at most. (MobileNetV2's arena, 3.2 MB, had 1.2 MB of small pages,
    /// where its first depthwise layer writes the second half of its output: on 2 threads that
    /// layer took 0.120-0.127 ms, and 0.111-0.113 with the arena on huge pages throughout.)
    static constexpr std::size_t whole_huge_pages(std::size_t n) {
        constexpr std::size_t page = huge_page / sizeof(float);
        return n < page ? n : (n + page - 1) / page * page;
    }

private:
    static float* allocate(std::size_t n) {
        if (n == 0) return nullptr;
        auto* p = static_cast<float*>(::operator new[](n * sizeof(float), std::align_val_t{alignment(n)}));
#if defined(__linux__) && defined(MADV_HUGEPAGE)
        // Advice only: where transparent huge pages are off, nothing changes.
        if (alignment(n) == huge_page) ::madvise(p, n * sizeof(float) / huge_page * huge_page, MADV_HUGEPAGE);
#endif
        return p;
    }
};
}  // namespace detail

/// A view of a batch of NHWC samples: what the kernels see. Their dimensions are run-time
/// values, so that kernels are compiled once, whatever the shapes of a model.
struct tensor_view {
    float* data;
    int batch;
    dims shape;

    std::int64_t sample_size() const { return shape.size(); }
    float* sample(int n) const { return data + n * sample_size(); }
};

/// A batch of samples of shape `Shape` (`shape<H, W, C>`, `shape<W, C>` or `shape<n>`),
/// zero-initialised. Lower ranks lie in memory as maps of height and width 1 (shape.hpp), so
/// (n, 0, 0, i) is element i of vector n; `t(n, i)` and `t(n, w, c)` say it directly.
template <class Shape>
class tensor {
public:
    static constexpr dims shape = Shape::value;
    using shape_type = Shape;

    explicit tensor(int batch = 1) : batch_(check_batch(batch)), storage_(static_cast<std::size_t>(batch) * shape.size()) {
        if (storage_.size != 0) std::memset(storage_.data.get(), 0, storage_.size * sizeof(float));
    }

    int batch() const { return batch_; }
    std::size_t size() const { return storage_.size; }
    float* data() { return storage_.data.get(); }
    const float* data() const { return storage_.data.get(); }
    float* begin() { return data(); }
    float* end() { return data() + size(); }
    const float* begin() const { return data(); }
    const float* end() const { return data() + size(); }

    /// Element (n, h, w, c), unchecked, as NHWC memory lays it out.
    float& operator()(int n, int h, int w, int c) { return data()[index(n, h, w, c)]; }
    float operator()(int n, int h, int w, int c) const { return data()[index(n, h, w, c)]; }

    /// Element i of sample n of a vector, or (w, c) of a rank-2 sample; unchecked.
    float& operator()(int n, int i)
        requires(Shape::value.rank == 1)
    {
        return data()[index(n, 0, 0, i)];
    }
    float operator()(int n, int i) const
        requires(Shape::value.rank == 1)
    {
        return data()[index(n, 0, 0, i)];
    }
    float& operator()(int n, int w, int c)
        requires(Shape::value.rank == 2)
    {
        return data()[index(n, 0, w, c)];
    }
    float operator()(int n, int w, int c) const
        requires(Shape::value.rank == 2)
    {
        return data()[index(n, 0, w, c)];
    }

    /// Element (n, h, w, c), checked: throws std::out_of_range naming the index and the shape.
    float& at(int n, int h, int w, int c) {
        check(n, h, w, c);
        return (*this)(n, h, w, c);
    }
    float at(int n, int h, int w, int c) const {
        check(n, h, w, c);
        return (*this)(n, h, w, c);
    }

    tensor_view view() { return {data(), batch_, shape}; }
    tensor_view view() const { return {const_cast<float*>(data()), batch_, shape}; }

private:
    static int check_batch(int batch) {
        if (batch < 1) throw std::invalid_argument("ctnn::tensor: batch size must be at least 1, got " + std::to_string(batch));
        return batch;
    }
    static std::size_t index(int n, int h, int w, int c) {
        return ((static_cast<std::size_t>(n) * static_cast<std::size_t>(shape.height) + static_cast<std::size_t>(h)) *
                    static_cast<std::size_t>(shape.width) +
                static_cast<std::size_t>(w)) *
                   static_cast<std::size_t>(shape.channels) +
               static_cast<std::size_t>(c);
    }
    void check(int n, int h, int w, int c) const {
        if (n < 0 || n >= batch_ || h < 0 || h >= shape.height || w < 0 || w >= shape.width || c < 0 || c >= shape.channels)
            throw std::out_of_range("ctnn::tensor: index (" + std::to_string(n) + ", " + std::to_string(h) + ", " +
                                    std::to_string(w) + ", " + std::to_string(c) + ") is outside (" + std::to_string(batch_) +
                                    ", " + std::to_string(shape.height) + ", " + std::to_string(shape.width) + ", " +
                                    std::to_string(shape.channels) + ")");
    }

    int batch_;
    detail::aligned_floats storage_;
};

}  // namespace ctnn
