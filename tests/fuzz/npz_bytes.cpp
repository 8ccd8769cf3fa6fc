// libFuzzer harness: an .npz archive as raw bytes, as an upload gives it. Mutations mostly stop
// at the zip layer (a CRC, the directory); npz_members.cpp reaches the .npy headers inside.
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/io/npz.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

#include "read_all.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ctnn::fuzz::read_all(std::as_bytes(std::span(data, size)));
    return 0;
}
