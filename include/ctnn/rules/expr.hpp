// A tiny symbolic arithmetic in which every shape and parameter rule is written exactly once.
//
// A rule such as `floor_div(n - k_eff, s) + 1` is a type. The compiler evaluates it (`eval`),
// the runtime evaluates the same type for padding placement, and the documentation generator
// prints it (`text`), so the formula in the docs is the formula the compiler uses.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>

#include <ctnn/name.hpp>

namespace ctnn::rules {

using length = std::int64_t;

/// Everything a per-axis or parameter rule may depend on. A rule reads only what it names.
struct args {
    length n = 0;         // input length along the axis
    length k = 1;         // kernel (or pool) length
    length s = 1;         // stride
    length d = 1;         // dilation rate
    length op = 0;        // output_padding
    length before = 0;    // crop or padding before (top or left)
    length after = 0;     // crop or padding after (bottom or right)
    length f = 1;         // upsampling factor
    length out = 0;       // output length (for padding placement)
    length kh = 1, kw = 1;  // kernel height and width
    length cin = 0, cout = 0;  // input and output channels
    length bias = 0;      // 1 with a bias vector, else 0
};

namespace detail {
// Precedence for printing: atoms bind tightest, then products, then sums.
inline constexpr int atom = 3, product = 2, sum = 1, relation = 0;

inline std::string paren(const std::string& s, int inner, int outer) {
    return inner < outer ? "(" + s + ")" : s;
}
constexpr length floor_div(length a, length b) {
    const length q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
constexpr length ceil_div(length a, length b) { return -floor_div(-a, b); }
constexpr length floor_mod(length a, length b) { return a - b * floor_div(a, b); }
}  // namespace detail

/// A variable of the rule: reads one field of `args`, prints as its symbol.
template <length args::*Field, fixed_string Symbol>
struct var {
    static constexpr int precedence = detail::atom;
    static constexpr length eval(const args& a) { return a.*Field; }
    static std::string text() { return Symbol.data; }
};

template <length V>
struct lit {
    static constexpr int precedence = detail::atom;
    static constexpr length eval(const args&) { return V; }
    static std::string text() { return std::to_string(V); }
};

/// A named sub-expression, printed by its symbol (e.g. k′) and defined once in the docs.
template <fixed_string Symbol, class E>
struct defined {
    using definition = E;
    static constexpr int precedence = detail::atom;
    static constexpr length eval(const args& a) { return E::eval(a); }
    static std::string text() { return Symbol.data; }
    static std::string symbol() { return Symbol.data; }
};

template <class L, class R> struct plus {
    static constexpr int precedence = detail::sum;
    static constexpr length eval(const args& a) { return L::eval(a) + R::eval(a); }
    static std::string text() {
        return detail::paren(L::text(), L::precedence, detail::sum) + " + " +
               detail::paren(R::text(), R::precedence, detail::sum);
    }
};
template <class L, class R> struct minus {
    static constexpr int precedence = detail::sum;
    static constexpr length eval(const args& a) { return L::eval(a) - R::eval(a); }
    static std::string text() {
        return detail::paren(L::text(), L::precedence, detail::sum) + " − " +
               detail::paren(R::text(), R::precedence, detail::product);
    }
};
template <class L, class R> struct times {
    static constexpr int precedence = detail::product;
    static constexpr length eval(const args& a) { return L::eval(a) * R::eval(a); }
    static std::string text() {
        return detail::paren(L::text(), L::precedence, detail::product) + "·" +
               detail::paren(R::text(), R::precedence, detail::atom);
    }
};
template <class L, class R> struct floor_div_t {
    static constexpr int precedence = detail::atom;
    static constexpr length eval(const args& a) { return detail::floor_div(L::eval(a), R::eval(a)); }
    static std::string text() {
        return "⌊" + detail::paren(L::text(), L::precedence, detail::product) + "/" +
               detail::paren(R::text(), R::precedence, detail::atom) + "⌋";
    }
};
template <class L, class R> struct ceil_div_t {
    static constexpr int precedence = detail::atom;
    static constexpr length eval(const args& a) { return detail::ceil_div(L::eval(a), R::eval(a)); }
    static std::string text() {
        return "⌈" + detail::paren(L::text(), L::precedence, detail::product) + "/" +
               detail::paren(R::text(), R::precedence, detail::atom) + "⌉";
    }
};
template <class L, class R> struct max_t {
    static constexpr int precedence = detail::atom;
    static constexpr length eval(const args& a) {
        const length l = L::eval(a), r = R::eval(a);
        return l < r ? r : l;
    }
    static std::string text() { return "max(" + L::text() + ", " + R::text() + ")"; }
};
template <class L, class R> struct mod_t {
    static constexpr int precedence = detail::atom;
    static constexpr length eval(const args& a) { return detail::floor_mod(L::eval(a), R::eval(a)); }
    static std::string text() {
        return "(" + detail::paren(L::text(), L::precedence, detail::product) + " mod " +
               detail::paren(R::text(), R::precedence, detail::atom) + ")";
    }
};

/// Relations, for the requirements a layer states in its contract.
template <class L, class R, fixed_string Op, class Cmp> struct relation {
    static constexpr int precedence = detail::relation;
    static constexpr bool eval(const args& a) { return Cmp{}(L::eval(a), R::eval(a)); }
    static std::string text() { return L::text() + " " + Op.data + " " + R::text(); }
};
struct less_fn { constexpr bool operator()(length a, length b) const { return a < b; } };
struct less_equal_fn { constexpr bool operator()(length a, length b) const { return a <= b; } };
struct greater_equal_fn { constexpr bool operator()(length a, length b) const { return a >= b; } };
struct not_equal_fn { constexpr bool operator()(length a, length b) const { return a != b; } };

/// What can stand in a rule: evaluates against `args` and prints itself.
template <class E>
concept expression = requires(const args& a) {
    E::eval(a);
    { E::text() } -> std::same_as<std::string>;
};

// Expressions are empty objects, so rules are written as ordinary arithmetic.
template <expression L, expression R> constexpr plus<L, R> operator+(L, R) { return {}; }
template <expression L, expression R> constexpr minus<L, R> operator-(L, R) { return {}; }
template <expression L, expression R> constexpr times<L, R> operator*(L, R) { return {}; }
template <expression L, expression R> constexpr floor_div_t<L, R> floor_div(L, R) { return {}; }
template <expression L, expression R> constexpr ceil_div_t<L, R> ceil_div(L, R) { return {}; }
template <expression L, expression R> constexpr max_t<L, R> max(L, R) { return {}; }
template <expression L, expression R> constexpr mod_t<L, R> mod(L, R) { return {}; }
template <expression L, expression R> constexpr relation<L, R, "<", less_fn> operator<(L, R) { return {}; }
template <expression L, expression R> constexpr relation<L, R, "≤", less_equal_fn> operator<=(L, R) { return {}; }
template <expression L, expression R> constexpr relation<L, R, "≥", greater_equal_fn> operator>=(L, R) { return {}; }

template <length V> inline constexpr lit<V> c{};

}  // namespace ctnn::rules
