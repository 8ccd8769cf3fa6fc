// Writes ctnn's generated documentation into OUTPUT_DIR: reference/layers.md, reference/errors.md,
// tutorial/fcn8.md and the pictures they show, images/*.svg. `cmake --build build --target docs` writes them into docs/; the `docs`
// test writes them elsewhere and compares.
//   ctnn_docs OUTPUT_DIR SOURCE_DIR GCC CLANG [--outputs-of COMPILER DIR]... -I...
// where DIR holds COMPILER's output for each must-not-compile case, as <case>.txt, saved by the
// must-not-compile tests with the same flags: read rather than compiled again where present.
// SPDX-License-Identifier: BSL-1.0
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string_view>

#include "errors.hpp"
#include "layers.hpp"
#include "pictures.hpp"
#include "tutorial.hpp"

int main(int argc, char** argv) {
    if (argc < 5) {
        std::cerr << "usage: ctnn_docs OUTPUT_DIR SOURCE_DIR GCC CLANG [--outputs-of COMPILER DIR]... [compiler flags...]\n";
        return 2;
    }
    try {
        const std::filesystem::path out = argv[1];
        const std::string source_dir = argv[2];
        std::vector<docs::errors::compiler> compilers{{"GCC 12", argv[3], {}}, {"Clang 14", argv[4], {}}};
        int i = 5;
        for (; i + 2 < argc && std::string_view(argv[i]) == "--outputs-of"; i += 3)
            for (auto& cc : compilers)
                if (cc.command == argv[i + 1]) cc.outputs = argv[i + 2];
        std::string flags;
        for (; i < argc; ++i) flags += std::string(" '") + argv[i] + "'";

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
