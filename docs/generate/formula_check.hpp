// Reads a rule's printed formula back and evaluates it, independently of the expression types
// that printed it: if the text in the docs ever said something else than the code computes, the
// generator fails instead of publishing it.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace docs {

class formula {
public:
    formula(std::string_view text, std::map<std::string, std::int64_t> values) : s_(text), values_(std::move(values)) {}

    std::int64_t value() {
        const auto v = relation();
        skip();
        if (pos_ != s_.size()) fail("unexpected text");
        return v;
    }

private:
    static std::int64_t floor_div(std::int64_t a, std::int64_t b) {
        const auto q = a / b;
        return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
    }
    [[noreturn]] void fail(const std::string& why) const {
        throw std::runtime_error("formula '" + std::string(s_) + "': " + why + " at byte " + std::to_string(pos_));
    }
    void skip() {
        while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
    }
    bool eat(std::string_view token) {
        skip();
        if (s_.substr(pos_, token.size()) != token) return false;
        pos_ += token.size();
        return true;
    }
    void expect(std::string_view token) {
        if (!eat(token)) fail("expected '" + std::string(token) + "'");
    }

    std::int64_t relation() {
        const auto left = sum();
        if (eat("≥")) return left >= sum();
        if (eat("≤")) return left <= sum();
        if (eat("<")) return left < sum();
        return left;
    }
    std::int64_t sum() {
        auto v = product();
        for (;;) {
            if (eat("+")) v += product();
            else if (eat("−")) v -= product();
            else return v;
        }
    }
    std::int64_t product() {
        auto v = atom();
        while (eat("·")) v *= atom();
        return v;
    }
    std::int64_t atom() {
        skip();
        if (eat("⌊") || eat("⌈")) {
            const bool floor = s_.substr(pos_ - 3, 3) == "⌊";
            const auto a = product(), b = (expect("/"), atom());
            expect(floor ? "⌋" : "⌉");
            return floor ? floor_div(a, b) : -floor_div(-a, b);
        }
        if (eat("max(")) {
            const auto a = sum();
            expect(",");
            const auto b = sum();
            expect(")");
            return a < b ? b : a;
        }
        if (eat("(")) {
            const auto a = sum();
            if (eat("mod")) {
                const auto b = atom();
                expect(")");
                return a - b * floor_div(a, b);
            }
            expect(")");
            return a;
        }
        if (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
            std::int64_t v = 0;
            while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') v = v * 10 + (s_[pos_++] - '0');
            return v;
        }
        // The longest variable name that matches (k′ before k, kh before k, Cout before ...).
        std::string best;
        for (const auto& [symbol, v] : values_)
            if (s_.substr(pos_, symbol.size()) == symbol && symbol.size() > best.size()) best = symbol;
        if (best.empty()) fail("unknown symbol");
        pos_ += best.size();
        return values_.at(best);
    }

    std::string_view s_;
    std::size_t pos_ = 0;
    std::map<std::string, std::int64_t> values_;
};

}  // namespace docs
