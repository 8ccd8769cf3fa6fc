// Writes ctnn's generated documentation into OUTPUT_DIR: reference/layers.md, reference/errors.md,
// tutorial/fcn8.md and the pictures they show, images/*.svg. `cmake --build build --target docs` writes them into docs/; the `docs`
// test writes them elsewhere and compares.
//   ctnn_docs OUTPUT_DIR SOURCE_DIR GCC CLANG -I...
// SPDX-License-Identifier: BSL-1.0
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "errors.hpp"
#include "layers.hpp"
#include "pictures.hpp"
#include "tutorial.hpp"

int main(int argc, char** argv) {
    if (argc < 5) {
        std::cerr << "usage: ctnn_docs OUTPUT_DIR SOURCE_DIR GCC CLANG [compiler flags...]\n";
        return 2;
    }
    try {
        const std::filesystem::path out = argv[1];
        const std::string source_dir = argv[2];
        const std::vector<docs::errors::compiler> compilers{{"GCC 12", argv[3]}, {"Clang 14", argv[4]}};
        std::string flags;
        for (int i = 5; i < argc; ++i) flags += std::string(" '") + argv[i] + "'";

        // Everything is made before anything is written, so a failure leaves no half-written page.
        std::ostringstream layers, errors, tutorial;
        const auto cases = docs::errors::run_cases(source_dir, compilers, flags);
        const auto diagnostics = docs::errors::declared(source_dir);
        docs::layers::error_lists error_lists(cases, diagnostics);
        docs::layers::write(layers, source_dir, error_lists);
        docs::errors::write(errors, cases, compilers, diagnostics);
        docs::tutorial::write(tutorial, source_dir, cases, compilers);
        const auto pictures = docs::pictures::all();

        std::filesystem::create_directories(out / "reference");
        std::filesystem::create_directories(out / "tutorial");
        std::filesystem::create_directories(out / "images");
        for (const auto& [file, svg] : pictures) std::ofstream(out / "images" / file) << svg;
        std::ofstream(out / "reference" / "layers.md") << layers.str();
        std::ofstream(out / "reference" / "errors.md") << errors.str();
        std::ofstream(out / "tutorial" / "fcn8.md") << tutorial.str();
    } catch (const std::exception& e) {
        std::cerr << "ctnn_docs: " << e.what() << '\n';
        return 1;
    }
}
