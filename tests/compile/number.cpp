// Real-valued options parse exactly: the rational a literal denotes, reduced, in every form
// Keras models write (checked against values worked out by hand).
// SPDX-License-Identifier: BSL-1.0
#include <ctnn/number.hpp>

namespace {
using ctnn::number;

template <number V>
struct holder {
    static constexpr number value = V;
};
constexpr bool is(number n, long long num, long long den) {
    return n.num == num && n.den == den;
}

static_assert(is(holder<"1.001e-5">::value, 1001, 100'000'000));  // ResNet's BatchNormalization epsilon
static_assert(is(holder<"1e-3">::value, 1, 1000));
static_assert(is(holder<"1/255">::value, 1, 255));                 // Rescaling
static_assert(is(holder<"-1/6">::value, -1, 6));
static_assert(is(holder<"0.30">::value, 3, 10));
static_assert(is(holder<"-0.3">::value, -3, 10));
static_assert(is(holder<"+2E3">::value, 2000, 1));
static_assert(is(holder<".5">::value, 1, 2));
static_assert(is(holder<"6.">::value, 6, 1));
static_assert(is(holder<"0">::value, 0, 1));
static_assert(is(holder<"2.5e+1">::value, 25, 1));
static_assert(is(holder<6>::value, 6, 1));                         // ReLU's max_value
static_assert(is(holder<false>::value, 0, 1) && is(holder<true>::value, 1, 1));
static_assert(is(holder<"0.00392156862745098">::value, 196078431372549, 50'000'000'000'000'000));
static_assert(holder<"1.001e-5">::value.as_double() == 1.001e-5);
static_assert(holder<"1/255">::value.as_float() == 1.0f / 255.0f);
static_assert(number{"1/9"} < number{"0.1112"} && !(number{"0.1112"} < number{"1/9"}));
static_assert(number{"-1/3"} < number{"0"});
static_assert(number{"1/2"} == number{"0.5"});
static_assert(number{"-1/2"} < number{"-1/3"} && !(number{"-1/3"} < number{"-1/2"}));
static_assert(number{"999999999999999999/1000000000000000000"} < number{"1"});  // no overflow
static_assert(!(number{"2/3"} < number{"2/3"}));
}  // namespace

int main() {}
