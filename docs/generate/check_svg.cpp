// Checks the numbers the docs' pictures show: every number in docs/images/*.svg must be a
// quantity tagged with its name and arguments (see svg.hpp), and must equal what ctnn's rules
// and placement compute for them today. (xmllint checks that the files are well-formed XML.)
//   docs_check_svg FILE.svg...
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/core.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

#include "quantities.hpp"
#include "svg.hpp"

namespace {

std::string attribute(const std::string& tag, const std::string& key) {
    const auto at = tag.find(" " + key + "=\"");
    if (at == std::string::npos) return {};
    const auto begin = at + key.size() + 3;
    return tag.substr(begin, tag.find('"', begin) - begin);
}

/// The number of tagged quantities checked; throws on a wrong or untagged number.
int check(const std::string& file) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot read " + file);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string svg = buffer.str();
    int checked = 0;
    std::size_t pos = 0;
    while (pos < svg.size()) {
        const auto open = svg.find('<', pos);
        const std::string text = svg.substr(pos, open - pos);  // character data between tags
        if (docs::svg::holds_number(text)) throw std::runtime_error(file + ": untagged number in '" + text + "'");
        if (open == std::string::npos) break;
        if (svg.compare(open, 4, "<!--") == 0) {
            pos = svg.find("-->", open) + 3;
            continue;
        }
        const auto close = svg.find('>', open);
        const std::string tag = svg.substr(open, close - open + 1);
        pos = close + 1;
        if (tag.rfind("<style", 0) == 0) {
            pos = svg.find("</style>", pos);
        } else if (tag.rfind("<tspan", 0) == 0 && !attribute(tag, "data-quantity").empty()) {
            const auto end = svg.find("</tspan>", pos);
            const std::string shown = svg.substr(pos, end - pos);
            const auto name = attribute(tag, "data-quantity"), query = attribute(tag, "data-query");
            const auto want = docs::quantities::value(name, docs::quantities::decode(query));
            if (shown != std::to_string(want))
                throw std::runtime_error(file + ": shows " + shown + " for " + name + " (" + query + "), the rules give " +
                                         std::to_string(want));
            ++checked;
            pos = end;
        }
    }
    return checked;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        int total = 0;
        for (int i = 1; i < argc; ++i) total += check(argv[i]);
        if (argc < 2 || total == 0) throw std::runtime_error("no picture, or no number in any picture, was checked");
        std::cout << total << " numbers in " << argc - 1 << " pictures agree with the rules\n";
    } catch (const std::exception& e) {
        std::cerr << "docs_check_svg: " << e.what() << '\n';
        return 1;
    }
}
