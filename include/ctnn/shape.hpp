// The static shape of one sample, without the batch axis: a vector (n), a rank-2 tensor (W, C)
// or a map (H, W, C), NHWC.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cstdint>

namespace ctnn {

/// A shape as a value, for constexpr arithmetic. The batch size is not part of it: it is chosen
/// at run time, like Keras' `None`.
///
/// `dims{h, w, c}` is a map (rank 3). Lower ranks keep their axes at the end, so that a vector of
/// n lies in memory exactly as a 1×1×n map and a (W, C) tensor as a 1×W×C map, and no kernel needs
/// to know the rank; the rank still tells them apart as shapes (`vector_dims(8) != dims{1, 1, 8}`).
/// The last axis, the one Dense and Softmax act on, is always `channels`.
struct dims {
    int height = 0;
    int width = 0;
    int channels = 0;
    int rank = 3;

    constexpr std::int64_t size() const {
        return std::int64_t{height} * width * channels;
    }
    friend constexpr bool operator==(const dims&, const dims&) = default;
};

/// A vector of `n` values per sample (Keras' `(None, n)`).
constexpr dims vector_dims(int n) { return {1, 1, n, 1}; }
/// A rank-2 sample of `w` steps of `c` values (Keras' `(None, w, c)`).
constexpr dims rank2_dims(int w, int c) { return {1, w, c, 2}; }

namespace detail {
template <int... D>
constexpr dims dims_from() {
    constexpr int v[] = {D...};
    if constexpr (sizeof...(D) == 1) return vector_dims(v[0]);
    else if constexpr (sizeof...(D) == 2) return rank2_dims(v[0], v[1]);
    else return dims{v[0], v[1], v[2]};
}
}  // namespace detail

/// A shape as a type, so that it appears in numbers in diagnostics: `shape<4096>` (a vector),
/// `shape<W, C>` (rank 2), `shape<16, 16, 12>` (a map).
template <int... D>
struct shape {
    static_assert(sizeof...(D) >= 1 && sizeof...(D) <= 3,
                  "shape<n>, shape<W, C> or shape<H, W, C>: ctnn's samples have one to three axes");
    static constexpr dims value = detail::dims_from<D...>();
    constexpr operator dims() const { return value; }
};

namespace detail {
// Through a class rather than directly in the alias: GCC 12 crashes on member access of a
// dependent class-type template argument inside an alias template. Named apart from the alias
// below, which code inside namespace detail would otherwise not see.
template <int Rank, int H, int W, int C>
struct shape_by_rank {
    using type = shape<H, W, C>;
};
template <int H, int W, int C>
struct shape_by_rank<2, H, W, C> {
    using type = shape<W, C>;
};
template <int H, int W, int C>
struct shape_by_rank<1, H, W, C> {
    using type = shape<C>;
};
template <dims D>
struct shape_type_of {
    using type = typename shape_by_rank<D.rank, D.height, D.width, D.channels>::type;
};
}  // namespace detail

/// The shape type of a shape value, by its rank: `shape_of<dims{14, 14, 12}>` is
/// `shape<14, 14, 12>`, `shape_of<vector_dims(4096)>` is `shape<4096>`.
template <dims D>
using shape_of = typename detail::shape_type_of<D>::type;

}  // namespace ctnn
