// Real-valued options as template arguments: `epsilon<"1.001e-5">`, `scale<"1/255">`,
// `max_value<6>`.
//
// Keras' floating-point keywords (BatchNormalization's epsilon, ReLU's max_value, Rescaling's
// scale) must be part of a layer's type, but Clang 14 takes no floating-point template arguments,
// nor class types holding one. A `number` is therefore an exact rational, written as a decimal or
// a fraction in a string literal (or as an integer or bool) and parsed at compile time; the layer
// converts it to float where it computes. A literal that is not a number does not compile, and the
// error names `number_literal_is_malformed` or `number_literal_is_too_long`.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cstddef>
#include <cstdint>

namespace ctnn {

namespace detail {
// Not constexpr on purpose: reaching one of these while parsing a literal at compile time is the
// diagnostic, and its name is what the compiler prints.
inline bool number_literal_is_malformed() { return false; }
inline bool number_literal_is_too_long() { return false; }

constexpr std::int64_t gcd(std::int64_t a, std::int64_t b) {
    while (b != 0) {
        const std::int64_t t = a % b;
        a = b;
        b = t;
    }
    return a < 0 ? -a : a;
}
}  // namespace detail

/// An exact rational number, num / den with den > 0 and the fraction reduced.
struct number {
    std::int64_t num = 0;
    std::int64_t den = 1;

    consteval number(int value) : num{value} {}
    consteval number(bool value) : num{value ? 1 : 0} {}

    /// Parses "6", "-0.3", "1.001e-5", "2E3", "1/255", "-1/6". At most 18 significant digits and
    /// a denominator below 10^18, so that the value is exact in 64-bit integers.
    template <std::size_t N>
    consteval number(const char (&text)[N]) {
        constexpr std::int64_t limit = 1'000'000'000'000'000'000;  // 10^18
        std::size_t i = 0;
        bool negative = false;
        if (text[i] == '-' || text[i] == '+') negative = text[i++] == '-';
        auto digit = [&](std::size_t at) { return at < N - 1 && text[at] >= '0' && text[at] <= '9'; };
        auto grow = [&](std::int64_t& v, int d) {
            if (v > (limit - d) / 10) detail::number_literal_is_too_long();
            v = v * 10 + d;
        };
        if (!digit(i) && !(text[i] == '.' && digit(i + 1))) detail::number_literal_is_malformed();
        std::int64_t mantissa = 0, scale = 1;
        while (digit(i)) grow(mantissa, text[i++] - '0');
        if (text[i] == '.') {
            ++i;
            while (digit(i)) {
                grow(mantissa, text[i++] - '0');
                std::int64_t s = scale;
                grow(s, 0);
                scale = s;
            }
        }
        if (text[i] == 'e' || text[i] == 'E') {
            ++i;
            bool negative_exponent = false;
            if (text[i] == '-' || text[i] == '+') negative_exponent = text[i++] == '-';
            if (!digit(i)) detail::number_literal_is_malformed();
            int exponent = 0;
            while (digit(i)) {
                exponent = exponent * 10 + (text[i++] - '0');
                if (exponent > 18) detail::number_literal_is_too_long();
            }
            for (int e = 0; e != exponent; ++e) grow(negative_exponent ? scale : mantissa, 0);
        } else if (text[i] == '/') {
            ++i;
            if (!digit(i)) detail::number_literal_is_malformed();
            std::int64_t divisor = 0;
            while (digit(i)) grow(divisor, text[i++] - '0');
            if (divisor == 0) detail::number_literal_is_malformed();
            if (scale > limit / divisor) detail::number_literal_is_too_long();
            scale *= divisor;
        }
        if (i != N - 1) detail::number_literal_is_malformed();
        const std::int64_t g = mantissa == 0 ? scale : detail::gcd(mantissa, scale);
        num = (negative ? -mantissa : mantissa) / g;
        den = scale / g;
    }

    constexpr double as_double() const { return static_cast<double>(num) / static_cast<double>(den); }
    constexpr float as_float() const { return static_cast<float>(as_double()); }
    constexpr explicit operator bool() const { return num != 0; }

    friend constexpr bool operator==(const number&, const number&) = default;
    friend constexpr bool operator<(const number& a, const number& b) { return less(a.num, a.den, b.num, b.den); }

private:
    // a/b < c/d for b, d > 0, without the products that could overflow: compare the integer
    // parts, then the reciprocals of the fractional parts (Euclid's steps, so it ends).
    static constexpr bool less(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d) {
        const std::int64_t q1 = a / b - (a % b < 0 ? 1 : 0), q2 = c / d - (c % d < 0 ? 1 : 0);
        if (q1 != q2) return q1 < q2;
        const std::int64_t r1 = a - q1 * b, r2 = c - q2 * d;
        if (r1 == 0 || r2 == 0) return r1 == 0 && r2 != 0;
        return less(d, r2, b, r1);
    }
};

}  // namespace ctnn
