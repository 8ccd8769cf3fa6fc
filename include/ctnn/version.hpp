// ctnn's version, for code that must know which ctnn it was built against. CMake reads the
// numbers from here (project(VERSION), ctnn_VERSION, the package version file), so they are
// written once.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#define CTNN_VERSION_MAJOR 0
#define CTNN_VERSION_MINOR 1
#define CTNN_VERSION_PATCH 0
/// major * 10000 + minor * 100 + patch, for `#if CTNN_VERSION >= 100`.
#define CTNN_VERSION (CTNN_VERSION_MAJOR * 10000 + CTNN_VERSION_MINOR * 100 + CTNN_VERSION_PATCH)

namespace ctnn {
struct version_t {
    int major, minor, patch;
};
inline constexpr version_t version{CTNN_VERSION_MAJOR, CTNN_VERSION_MINOR, CTNN_VERSION_PATCH};
}  // namespace ctnn
