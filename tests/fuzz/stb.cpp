// stb's implementations, compiled into the image harness with its sanitizers (Debian's libstb.so
// is not instrumented, so an overflow inside it would go unseen), and without ctnn's warnings,
// which stb's C was not written for.
// SPDX-License-Identifier: BSL-1.0
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image.h>
#include <stb_image_resize.h>
#include <stb_image_write.h>
