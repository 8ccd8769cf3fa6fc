// docs/reference/errors.md from the must-not-compile suite (tests/compile/fail/): each case's
// wrong model, the first error lines GCC 12 and Clang 14 actually print for it, and its fix.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace docs::errors {

struct compiler {
    std::string label;    // "GCC 12"
    std::string command;  // "g++-12"
    /// Where this compiler's output for each case was saved (<case>.txt), if anywhere.
    std::filesystem::path outputs;
};

/// One must-not-compile case, as its file tells it.
struct fail_case {
    std::string name, description, wrong, fix;
    std::map<std::string, std::vector<std::string>> lines;  // compiler label → first error lines
};

inline std::string dedent(const std::vector<std::string>& lines) {
    std::size_t indent = std::string::npos;
    for (const auto& l : lines)
        if (l.find_first_not_of(' ') != std::string::npos) indent = std::min(indent, l.find_first_not_of(' '));
    std::string out;
    for (const auto& l : lines) out += (l.size() > indent ? l.substr(indent) : std::string()) + "\n";
    return out;
}

inline fail_case read_case(const std::filesystem::path& file) {
    std::ifstream in(file);
    fail_case c{file.stem().string(), "", "", "", {}};
    std::vector<std::string> wrong, fix, *into = nullptr;
    bool header = true;
    for (std::string line; std::getline(in, line);) {
        if (header && line.rfind("// expected-error", 0) == 0) header = false;
        else if (header && line.rfind("// ", 0) == 0) c.description += (c.description.empty() ? "" : " ") + line.substr(3);
        else if (line.find("#ifdef CTNN_SHOULD_FAIL") != std::string::npos) into = &wrong;
        else if (into == &wrong && line.find("#else") != std::string::npos) into = &fix;
        else if (into != nullptr && line.find("#endif") != std::string::npos) into = nullptr;
        else if (into != nullptr) into->push_back(line);
    }
    c.wrong = dedent(wrong);
    c.fix = dedent(fix);
    return c;
}

/// The first `error:` line and the static_assert sentence, as the compiler prints them, with
/// the source directory and line numbers taken out, so that the page is the same on any machine
/// and after edits that only move lines.
inline std::vector<std::string> first_errors(const compiler& cc, const std::string& flags, const std::filesystem::path& file,
                                             const std::string& source_dir) {
    std::string output;
    if (const auto saved = cc.outputs / (file.stem().string() + ".txt"); !cc.outputs.empty() && std::filesystem::exists(saved)) {
        std::ifstream in(saved);
        output.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    } else {
        const std::string command = "LC_ALL=C " + cc.command +
                                    " -std=c++20 -fsyntax-only -fdiagnostics-color=never -DCTNN_SHOULD_FAIL " + flags + " '" +
                                    file.string() + "' 2>&1";
        std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
        if (!pipe) throw std::runtime_error("cannot run " + cc.command);
        char buffer[4096];
        for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe.get())) > 0;) output.append(buffer, n);
    }
    std::vector<std::string> found;
    std::istringstream lines(output);
    bool have_first = false, have_sentence = false;
    for (std::string line; std::getline(lines, line);) {
        // "file:line:col: error: ..." — not "ctnn::error::" in a context line.
        if (line.find(": error: ") == std::string::npos && line.find(": fatal error: ") == std::string::npos) continue;
        for (std::size_t at; (at = line.find(source_dir + "/")) != std::string::npos;) line.erase(at, source_dir.size() + 1);
        // "file:12:34: error:" → "file: error:": line numbers would change with every edit.
        if (const auto colon = std::min(line.find(": error: "), line.find(": fatal error: ")); colon != std::string::npos) {
            auto path_end = line.find(':');
            if (path_end < colon) line.erase(path_end, colon - path_end);
        }
        const bool sentence = line.find("static assertion failed") != std::string::npos ||
                              line.find("static_assert failed") != std::string::npos;
        if (!have_first) found.push_back(line), have_first = true;
        else if (sentence && !have_sentence) found.push_back(line), have_sentence = true;
        if (have_first && have_sentence) break;
    }
    if (found.empty()) throw std::runtime_error(file.string() + " compiled with " + cc.command + ", but must not");
    return found;
}

inline std::vector<fail_case> run_cases(const std::string& source_dir, const std::vector<compiler>& compilers,
                                        const std::string& flags) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(source_dir + "/tests/compile/fail"))
        if (entry.path().extension() == ".cpp") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::vector<fail_case> cases;
    for (const auto& f : files) {
        auto c = read_case(f);
        for (const auto& cc : compilers) c.lines[cc.label] = first_errors(cc, flags, f, source_dir);
        cases.push_back(std::move(c));
    }
    return cases;
}

