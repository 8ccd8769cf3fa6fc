// Layer names as types: Keras-style names that the compiler can compare, and print readably.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>

namespace ctnn {

/// A string literal usable as a template argument: `name<"block1_conv1">`.
template <std::size_t N>
struct fixed_string {
    char data[N]{};
    constexpr fixed_string(const char (&text)[N]) {
        for (std::size_t i = 0; i != N; ++i) data[i] = text[i];
    }
    static constexpr std::size_t size = N - 1;
};

/// The name as a character pack. Clang prints a string NTTP as character codes, but it prints
/// `named<'a', 'd', 'd'>` as written, so diagnostics stay readable on GCC and Clang alike.
template <char... Chars>
struct named {
    using option_kind = struct name_option;
    static constexpr char chars[] = {Chars..., '\0'};
    static constexpr std::string_view value{chars, sizeof...(Chars)};
};

namespace detail {
template <fixed_string S, class Indices = std::make_index_sequence<S.size>>
struct to_named;
template <fixed_string S, std::size_t... I>
struct to_named<S, std::index_sequence<I...>> {
    using type = named<S.data[I]...>;
};
}  // namespace detail

/// The `name=` option of every Keras layer: `Conv2D<64, kernel_size<3>, name<"block1_conv1">>`.
template <fixed_string S>
using name = typename detail::to_named<S>::type;

namespace detail {
/// `Format` with each `{}` replaced by the next of `Values` in decimal. Sized for the longest
/// result; `size` is the real length.
template <fixed_string Format, int... Values>
struct formatted {
    static constexpr std::size_t capacity = Format.size + 11 * sizeof...(Values) + 1;
    struct text {
        char data[capacity]{};
        std::size_t size = 0;
    };
    static constexpr text value = [] {
        text out{};
        const int values[] = {Values..., 0};
        std::size_t next = 0;
        for (std::size_t i = 0; i < Format.size; ++i) {
            if (Format.data[i] == '{' && i + 1 < Format.size && Format.data[i + 1] == '}') {
                long long v = values[next++];
                if (v < 0) out.data[out.size++] = '-', v = -v;
                char digits[11]{};
                std::size_t n = 0;
                do digits[n++] = static_cast<char>('0' + v % 10), v /= 10;
                while (v != 0);
                while (n != 0) out.data[out.size++] = digits[--n];
                ++i;
            } else {
                out.data[out.size++] = Format.data[i];
            }
        }
        return out;
    }();
    static_assert([] {
        std::size_t holes = 0;
        for (std::size_t i = 0; i + 1 < Format.size; ++i) holes += Format.data[i] == '{' && Format.data[i + 1] == '}';
        return holes;
    }() == sizeof...(Values), "formatted_name needs one value per {} in its format");
};
template <class F, class Indices = std::make_index_sequence<F::value.size>>
struct formatted_named;
template <class F, std::size_t... I>
struct formatted_named<F, std::index_sequence<I...>> {
    using type = named<F::value.data[I]...>;
};
}  // namespace detail

/// A name made of text and numbers, for layers made in a loop as Keras' applications name them:
/// `formatted_name<"conv{}_block{}_1_conv", 2, 3>` is `name<"conv2_block3_1_conv">`.
template <fixed_string Format, int... Values>
using formatted_name = typename detail::formatted_named<detail::formatted<Format, Values...>>::type;

}  // namespace ctnn
