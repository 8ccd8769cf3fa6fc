// libFuzzer harness: the FCN-8 example's image decoding (PNG and JPEG through stb, then crop and
// resize) on bytes from outside. Only std::runtime_error may come out.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/shape.hpp>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        // 1 megapixel at most: the run's -malloc_limit_mb then catches any allocation beyond it.
        example::decode_image<ctnn::shape<16, 16, 3>>({reinterpret_cast<const char*>(data), size}, "fuzz.png", 1 << 20);
    } catch (const std::runtime_error&) {
    }
    return 0;
}
