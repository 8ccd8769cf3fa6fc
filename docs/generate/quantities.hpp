// The numbers the docs' pictures may print, by name, each computed by ctnn's rules or by the
// placement the runtime kernels run. The pictures print numbers only through this table, and
// each number carries its name and arguments into the SVG, so the label check (check_svg.cpp)
// can recompute every number a picture shows.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/layers/conv2d_transpose.hpp>
#include <ctnn/models/fcn8.hpp>
#include <ctnn/rules/placement.hpp>

#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

namespace docs::quantities {
namespace r = ctnn::rules;
using r::length;

/// What a quantity reads: a rule's arguments, the padding mode, and for overlaps a cell of the
/// full result (p along the height, q along the width).
struct query {
    r::args a{.op = -1};  // op < 0: output_padding unset (Keras' None)
    bool same = false;
    length p = 0, q = 0;
};

/// The output length of a Conv2DTranspose, as the layer computes it.
inline length transpose_out(const query& x) {
    const auto i = [](length v) { return static_cast<int>(v); };
    return ctnn::detail::transpose_length(i(x.a.n), i(x.a.k), i(x.a.s), i(x.a.d), i(x.a.op),
                                          x.same ? ctnn::padding_mode::same : ctnn::padding_mode::valid);
}
inline r::transpose_placement transpose_place(const query& x) {
    auto a = x.a;
    a.out = transpose_out(x);
    return r::place_transpose(a, x.same);
}
/// How many taps of how many input cells add into cell p of the full result (placed as the
/// runtime places them, before any cut).
inline length overlap_at(const query& x, length p) {
    length count = 0;
    for (length i = 0; i < x.a.n; ++i)
        for (length j = 0; j < x.a.k; ++j) count += r::transpose_tap_position(i, j, x.a.s, x.a.d, 0) == p;
    return count;
}
/// A Conv2D's (or pool's) output length and `same` padding.
inline length window_out(const query& x) {
    return x.same ? r::eval(r::window_same_length, x.a) : r::eval(r::window_valid_length, x.a);
}
inline length pad_total(const query& x) {
    auto a = x.a;
    a.out = window_out(x);
    return x.same ? r::eval(r::window_same_total_padding, a) : 0;
}
inline length pad_before(const query& x) {
    auto a = x.a;
    a.out = window_out(x);
    return x.same ? r::eval(r::window_same_padding_before, a) : 0;
}

inline const std::map<std::string, std::function<length(const query&)>>& table() {
    static const std::map<std::string, std::function<length(const query&)>> t{
        {"n", [](const query& x) { return x.a.n; }},
        {"k", [](const query& x) { return x.a.k; }},
        {"s", [](const query& x) { return x.a.s; }},
        {"op", [](const query& x) { return x.a.op; }},
        {"t", [](const query& x) { return x.a.before; }},
        {"b", [](const query& x) { return x.a.after; }},
        {"transpose_out", transpose_out},
        {"transpose_full", [](const query& x) { return r::eval(r::transpose_full_length, x.a); }},
        {"cut_before", [](const query& x) { return transpose_place(x).cut_before; }},
        {"cut_after", [](const query& x) { return transpose_place(x).cut_after(); }},
        {"overlap", [](const query& x) { return overlap_at(x, x.p); }},
        {"overlap2", [](const query& x) { return overlap_at(x, x.p) * overlap_at(x, x.q); }},
        {"window_out", window_out},
        {"pad_total", pad_total},
        {"pad_before", pad_before},
        {"pad_after", [](const query& x) { return pad_total(x) - pad_before(x); }},
        {"crop_out", [](const query& x) { return r::eval(r::crop_length, x.a); }},
    };
    return t;
}

inline length value(const std::string& name, const query& x) {
    const auto it = table().find(name);
    if (it == table().end()) throw std::runtime_error("no quantity named '" + name + "'");
    return it->second(x);
}

// ---- FCN-8's decoder, read from ctnn's own model (heights; the widths are the same) ---------
using fcn8_model = decltype(ctnn::models::fcn8<12>());

/// The Conv2DTranspose node `Up` of FCN-8 on the output of node `From`.
template <class From, class Up>
inline query fcn8_transpose() {
    using L = typename Up::layer_type;
    query q;
    q.a.n = From::output_shape.height, q.a.k = L::kernel.height, q.a.s = L::stride.height, q.a.d = L::dilation.height;
    q.a.op = L::output_padding_set ? L::out_padding.height : -1;
    q.same = L::padding == ctnn::padding_mode::same;
    return q;
}
inline query fcn8_up2() {
    return fcn8_transpose<ctnn::node_named_t<fcn8_model, "conv7">, ctnn::node_named_t<fcn8_model, "conv2d_transpose">>();
}
inline query fcn8_up8() {
    return fcn8_transpose<ctnn::node_named_t<fcn8_model, "add_1">, ctnn::node_named_t<fcn8_model, "conv2d_transpose_2">>();
}
/// The Cropping2D that follows the first Conv2DTranspose, on its output.
inline query fcn8_crop2() {
    using L = ctnn::node_named_t<fcn8_model, "cropping2d">::layer_type;
    query q;
    q.a.n = ctnn::node_named_t<fcn8_model, "conv2d_transpose">::output_shape.height;
    q.a.before = L::crop.top, q.a.after = L::crop.bottom;
    return q;
}

/// The query as an attribute value, "n=7 k=4 s=2 d=1 op=-1 t=0 b=0 same=0 p=0 q=0", and back.
inline std::string encode(const query& x) {
    std::ostringstream o;
    o << "n=" << x.a.n << " k=" << x.a.k << " s=" << x.a.s << " d=" << x.a.d << " op=" << x.a.op << " t=" << x.a.before
      << " b=" << x.a.after << " same=" << x.same << " p=" << x.p << " q=" << x.q;
    return o.str();
}
inline query decode(const std::string& text) {
    query x;
    std::istringstream in(text);
    for (std::string item; in >> item;) {
        const auto eq = item.find('=');
        if (eq == std::string::npos) throw std::runtime_error("bad query item '" + item + "'");
        const auto key = item.substr(0, eq);
        const length v = std::stoll(item.substr(eq + 1));
        if (key == "n") x.a.n = v;
        else if (key == "k") x.a.k = v;
        else if (key == "s") x.a.s = v;
        else if (key == "d") x.a.d = v;
        else if (key == "op") x.a.op = v;
        else if (key == "t") x.a.before = v;
        else if (key == "b") x.a.after = v;
        else if (key == "same") x.same = v != 0;
        else if (key == "p") x.p = v;
        else if (key == "q") x.q = v;
        else throw std::runtime_error("unknown query item '" + key + "'");
    }
    return x;
}

}  // namespace docs::quantities