/// The `template <...> struct NAME;` declarations in the `namespace ctnn::error` blocks of one
/// header, in its order.
inline std::vector<std::string> declared_in(const std::filesystem::path& header) {
    std::ifstream in(header);
    if (!in) throw std::runtime_error("cannot read " + header.string());
    std::vector<std::string> names;
    bool inside = false;
    for (std::string line; std::getline(in, line);) {
        if (line == "namespace ctnn::error {") inside = true;
        else if (line.rfind("}  // namespace ctnn::error", 0) == 0) inside = false;
        const auto at = line.find("> struct ");
        if (!inside || line.rfind("template <", 0) != 0 || at == std::string::npos || line.back() != ';') continue;
        names.push_back(line.substr(at + 9, line.size() - at - 10));
    }
    return names;
}

/// ctnn's headers, error.hpp first, then by path.
inline std::vector<std::filesystem::path> headers(const std::string& source_dir) {
    const std::filesystem::path include = std::filesystem::path(source_dir) / "include" / "ctnn";
    if (!std::filesystem::exists(include / "error.hpp")) throw std::runtime_error("no include/ctnn/error.hpp under " + source_dir);
    std::vector<std::filesystem::path> others;
    for (const auto& e : std::filesystem::recursive_directory_iterator(include))
        if (e.path().extension() == ".hpp" && e.path() != include / "error.hpp") others.push_back(e.path());
    std::sort(others.begin(), others.end());
    others.insert(others.begin(), include / "error.hpp");
    return others;
}

/// The diagnostics ctnn can raise: error.hpp's shared ones first, in its order, then each
/// layer's own, declared in its header, by header path.
inline std::vector<std::string> declared(const std::string& source_dir) {
    std::vector<std::string> names;
    for (const auto& header : headers(source_dir)) {
        const auto own = declared_in(header);
        names.insert(names.end(), own.begin(), own.end());
    }
    if (names.empty()) throw std::runtime_error("the headers under include/ctnn declare no diagnostics");
    return names;
}

/// The cases whose first error line, with any compiler, is `diagnostic`. None is an error: every
/// diagnostic ctnn can raise is shown in the gallery.
inline std::vector<std::string> cases_raising(const std::vector<fail_case>& cases, const std::string& diagnostic) {
    std::vector<std::string> names;
    for (const auto& c : cases)
        for (const auto& [label, lines] : c.lines)
            if (lines.front().find("ctnn::error::" + diagnostic + "<") != std::string::npos) {
                names.push_back(c.name);
                break;
            }
    if (names.empty())
        throw std::runtime_error("no case of tests/compile/fail/ raises error::" + diagnostic +
                                 ": add one, so that the gallery shows it");
    return names;
}

inline void write(std::ostream& o, const std::vector<fail_case>& cases, const std::vector<compiler>& compilers,
                  const std::vector<std::string>& diagnostics) {
    o << "# Error gallery\n\n"
         "<!-- Generated by docs/generate from tests/compile/fail/ and the compilers' own output: do not edit. -->\n\n"
         "What GCC 12 and Clang 14 say about models that must not compile. Each case is a file of the\n"
         "must-not-compile suite (`tests/compile/fail/`): the wrong model, the first `error:` line and the\n"
         "`static_assert` sentence each compiler prints (paths relative to the repository, line numbers left\nout), and the fix, which\n"
         "is the same file's correct form. The first line always names the layer and shows the offending\n"
         "shapes or values in numbers: look for `ctnn::error::` in it.\n\n";
    o << "By the diagnostic in the first line:\n\n";
    std::set<std::string> indexed;
    const auto index_line = [&](const std::string& label, const std::vector<std::string>& names) {
        o << "- " << label << ":";
        for (std::size_t i = 0; i < names.size(); ++i) o << (i ? ", " : " ") << "[" << names[i] << "](#" << names[i] << ")";
        o << "\n";
        indexed.insert(names.begin(), names.end());
    };
    for (const auto& d : diagnostics) index_line("`error::" + d + "`", cases_raising(cases, d));
    std::vector<std::string> others;
    for (const auto& c : cases)
        if (!indexed.contains(c.name)) others.push_back(c.name);
    if (!others.empty()) index_line("a `static_assert` of an option's own template", others);
    for (const auto& c : cases) {
        o << "\n## " << c.name << "\n\n" << c.description << "\n\n```cpp\n" << c.wrong << "```\n";
        for (const auto& cc : compilers) {
            o << "\n" << cc.label << ":\n\n```\n";
            for (const auto& line : c.lines.at(cc.label)) o << line << "\n";
            o << "```\n";
        }
        o << "\nFix:\n\n```cpp\n" << c.fix << "```\n";
    }
}

}  // namespace docs::errors
