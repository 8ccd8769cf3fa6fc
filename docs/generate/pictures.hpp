// The docs' pictures (docs/images/*.svg), drawn from the rules and from the placement the
// runtime kernels run (rules/placement.hpp): where each input cell's kernel lands, where the
// kernels overlap, which window is kept and what is cut. Every number comes from quantities.hpp.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <map>
#include <tuple>
#include <string>
#include <vector>

#include "quantities.hpp"
#include "svg.hpp"

namespace docs::pictures {
using quantities::length;
using quantities::query;
using svg::num;
using svg::plain;
namespace r = ctnn::rules;

// Light fills for cells, and darker strokes of the same hues for outlines.
inline const char* const fills[] = {"#a6cee3", "#b2df8a", "#fdbf6f", "#cab2d6", "#fb9a99", "#ffff99", "#8dd3c7", "#bebada", "#80b1d3"};
inline const char* const strokes[] = {"#1f78b4", "#33a02c", "#ff7f00", "#6a3d9a", "#e31a1c", "#b15928", "#1b9e77", "#7570b3", "#386cb0"};
inline std::string fill(length i) { return "style=\"fill: " + std::string(fills[i % 9]) + "\""; }
inline std::string letter(length i, char first = 'a') { return std::string(1, static_cast<char>(first + i % 26)); }

/// Enough rows that no two kernels in one row overlap: kernels i and i + m are apart when m·s ≥ k′.
inline length lanes(const query& q) {
    const length k_eff = r::eval(r::k_eff, q.a);
    length m = 1;
    while (m * q.a.s < k_eff) ++m;
    return m;
}

/// A window kept from the full result, in its coordinates, with what the row says about it.
struct window {
    std::vector<svg::part> label, note;
    length begin = 0, end = 0;
};

/// The output window of a Conv2DTranspose, placed as the runtime places it.
inline window transpose_window(const query& q) {
    const auto p = quantities::transpose_place(q);
    window w{{plain(q.same ? "same" : "valid")}, {}, p.cut_before, p.cut_before + p.out};
    if (q.a.op >= 0) w.label.insert(w.label.end(), {plain(", output_padding<"), num("op", q), plain(">")});
    w.label.insert(w.label.end(), {plain(" → "), num("transpose_out", q)});
    if (p.cut_before == 0 && p.cut_after() == 0) w.note = {plain("nothing cut")};
    else if (p.cut_after() >= 0)
        w.note = {plain("cut "), num("cut_before", q), plain(" before, "), num("cut_after", q), plain(" after")};
    else
        w.note = {plain("cut "), num("cut_before", q), plain(" before; dashed: past the full result, only the bias")};
    return w;
}
/// A Cropping2D of the valid output (its query's n), t before and b after.
inline window crop_window(const std::string& label, const query& crop) {
    return {{plain(label + " → "), num("crop_out", crop)},
            {plain("cut "), num("t", crop), plain(" before, "), num("b", crop), plain(" after")},
            crop.a.before,
            crop.a.before + quantities::value("crop_out", crop)};
}

/// A 1-D strip of a transposed convolution: input cells, each one's kernel in the full result,
/// the overlaps, and the windows kept from it. `u` is a cell's width; below 10 the strip is
/// drawn without letters (FCN-8's 224 cells).
inline std::string transpose_strip(const std::string& title, const std::vector<svg::part>& heading, const query& q,
                                   const std::vector<window>& windows, double u) {
    const bool compact = u < 10;
    const double ch = compact ? 16 : 24, gap = compact ? 8 : 10;
    const length full = quantities::value("transpose_full", q);
    const std::vector<svg::part> input_label{plain("input cells, n = "), num("n", q)},
        kernel_label{plain("kernels, k = "), num("k", q), plain(", stride s = "), num("s", q)},
        full_label{plain("full result: "), num("transpose_full", q)};
    std::size_t widest = std::max({svg::chars(input_label), svg::chars(kernel_label), svg::chars(full_label)});
    for (const auto& w : windows) widest = std::max(widest, svg::chars(w.label));
    const double left = 24 + 7.4 * static_cast<double>(widest);
    length first = 0, last = full;
    for (const auto& w : windows) first = std::min(first, w.begin), last = std::max(last, w.end);
    const auto X = [&](length p) { return left + static_cast<double>(p - first) * u; };
    const auto tap = [&](length i, length j) { return r::transpose_tap_position(i, j, q.a.s, q.a.d, 0); };
    const auto label = [&](double y, const std::vector<svg::part>& parts) { return std::pair{y, parts}; };
    svg::picture pic(title);
    pic.text(10, 22, heading, "title");
    double y = 40;
    std::vector<std::pair<double, std::vector<svg::part>>> labels;

    labels.push_back(label(y, input_label));
    for (length i = 0; i < q.a.n; ++i) {
        pic.rect(X(tap(i, 0)), y, u, ch, "cell", fill(i));
        if (!compact) pic.text(X(tap(i, 0)) + u / 2, y + ch * 0.7, {plain(letter(i))}, "in-cell", "middle");
    }
    y += ch + gap;

    // Each input cell's kernel, in rows where no two overlap; a dotted guide down from the cell.
    const length rows = lanes(q);
    labels.push_back(label(y, kernel_label));
    for (length i = 0; i < q.a.n; ++i) {
        const double top = y + static_cast<double>(i % rows) * (ch + 4);
        if (!compact) pic.line(X(tap(i, 0)) + u / 2, y - gap, X(tap(i, 0)) + u / 2, top, "guide");
        for (length j = 0; j < q.a.k; ++j) {
            pic.rect(X(tap(i, j)), top, u, ch, "cell", fill(i));
            if (!compact) pic.text(X(tap(i, j)) + u / 2, top + ch * 0.7, {plain(letter(i))}, "in-cell", "middle");
        }
    }
    y += static_cast<double>(rows) * (ch + 4) + gap;

    // The full result: each cell is the sum of the kernels that land on it.
    labels.push_back(label(y, full_label));
    bool any_overlap = false;
    for (length p = 0; p < full; ++p) {
        std::string sum;
        length only = -1;
        for (length i = 0; i < q.a.n; ++i)
            for (length j = 0; j < q.a.k; ++j)
                if (tap(i, j) == p) sum += (sum.empty() ? "" : "+") + letter(i), only = i;
        const length count = quantities::overlap_at(q, p);
        pic.rect(X(p), y, u, ch, count == 0 ? "empty" : "cell", count == 1 ? fill(only) : "");
        if (count > 1) pic.rect(X(p) + 1.25, y + 1.25, u - 2.5, ch - 2.5, "overlap"), any_overlap = true;
        if (!compact && count > 0) pic.text(X(p) + u / 2, y + ch * 0.7, {plain(sum)}, count > 1 ? "small" : "in-cell", "middle");
    }
    y += ch + gap * 2;

    // The windows: kept cells, cut cells crossed out and bracketed, bias-only cells dashed.
    for (const auto& w : windows) {
        labels.push_back(label(y, w.label));
        for (length p = std::min(first, w.begin); p < std::max(full, w.end); ++p) {
            const bool kept = p >= w.begin && p < w.end;
            if (kept) {
                pic.rect(X(p), y, u, ch, p < full ? "kept" : "bias");
            } else {
                pic.rect(X(p), y, u, ch, "cut");
                pic.line(X(p) + 2, y + 2, X(p) + u - 2, y + ch - 2, "cross");
                if (!compact) pic.line(X(p) + u - 2, y + 2, X(p) + 2, y + ch - 2, "cross");
            }
        }
        // Brackets under each run of cut cells.
        for (const auto& [from, to] : {std::pair{std::min(first, w.begin), w.begin}, std::pair{w.end, full}})
            if (from < to) {
                const double x1 = X(from) + 1, x2 = X(to) - 1, yb = y + ch + 3;
                pic.path("M " + svg::fmt(x1) + " " + svg::fmt(yb) + " v 4 H " + svg::fmt(x2) + " v -4", "bracket");
            }
        pic.text(X(std::max(full, w.end)) + 12, y + ch * 0.7, w.note, "small");
        y += ch + gap + 6;
    }

    for (const auto& [ly, parts] : labels) pic.text(10, ly + ch * 0.7, parts);

    // Legend.
    y += 4;
    double x = 10;
    const auto key = [&](const std::string& cls, const std::string& text, bool crossed = false) {
        pic.rect(x, y, 16, 14, cls);
        if (cls == "overlap") pic.rect(x, y, 16, 14, "cell"), pic.rect(x + 1.25, y + 1.25, 13.5, 11.5, "overlap");
        if (crossed) pic.line(x + 2, y + 2, x + 14, y + 12, "cross");
        pic.text(x + 22, y + 11, {plain(text)}, "small");
        x += 22 + 6.3 * static_cast<double>(text.size()) + 18;
    };
    if (any_overlap) key("overlap", "kernels overlap: their values add");
    key("kept", "kept (the layer's output)");
    for (const auto& w : windows)
        if (w.begin > 0 || w.end < full) {
            key("cut", "cut", true);
            break;
        }
    for (const auto& w : windows)
        if (w.end > full) {
            key("bias", "past the full result: only the bias");
            break;
        }
    return pic.str();
}

/// The transposed convolution of a square input as a 2-D grid: each output cell shows how many
/// input cells add into it, and two input cells' kernels are outlined.
inline std::string transpose_grid(const std::string& title, const query& q, length a, length b) {
    const double c = 34, top = 64, x0 = 20;
    const length n = q.a.n, out = quantities::transpose_out(q);
    const double x1 = x0 + static_cast<double>(n) * c + 90;
    svg::picture pic(title);
    pic.text(10, 22, {plain("Conv2DTranspose, kernel "), num("k", q), plain("×"), num("k", q), plain(", stride "), num("s", q),
                      plain(", valid: "), num("n", q), plain("×"), num("n", q), plain(" → "), num("transpose_out", q),
                      plain("×"), num("transpose_out", q)},
             "title");
    pic.text(x0, top - 12, {plain("input")});
    pic.text(x1, top - 12, {plain("output: how many input cells add into each cell")});
    for (length i = 0; i < n; ++i)
        for (length j = 0; j < n; ++j) {
            const length cell = i * n + j;
            pic.rect(x0 + static_cast<double>(j) * c, top + static_cast<double>(i) * c, c, c, "cell", fill(cell));
            pic.text(x0 + (static_cast<double>(j) + 0.5) * c, top + (static_cast<double>(i) + 0.62) * c, {plain(letter(cell))},
                     "", "middle");
        }
    pic.text(x0 + static_cast<double>(n) * c + 45, top + static_cast<double>(n) * c / 2 + 5, {plain("→")}, "title", "middle");
    const char* shades[] = {"#ffffff", "#f3f3f3", "#ffe0b2", "#ffcc80", "#ffa726"};
    for (length p = 0; p < out; ++p)
        for (length t = 0; t < out; ++t) {
            query at = q;
            at.p = p, at.q = t;
            const length count = quantities::value("overlap2", at);
            pic.rect(x1 + static_cast<double>(t) * c, top + static_cast<double>(p) * c, c, c, "cell",
                     "style=\"fill: " + std::string(shades[std::min<length>(count, 4)]) + "\"");
            pic.text(x1 + (static_cast<double>(t) + 0.5) * c, top + (static_cast<double>(p) + 0.62) * c, {num("overlap2", at)},
                     "", "middle");
        }
    // Where input cells `a` and `b` (row-major indices) land: the runtime's placement of their first and last taps.
    for (const length cell : {a, b}) {
        const length i = cell / n, j = cell % n;
        const auto style = "style=\"stroke: " + std::string(strokes[cell % 9]) + "\"";
        pic.rect(x0 + static_cast<double>(j) * c + 1.5, top + static_cast<double>(i) * c + 1.5, c - 3, c - 3, "outline", style);
        const length r0 = r::transpose_tap_position(i, 0, q.a.s, q.a.d, 0), r1 = r::transpose_tap_position(i, q.a.k - 1, q.a.s, q.a.d, 0);
        const length c0 = r::transpose_tap_position(j, 0, q.a.s, q.a.d, 0), c1 = r::transpose_tap_position(j, q.a.k - 1, q.a.s, q.a.d, 0);
        pic.rect(x1 + static_cast<double>(c0) * c + 1.5, top + static_cast<double>(r0) * c + 1.5,
                 static_cast<double>(c1 - c0 + 1) * c - 3, static_cast<double>(r1 - r0 + 1) * c - 3, "outline", style);
    }
    const double below = top + static_cast<double>(std::max(n, out)) * c + 22;
    pic.text(10, below, {plain("Outlined: the kernels of input cells " + letter(a) + " and " + letter(b) +
                               ". They share a corner cell, where four kernels add.")},
             "small");
    query conv = q;  // the Conv2D that takes the output back
    conv.a.n = out;
    pic.text(10, below + 18, {plain("A valid Conv2D with the same kernel and stride reads these windows back: "), num("n", conv),
                              plain(" cells become "), num("window_out", conv), plain(".")},
             "small");
    return pic.str();
}

/// Conv2D (or pooling) windows along one axis, one block per case: input cells with `same`
/// padding dashed, each output cell's window, and the output cells, each under its window's
/// first tap (the mirror of the transposed strip).
inline std::string conv_windows(const std::string& title, const std::vector<query>& cases) {
    const double u = 26, ch = 24, left = 150;
    length first = 0, last = 0;
    for (const auto& q : cases)
        first = std::min(first, -quantities::pad_before(q)),
        last = std::max(last, q.a.n + quantities::value("pad_after", q));
    const auto X = [&](length p) { return left + static_cast<double>(p - first) * u; };
    svg::picture pic(title);
    double y = 22;
    for (const auto& q : cases) {
        const length out = quantities::window_out(q), before = quantities::pad_before(q);
        const length after = quantities::value("pad_after", q);
        const auto tap = [&](length o, length j) { return r::window_tap_position(o, j, q.a.s, q.a.d, before); };
        std::vector<svg::part> heading{plain("Conv2D, kernel "), num("k", q), plain(", stride "), num("s", q),
                                       plain(q.same ? ", same: " : ", valid: "), num("n", q), plain(" → "),
                                       num("window_out", q)};
        if (q.same)
            for (auto&& p : {plain(" (padding "), num("pad_total", q), plain(": "), num("pad_before", q), plain(" before, "),
                             num("pad_after", q), plain(" after)")})
                heading.push_back(p);
        pic.text(10, y, heading, "title");
        y += 14;
        std::vector<bool> read(static_cast<std::size_t>(q.a.n), false);
        for (length o = 0; o < out; ++o)
            for (length j = 0; j < q.a.k; ++j)
                if (const length p = tap(o, j); p >= 0 && p < q.a.n) read[static_cast<std::size_t>(p)] = true;
        pic.text(10, y + ch * 0.7, {plain("input")});
        for (length p = -before; p < q.a.n + after; ++p) {
            const bool real = p >= 0 && p < q.a.n;
            pic.rect(X(p), y, u, ch, !real ? "pad" : read[static_cast<std::size_t>(p)] ? "cell" : "cut");
            if (real) pic.text(X(p) + u / 2, y + ch * 0.7, {plain(letter(p))}, "in-cell", "middle");
            if (real && !read[static_cast<std::size_t>(p)]) pic.line(X(p) + 2, y + 2, X(p) + u - 2, y + ch - 2, "cross");
        }
        std::vector<svg::part> note;
        if (before + after > 0) note.push_back(plain("dashed: padding (zeros)"));
        for (length p = 0; p < q.a.n; ++p)
            if (!read[static_cast<std::size_t>(p)]) {
                note.push_back(plain(note.empty() ? "crossed: read by no window" : "; crossed: read by no window"));
                break;
            }
        if (!note.empty()) pic.text(X(q.a.n + after) + 12, y + ch * 0.7, note, "small");
        y += ch + 8;
        pic.text(10, y + ch * 0.7, {plain("windows")});
        const length rows = lanes(q);
        for (length o = 0; o < out; ++o) {
            const double top = y + static_cast<double>(o % rows) * (ch + 4);
            const double x = X(tap(o, 0)), w = X(tap(o, q.a.k - 1)) + u - x;
            pic.rect(x + 1, top, w - 2, ch, "cell window", fill(o));
            pic.text(x + w / 2, top + ch * 0.7, {plain(letter(o, 'A'))}, "in-cell", "middle");
        }
        y += static_cast<double>(rows) * (ch + 4) + 4;
        pic.text(10, y + ch * 0.7, {plain("output")});
        for (length o = 0; o < out; ++o) {
            pic.rect(X(tap(o, 0)), y, u, ch, "cell", fill(o));
            pic.text(X(tap(o, 0)) + u / 2, y + ch * 0.7, {plain(letter(o, 'A'))}, "in-cell", "middle");
        }
        y += ch + 34;
    }
    return pic.str();
}

/// Every picture, by file name under docs/images/.
inline std::map<std::string, std::string> all() {
    std::map<std::string, std::string> files;
    const auto transpose = [](length n, length k, length s, bool same = false, length op = -1) {
        query q;
        q.a.n = n, q.a.k = k, q.a.s = s, q.a.op = op, q.same = same;
        return q;
    };
    const auto heading = [](const query& q) {
        return std::vector<svg::part>{plain("Conv2DTranspose, kernel "), num("k", q), plain(", stride "), num("s", q),
                                      plain(", on "), num("n", q), plain(" cells")};
    };

    {  // The forum post's k3 s2, with every window a learner meets.
        const auto q = transpose(5, 3, 2);
        files["transpose_windows.svg"] = transpose_strip(
            "A transposed convolution along one axis: kernels, overlaps, and the windows valid and same keep", heading(q), q,
            {transpose_window(q), transpose_window(transpose(5, 3, 2, true)), transpose_window(transpose(5, 3, 2, true, 0)),
             transpose_window(transpose(5, 3, 2, false, 1))},
            34);
    }
    files["transpose_forum_grid.svg"] =
        transpose_grid("The forum post's transposed convolution as a grid, with the count of kernels adding into each cell",
                       transpose(3, 3, 2), 0, 4);
    {  // FCN-8's first ×2: 7 → 16, cropped to 14 (or `same`: 14 directly).
        const auto q = quantities::fcn8_up2();
        auto same = q;
        same.same = true;
        files["fcn8_up2.svg"] = transpose_strip(
            "FCN-8's first upsampling along one axis: the valid output, its overhang cropped, and same for comparison",
            heading(q), q,
            {transpose_window(q), crop_window("then Cropping2D", quantities::fcn8_crop2()), transpose_window(same)},
            34);
    }
    {  // FCN-8's last ×8: the kernels tile the result exactly.
        const auto q = quantities::fcn8_up8();
        files["fcn8_up8.svg"] =
            transpose_strip("FCN-8's last upsampling along one axis: kernels as long as the stride tile the result, nothing to crop",
                            heading(q), q, {transpose_window(q)}, 4);
    }
    {
        std::vector<query> cases;
        for (const auto& [n, k, s, same] : {std::tuple{7, 3, 2, false}, {8, 3, 2, false}, {8, 3, 2, true}, {7, 3, 1, true}}) {
            query q;
            q.a.n = n, q.a.k = k, q.a.s = s, q.same = same;
            cases.push_back(q);
        }
        files["conv2d_windows.svg"] =
            conv_windows("Conv2D along one axis: each output cell's window, and where same puts its padding", cases);
    }
    return files;
}

/// Markdown that shows picture `file` from a page in `dir_to_images` (e.g. "../images"), its
/// title as the alt text. A page cannot show a picture that is not generated.
inline std::string embed(const std::string& file, const std::string& dir_to_images) {
    const auto pictures = all();
    const auto it = pictures.find(file);
    if (it == pictures.end()) throw std::runtime_error("no picture named " + file);
    const auto& svg = it->second;
    const auto begin = svg.find("<title>") + 7;
    const std::string title = svg.substr(begin, svg.find("</title>") - begin);
    if (title.find('&') != std::string::npos) throw std::runtime_error(file + ": an escaped title would show escaped");
    return "![" + title + "](" + dir_to_images + "/" + file + ")\n";
}

}  // namespace docs::pictures
