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

}  // namespace ctnn
