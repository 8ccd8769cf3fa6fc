// The static shape of one sample (height, width, channels; NHWC without the batch axis).
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cstdint>

namespace ctnn {

/// A shape as a value, for constexpr arithmetic. The batch size is not part of it: it is chosen
/// at run time, like Keras' `None`.
struct dims {
    int height = 0;
    int width = 0;
    int channels = 0;

    constexpr std::int64_t size() const {
        return std::int64_t{height} * width * channels;
    }
    friend constexpr bool operator==(const dims&, const dims&) = default;
};

/// A shape as a type, so that it appears in numbers in diagnostics: `shape<16, 16, 12>`.
template <int H, int W, int C>
struct shape {
    static constexpr dims value{H, W, C};
    constexpr operator dims() const { return value; }
};

namespace detail {
// Through a class rather than directly in the alias: GCC 12 crashes on member access of a
// dependent class-type template argument inside an alias template. Named apart from the alias
// below, which code inside namespace detail would otherwise not see.
template <dims D>
struct shape_type_of {
    using type = shape<D.height, D.width, D.channels>;
};
}  // namespace detail

/// The shape type of a shape value: `shape_of<dims{14, 14, 12}>` is `shape<14, 14, 12>`.
template <dims D>
using shape_of = typename detail::shape_type_of<D>::type;


}  // namespace ctnn
