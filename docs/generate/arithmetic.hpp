// Worked arithmetic for the docs: a rule's formula with the numbers put in, as a learner writes it
// on paper, and its value. Both come from the rule object, and the filled-in text is read back by
// the independent evaluator (formula_check.hpp) before it is printed, so a worked line cannot
// disagree with the rule it works.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/core.hpp>

#include <map>
#include <stdexcept>
#include <string>

#include "formula_check.hpp"
#include "quantities.hpp"

namespace docs::arithmetic {
namespace r = ctnn::rules;
using quantities::length;

/// The value of every symbol a printed rule may name.
inline std::map<std::string, std::int64_t> symbols(const r::args& a) {
    return {{"n", a.n},    {"k", a.k},       {"s", a.s},       {"d", a.d},     {"op", a.op},   {"t", a.before},
            {"b", a.after}, {"f", a.f},      {"L", a.out},     {"kh", a.kh},   {"kw", a.kw},   {"Cin", a.cin},
            {"Cout", a.cout}, {"bias", a.bias}, {"k′", r::eval(r::k_eff, a)}};
}

/// `text` with each symbol replaced by its value; the words `max` and `mod` are kept.
inline std::string substitute(const std::string& text, const std::map<std::string, std::int64_t>& values) {
    std::string out;
    for (std::size_t pos = 0; pos < text.size();) {
        if (text.compare(pos, 3, "max") == 0 || text.compare(pos, 3, "mod") == 0) {
            out += text.substr(pos, 3), pos += 3;
            continue;
        }
        std::string best;
        for (const auto& [symbol, v] : values)
            if (text.compare(pos, symbol.size(), symbol) == 0 && symbol.size() > best.size()) best = symbol;
        if (best.empty()) {
            out += text[pos++];
        } else {
            out += std::to_string(values.at(best));
            pos += best.size();
        }
    }
    return out;
}

/// "`n·s` = `7·2 = 14`": the rule, then the rule with the numbers in and its value.
template <class Rule>
inline std::string worked(Rule rule, const r::args& a) {
    const std::string text = Rule::text(), filled = substitute(text, symbols(a));
    const auto value = static_cast<std::int64_t>(r::eval(rule, a));
    if (docs::formula(filled, {}).value() != value)
        throw std::runtime_error("worked arithmetic '" + filled + "' does not give the rule's " + std::to_string(value));
    return "`" + text + "` = `" + filled + " = " + std::to_string(value) + "`";
}
template <class Rule>
inline length value(Rule rule, const r::args& a) {
    return static_cast<length>(r::eval(rule, a));
}
inline std::string str(length v) { return std::to_string(v); }

/// FCN-8's decoder, read from ctnn's model: overhang, crop, and `same` as the alternative.
inline std::string fcn8() {
    const auto up = quantities::fcn8_up2(), last = quantities::fcn8_up8();
    const auto crop = quantities::fcn8_crop2();
    const length skip = ctnn::node_named_t<quantities::fcn8_model, "conv2d">::output_shape.height;
    const length k_eff = value(r::k_eff, up.a);
    if (up.same || up.a.op >= 0 || k_eff < up.a.s || value(r::crop_length, crop.a) != skip)
        throw std::runtime_error("FCN-8's decoder is not what the tutorial explains: update docs/generate/arithmetic.hpp");
    auto same = up;
    same.same = true;
    auto same_args = up.a;
    same_args.out = quantities::transpose_out(same);
    const auto place = quantities::transpose_place(same);
    if (place.cut_before != crop.a.before || place.cut_after() != crop.a.after)
        throw std::runtime_error("FCN-8's `same` window is not its valid window cropped: update docs/generate/arithmetic.hpp");
    return "FCN-8's first upsampling, `conv2d_transpose` (k = " + str(up.a.k) + ", s = " + str(up.a.s) +
           ", valid) on conv7's " + str(up.a.n) + "×" + str(up.a.n) + " map, one axis at a time:\n\n"
           "- each input cell starts its kernel s cells after the previous one's: " + worked(r::transpose_same_length, up.a) +
           ";\n- the last kernel reaches `max(k′ − s, 0)` cells further, so `valid` gives " +
           worked(r::transpose_valid_length, up.a) + ";\n- as k′ ≥ s here, that is also the forum post's " +
           worked(r::transpose_full_length, up.a) + ";\n- pool4's map, which this one is added to, is " + str(skip) +
           ", so FCN-8's `Cropping2D` cuts the overhang, " + str(crop.a.before) + " before and " + str(crop.a.after) +
           " after: " + worked(r::crop_length, crop.a) + ";\n- `same` would give " + worked(r::transpose_same_length, same.a) +
           " directly, cutting " + worked(r::transpose_same_cut_before, same_args) + " before and the rest, " +
           str(place.cut_after()) + ", after: the same " + str(same_args.out) + " cells as `valid` + crop.\n\n"
           "FCN-8's last upsampling, `conv2d_transpose_2` (k = " + str(last.a.k) + ", s = " + str(last.a.s) + ") on " +
           str(last.a.n) + ": " + worked(r::transpose_valid_length, last.a) +
           ". A kernel as long as the stride overhangs nothing: the kernels tile the result and there is nothing to crop.\n";
}

/// Where the forum post's formula stops working: a kernel shorter than the stride.
inline std::string short_kernel() {
    const r::args a{.n = 3, .k = 2, .s = 3};
    return "The forum post's `(n − 1)·s + k′` is the length of the full result; it is the `valid` output's only when "
           "k′ ≥ s. With a kernel shorter than the stride (k = " + str(a.k) + ", s = " + str(a.s) + ", on " + str(a.n) +
           "), " + worked(r::transpose_full_length, a) + " is " +
           str(value(r::transpose_valid_length, a) - value(r::transpose_full_length, a)) + " cell short of Keras' and ctnn's " +
           worked(r::transpose_valid_length, a) + ": the output keeps n·s cells, and the last, past every kernel, holds "
           "only the bias.\n";
}

/// The forum post's pair, both ways, and what output_padding is for.
inline std::string forum() {
    const r::args conv7{.n = 7, .k = 3, .s = 2}, conv8{.n = 8, .k = 3, .s = 2};
    const r::args back{.n = value(r::window_valid_length, conv7), .k = 3, .s = 2};
    auto op0 = back, op1 = back;
    op0.op = 0, op1.op = 1;
    const r::args same5{.n = 5, .k = 3, .s = 2, .op = 0};
    return "The forum post's pair, both ways (k = " + str(conv7.k) + ", s = " + str(conv7.s) + ", `valid`):\n\n"
           "- Conv2D: " + worked(r::window_valid_length, conv7) + "; Conv2DTranspose: " +
           worked(r::transpose_valid_length, back) + ".\n"
           "- But Conv2D also takes " + str(conv8.n) + " to " + str(value(r::window_valid_length, conv8)) + ": " +
           worked(r::window_valid_length, conv8) + " (the ⌊ ⌋ drops a last cell that no window reaches). Going back, "
           "the transpose cannot know which was meant; `output_padding` says so. Set, `valid` gives " +
           worked(r::transpose_valid_length_op, op0) + " with `output_padding<" + str(op0.op) + ">` and " +
           worked(r::transpose_valid_length_op, op1) + " with `output_padding<" + str(op1.op) + ">`. It must stay below "
           "the stride (`op < s`): the stride is the most a Conv2D can have dropped.\n"
           "- Unset is not 0. With `same` on " + str(same5.n) + ", unset gives " + worked(r::transpose_same_length, same5) +
           ", `output_padding<" + str(same5.op) + ">` gives " + worked(r::transpose_same_length_op, same5) + ".\n";
}

/// A `same` window with its cut spelled out, and why `valid` is the larger for a transpose.
inline std::string same() {
    quantities::query q;
    q.a.n = 5, q.a.k = 3, q.a.s = 2, q.same = true;
    const auto place = quantities::transpose_place(q);
    auto a = q.a;
    a.out = place.out;
    quantities::query valid = q;
    valid.same = false;
    return "`same` with its cut spelled out (k = " + str(a.k) + ", s = " + str(a.s) + ", on " + str(a.n) + "): the full "
           "result is " + worked(r::transpose_full_length, a) + " cells; `same` keeps " +
           worked(r::transpose_same_length, a) + ", cutting " + worked(r::transpose_same_cut_before, a) +
           " before and the rest, " + str(place.cut_after()) + ", after (an odd cell goes after, as in TF).\n\n"
           "For a transposed convolution `valid` is the *larger* output: it keeps the whole full result (" +
           str(quantities::transpose_out(valid)) + " cells here) where `same` cuts it to n·s (" + str(place.out) +
           "). Conv2D is the other way round: `valid` keeps only the windows that fit, " + worked(r::window_valid_length, a) +
           ", while `same` pads so that every stride step gets one, " + worked(r::window_same_length, a) + ".\n";
}

}  // namespace docs::arithmetic
