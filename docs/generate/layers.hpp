// docs/reference/layers.md from ctnn's own rules: formulas are printed by the rule objects the
// compiler evaluates, worked examples are computed by the layer types their text spells,
// defaults are read from the layers, and every printed formula is read back by an independent
// evaluator (formula_check.hpp) and compared with the rule over a grid of inputs before anything
// is written. The compile errors listed must be exactly those the headers declare (error.hpp's
// and each layer's own), each linked to the gallery cases that raise it. A layer kind that no
// section documents gets one from its header's contract comment, so none is left out.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <ctnn/core.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "arithmetic.hpp"
#include "errors.hpp"
#include "formula_check.hpp"
#include "pictures.hpp"

namespace docs::layers {
using namespace ctnn;
namespace r = ctnn::rules;

inline int checked = 0;

/// The rule's text, after checking that reading it back gives the rule's value everywhere on
/// the grid.
template <class Rule>
inline std::string checked_text(Rule rule) {
    const std::string text = Rule::text();
    for (int n = 1; n <= 12; ++n)
        for (int k = 1; k <= 5; ++k)
            for (int s = 1; s <= 4; ++s)
                for (int d = 1; d <= 3; ++d)
                    for (int x = 0; x <= 3; ++x) {
                        const r::args a{.n = n, .k = k, .s = s, .d = d, .op = x, .before = x, .after = (x + n) % 3,
                                        .f = s, .out = n + x, .kh = k, .kw = d, .cin = n, .cout = s + x, .bias = x % 2};
                        const auto want = static_cast<std::int64_t>(r::eval(rule, a));
                        const auto got = docs::formula(text, arithmetic::symbols(a)).value();
                        if (got != want)
                            throw std::runtime_error("the docs' formula '" + text + "' gives " + std::to_string(got) +
                                                     " where the rule gives " + std::to_string(want) + " (n=" + std::to_string(n) +
                                                     ", k=" + std::to_string(k) + ", s=" + std::to_string(s) + ")");
                        ++checked;
                    }
    return "`" + text + "`";
}

inline std::string keff_definition() { return "`k′ = " + decltype(r::k_eff)::definition::text() + "` (the dilated kernel)"; }

/// H×W×C for a map, W×C for rank 2, n for a vector.
inline std::string shape_text(dims d) {
    std::string s;
    if (d.rank >= 3) s += std::to_string(d.height) + "×";
    if (d.rank >= 2) s += std::to_string(d.width) + "×";
    return s + std::to_string(d.channels);
}

// ---- Defaults, read from a layer given only its required options -------------------------

inline std::string pair_text(hw v) {
    return v.height == v.width ? std::to_string(v.height)
                               : "(" + std::to_string(v.height) + ", " + std::to_string(v.width) + ")";
}
inline std::string margins_text(margins m) {
    if (m.top == m.bottom && m.bottom == m.left && m.left == m.right) return std::to_string(m.top);
    return "((" + std::to_string(m.top) + ", " + std::to_string(m.bottom) + "), (" + std::to_string(m.left) + ", " +
           std::to_string(m.right) + "))";
}
/// An exact number as written in Keras: a decimal where the denominator is a power of ten.
inline std::string number_text(ctnn::number v) {
    int places = 0;
    std::int64_t den = v.den;
    while (den % 10 == 0) den /= 10, ++places;
    if (den != 1) return std::to_string(v.num) + "/" + std::to_string(v.den);
    std::string digits = std::to_string(v.num < 0 ? -v.num : v.num);
    if (static_cast<int>(digits.size()) <= places) digits.insert(0, static_cast<std::size_t>(places + 1) - digits.size(), '0');
    if (places > 0) digits.insert(digits.size() - static_cast<std::size_t>(places), ".");
    return (v.num < 0 ? "-" : "") + digits;
}
inline std::string code(std::string_view s) { return "`" + std::string(s) + "`"; }
inline std::string option_row(std::string_view option, std::string_view meaning, const std::string& default_text) {
    return "| `" + std::string(option) + "` | " + std::string(meaning) + " | " + default_text + " |\n";
}
inline const char* option_header = "| option | meaning | default |\n|---|---|---|\n";

/// The rows Conv2D and Conv2DTranspose share, with the defaults of `Layer`.
template <class Layer>
inline std::string convolution_rows() {
    return option_row("dilation_rate<dh, dw = dh>", "dilation", pair_text(Layer::dilation)) +
           option_row("use_bias<bool>` / `no_bias", "bias vector", code(Layer::bias ? "true" : "false")) +
           option_row("linear` / `relu` / … / `gelu", "activation (any of Activation's)", code(to_string(Layer::activation)));
}

// ---- Worked examples, computed by the layer type ---------------------------------------------

/// The layer as the docs write it, with the name every layer needs added.
template <class Layer> struct with_doc_name;
template <template <int, class...> class L, int Filters, class... Options>
struct with_doc_name<L<Filters, Options...>> {
    using type = L<Filters, Options..., name<"doc">>;
};
template <template <class...> class L, class... Options>
struct with_doc_name<L<Options...>> {
    using type = L<Options..., name<"doc">>;
};

/// A layer and its inputs, each wrapped as `void(T...)` so that types with commas pass
/// through a macro (see DOCS_EXAMPLE).
template <class LayerInParens, class InputsInParens> struct example_of;
template <class Layer, class... In>
struct example_of<void(Layer), void(In...)> {
    /// The node a model would hold: the layer called on Inputs of these shapes, with every check
    /// a model runs, and the node's own shape, parameter and weight constants.
    using node = decltype(typename with_doc_name<Layer>::type{}(Input<In, name<"in">>{}()...));
    static_assert(!std::is_same_v<node, invalid_node>, "a worked example must be a valid use of its layer");

    static std::string row(std::string_view layer_in_parens, std::string_view note) {
        std::string inputs;
        ((inputs += (inputs.empty() ? "" : " + ") + shape_text(In::value)), ...);
        const auto text = layer_in_parens.substr(1, layer_in_parens.size() - 2);
        return "| `" + std::string(text) + "` | " + inputs + " | " + shape_text(node::output_shape) + " | " +
               std::to_string(node::params) + " | " + weights() + " | " + std::string(note) + " |\n";
    }

    /// The arrays a weight file must hold for this layer: the layer's own declarations, as
    /// network<M>::weights lists them.
    static std::string weights() {
        using entry = typename node::entry_type;
        if constexpr (entry::weights.empty()) {
            return "none";
        } else {
            std::string text;
            for (const auto& w : entry::weights) {
                text += (text.empty() ? "" : ", ") + std::string(w.name) + " (";
                for (int a = 0; a != w.rank; ++a)
                    text += (a == 0 ? "" : ", ") + std::to_string(w.shape[static_cast<std::size_t>(a)]);
                text += w.rank == 1 ? ",)" : ")";
            }
            return text;
        }
    }
};
inline const char* example_header =
    "| layer | input | output | params | weights (Keras layout) | |\n|---|---|---|---|---|---|\n";

}  // namespace docs::layers

/// One row of worked examples: the layer's text on the page is the very type that computes the
/// row. DOCS_EXAMPLE((Conv2D<1, kernel_size<3>>), (shape<7, 7, 1>), "note")
#define DOCS_EXAMPLE(LAYER, INPUTS, NOTE) ::docs::layers::example_of<void LAYER, void INPUTS>::row(#LAYER, NOTE)

namespace docs::layers {

// ---- Compile errors, tied to error.hpp and to the gallery ----------------------------------

/// Lists diagnostics with links to the gallery cases that raise them, and remembers which were
/// listed, so that a diagnostic that exists but is not documented fails the generator.
class error_lists {
public:
    error_lists(const std::vector<errors::fail_case>& cases, std::vector<std::string> declared)
        : cases_(cases), declared_(std::move(declared)) {}

    std::string operator()(std::initializer_list<std::string_view> names, std::string_view lead = "Compile errors") {
        return list(std::vector<std::string_view>(names), lead);
    }
    /// `shared` first, then the layer's own.
    std::string operator()(std::vector<std::string_view> shared, std::initializer_list<std::string_view> own) {
        shared.insert(shared.end(), own);
        return list(shared, "Compile errors");
    }

    void check_all_listed() const {
        for (const auto& name : declared_)
            if (!listed_.contains(name))
                throw std::runtime_error("error::" + name + " is declared in a header's namespace ctnn::error but no section of the "
                                         "layer reference lists it");
    }

private:
    std::string list(const std::vector<std::string_view>& names, std::string_view lead) {
        std::string out = std::string(lead) + ":\n\n";
        for (const auto name : names) {
            if (std::find(declared_.begin(), declared_.end(), name) == declared_.end())
                throw std::runtime_error("the layer reference lists error::" + std::string(name) +
                                         ", which no header declares");
            listed_.emplace(name);
            out += "- " + code("error::" + std::string(name)) + ":";
            const auto raising = errors::cases_raising(cases_, std::string(name));
            for (std::size_t i = 0; i < raising.size(); ++i)
                out += (i ? ", [" : " [") + raising[i] + "](errors.md#" + raising[i] + ")";
            out += "\n";
        }
        return out + "\n";
    }

    const std::vector<errors::fail_case>& cases_;
    std::vector<std::string> declared_;
    std::set<std::string> listed_;
};

inline void write_sections(std::ostream& o, error_lists& errors_of) {
    o << "# Layer reference\n\n"
         "<!-- Generated by docs/generate/layers.hpp from ctnn's rules: do not edit. -->\n\n"
         "Every formula below is printed by the rule object that the compiler evaluates "
         "(`include/ctnn/rules/rules.hpp`), and read back and checked against it before this page "
         "is written. Every example is computed by the layer type written in its first column, and every default is read "
         "from a layer given only its required options. Formulas are per spatial "
         "axis: `n` is the input length along the axis, `k` the kernel (or pool), `s` the stride, "
         "`d` the dilation, `op` the output padding, `t`/`b` the amounts before/after (top/bottom, "
         "or left/right along the width), `f` the upsampling factor. Shapes are of one sample, the batch "
         "chosen at run time: H×W×C maps (`shape<H, W, C>`), rank-2 samples W×C (`shape<W, C>`) and vectors n "
         "(`shape<n>`, which the summary prints as Keras does, `(None, n)`). A vector lies in memory as a 1×1×n map "
         "but is another shape. A layer takes H×W×C maps only unless its section says otherwise; any other rank is "
         "`error::layer_does_not_take_this_rank`, which names the ranks the layer takes. Options are types and may come in any order; every layer "
         "takes `name<\"...\">`, which is required (the examples leave it out). Each compile error links to "
         "the cases of the [error gallery](errors.md) that raise it, with what GCC and Clang print.\n\n"
      << errors_of({"layer_needs_a_name", "option_not_accepted_by_layer", "option_given_twice", "layer_lacks_member",
                    "layer_params_differ_from_its_weights", "layer_does_not_take_this_rank"},
                   "Compile errors of every layer");

    o << "## Input\n\nWhere a model starts: `Input<shape<H, W, C>, name<\"...\">>{}()` (or `shape<W, C>`, `shape<n>`). "
         "Every axis ≥ 1. No parameters.\n\n"
      << errors_of({"input_shape_must_be_positive"});

    o << "## Model\n\n`Model{input, output}` collects the layers between them, in Keras' summary order, and runs "
         "every layer's checks; `Model{inputs(a, b), outputs(c, d)}` takes several, and its network takes and "
         "returns tuples of tensors. Every Input the outputs depend on must be one of the model's inputs, and every "
         "input must reach an output. A name is one layer: the same layer type applied to several nodes is one "
         "shared layer (one set of weights, counted once, as a Keras layer object called twice); two different "
         "layers under one name are an error, and so is a shared layer applied to inputs that would need other "
         "weights. A model named as Keras names one (`Model{in, out, name<\"base\">{}}`) can be applied to nodes as "
         "a layer (`base(x)`): its layers join the caller's graph as `base/conv`, weights and all, and applying it "
         "twice shares them. `node_named_t<M, \"...\">` finds a layer by its name. A `network<M>` runs it, on tensors of the "
         "inputs' shapes only: passing any other tensor type is a compile error. A model that failed a check says "
         "nothing more: its constants compare equal to anything, and `summary`, `network`, `load_weights` "
         "and `node_named_t` accept it silently, so one mistake gives one diagnostic. To check a shape "
         "your program expects, `static_assert(expect_shape<decltype(model)::output_shape, shape<14, 14, 12>{}>)` "
         "shows both shapes on the first error line (a plain `static_assert(a == b)` shows neither on GCC).\n\n"
      << errors_of({"duplicate_layer_name", "shared_layer_applied_to_another_shape", "model_lacks_an_input_its_outputs_need", "model_input_not_connected", "no_layer_with_this_name",
                    "model_called_with_wrong_shape", "model_called_with_wrong_number_of_tensors", "nested_model_needs_a_name",
                    "nested_model_applied_to_another_shape", "shape_differs_from_expected"});

    // Checked by detail::check_window_hyperparameters, check_filters and require_kernel_size for both.
    const std::vector<std::string_view> convolution_errors{
        "filters_must_be_positive",       "kernel_size_must_be_positive",           "strides_must_be_positive",
        "dilation_rate_must_be_positive", "strides_and_dilation_rate_both_above_one", "option_required"};

    using conv = Conv2D<1, kernel_size<3>, name<"doc">>;
    o << "## Conv2D\n\n2-D convolution (cross-correlation), as Keras' `Conv2D`.\n\n"
      << option_header << option_row("Conv2D<filters, ...>", "output channels", "required")
      << option_row("kernel_size<kh, kw = kh>", "kernel", "required")
      << option_row("strides<sh, sw = sh>", "stride", pair_text(conv::stride))
      << option_row("valid` / `same", "padding (TF's `same`: ⌊P/2⌋ before, the rest after)", code(to_string(conv::padding)))
      << convolution_rows<conv>()
      << option_row("groups<g>", "grouped convolution (see [Conv2D groups](#conv2d-groups))", std::to_string(conv::group_count))
      << "\nOutput length: `valid` " << checked_text(r::window_valid_length) << ", `same` "
      << checked_text(r::window_same_length) << ", where " << keff_definition()
      << ". Requires, with `valid`: " << checked_text(r::window_valid_requires) << ". `same` pads "
      << checked_text(r::window_same_total_padding) << " in all, " << checked_text(r::window_same_padding_before)
      << " of it before (`L` is the output length). Keras forbids a stride and a dilation both above 1.\n\n"
      << "Along one axis, each output cell reads one window of the input; under `same` the padding (dashed) goes "
         "⌊P/2⌋ before and the rest after:\n\n"
      << pictures::embed("conv2d_windows.svg", "../images") << "\n"
         "Parameters: " << checked_text(r::conv_params) << " (`bias` is 1 with a bias vector). "
         "Weights (Keras order): kernel (kh, kw, Cin, Cout), bias (Cout,).\n\n"
      << errors_of(convolution_errors, {"kernel_larger_than_input"})
      << example_header
      << DOCS_EXAMPLE((Conv2D<1, kernel_size<3>, strides<2>>), (shape<7, 7, 1>), "the forum post's 7 → 3")
      << DOCS_EXAMPLE((Conv2D<64, kernel_size<3>, same, relu>), (shape<224, 224, 3>), "FCN-8's block1_conv1")
      << DOCS_EXAMPLE((Conv2D<4096, kernel_size<7>, same, relu>), (shape<7, 7, 512>), "FCN-8's conv6")
      << DOCS_EXAMPLE((Conv2D<8, kernel_size<3>, dilation_rate<2>>), (shape<9, 9, 2>), "k′ = 5")
      << DOCS_EXAMPLE((Conv2D<8, kernel_size<4>, strides<3>, same, no_bias>), (shape<10, 10, 2>), "⌈10/3⌉ = 4")
      << DOCS_EXAMPLE((Conv2D<8, kernel_size<3, 1>, strides<2, 1>>), (shape<9, 5, 2>), "per axis")
      << "\n";

    using transpose = Conv2DTranspose<1, kernel_size<3>, name<"doc">>;
    static_assert(!transpose::output_padding_set);
    o << "## Conv2DTranspose\n\nThe transposed convolution (the gradient of Conv2D with respect to its input), as "
         "Keras' `Conv2DTranspose`: each input pixel scatters its kernel-weighted values into a full result of "
         "length " << checked_text(r::transpose_full_length) << ", from which the output window is kept.\n\n"
      << option_header << option_row("Conv2DTranspose<filters, ...>", "output channels", "required")
      << option_row("kernel_size<kh, kw = kh>", "kernel", "required")
      << option_row("strides<sh, sw = sh>", "stride (the upsampling factor)", pair_text(transpose::stride))
      << option_row("valid` / `same", "padding", code(to_string(transpose::padding)))
      << option_row("output_padding<oh, ow = oh>", "extra rows/columns; unset is Keras' `None`, not 0", "unset")
      << convolution_rows<transpose>()
      << "\n| | `valid` | `same` |\n|---|---|---|\n"
         "| output_padding unset | " << checked_text(r::transpose_valid_length) << " | " << checked_text(r::transpose_same_length)
      << " |\n| output_padding set | " << checked_text(r::transpose_valid_length_op) << " | "
      << checked_text(r::transpose_same_length_op) << " |\n\n"
      << "where " << keff_definition() << ". Requires " << checked_text(r::transpose_output_padding_requires)
      << "; with `same` and output_padding set, an odd k′ or op ≥ 1 (TensorFlow rejects the rest). "
         "Under `same`, " << checked_text(r::transpose_same_cut_before)
      << " rows are cut before the window (`L` is the output length), so an odd extra row is cut after, as TF does.\n\n"
      << "Along one axis: every input cell places a copy of the kernel, scaled by its value, s cells after the "
         "previous one; where copies overlap their values add; then the output window is kept. Drawn from the rules "
         "and the placement the runtime kernel runs:\n\n"
      << pictures::embed("transpose_windows.svg", "../images") << "\n"
      << pictures::embed("transpose_forum_grid.svg", "../images") << "\n"
         "Parameters: " << checked_text(r::conv_transpose_params) << ". Weights (Keras order): kernel (kh, kw, Cout, Cin), "
         "bias (Cout,).\n\n"
      << errors_of(convolution_errors, {"output_padding_must_be_less_than_strides", "output_padding_must_not_be_negative",
                                        "same_padding_with_even_kernel_needs_output_padding"})
      << example_header
      << DOCS_EXAMPLE((Conv2DTranspose<1, kernel_size<3>, strides<2>>), (shape<3, 3, 1>), "the forum post's 3 → 7")
      << DOCS_EXAMPLE((Conv2DTranspose<12, kernel_size<4>, strides<2>, no_bias>), (shape<7, 7, 4096>),
                      "FCN-8: 7 → 16 (then cropped to 14)")
      << DOCS_EXAMPLE((Conv2DTranspose<12, kernel_size<4>, strides<2>, no_bias>), (shape<14, 14, 12>),
                      "FCN-8: 14 → 30 (then cropped to 28)")
      << DOCS_EXAMPLE((Conv2DTranspose<12, kernel_size<8>, strides<8>, no_bias>), (shape<28, 28, 12>), "FCN-8: 28 → 224")
      << DOCS_EXAMPLE((Conv2DTranspose<4, kernel_size<3>, strides<2>, same>), (shape<5, 5, 2>),
                      "n·s; the odd row is cut after")
      << DOCS_EXAMPLE((Conv2DTranspose<4, kernel_size<4>, strides<2>, same, output_padding<1>>), (shape<5, 5, 2>),
                      "even kernel: needs output_padding ≥ 1")
      << DOCS_EXAMPLE((Conv2DTranspose<4, kernel_size<3>, strides<3>, output_padding<2>>), (shape<4, 4, 2>),
                      "(4 − 1)·3 + 3 + 2")
      << "\n"
      << "### Conv2DTranspose, worked\n\nEach line below is the rule as printed above, then the same rule with the numbers "
         "put in; both are computed from the rule object and checked before this page is written.\n\n"
      << arithmetic::forum() << "\n" << arithmetic::short_kernel() << "\n" << arithmetic::same() << "\n"
      << pictures::embed("fcn8_up2.svg", "../images") << "\n" << arithmetic::fcn8() << "\n"
      << pictures::embed("fcn8_up8.svg", "../images") << "\n";


    using max_pool = MaxPooling2D<name<"doc">>;
    // "default: the pool size", for both pools and non-square pools.
    static_assert(MaxPooling2D<pool_size<3, 2>, name<"doc">>::stride == hw{3, 2});
    static_assert(AveragePooling2D<pool_size<3, 2>, name<"doc">>::stride == hw{3, 2});
    static_assert(AveragePooling2D<name<"doc">>::kernel == max_pool::kernel);
    o << "## MaxPooling2D, AveragePooling2D\n\nSliding-window maximum or mean, as Keras' pooling layers.\n\n"
      << option_header << option_row("pool_size<ph, pw = ph>", "window", pair_text(max_pool::kernel))
      << option_row("strides<sh, sw = sh>", "stride", "the pool size")
      << option_row("valid` / `same", "padding", code(to_string(max_pool::padding)))
      << "\nOutput length as Conv2D with k the pool and d = 1: `valid` " << checked_text(r::window_valid_length)
      << ", `same` " << checked_text(r::window_same_length) << ". Under `same`, padded cells are ignored: the maximum is "
         "over the real cells and the mean divides by their count, as TF does. No parameters.\n\n"
      << errors_of({"pool_size_must_be_positive", "strides_must_be_positive", "pool_larger_than_input"}) << example_header
      << DOCS_EXAMPLE((MaxPooling2D<>), (shape<224, 224, 64>), "FCN-8's pools halve")
      << DOCS_EXAMPLE((MaxPooling2D<>), (shape<25, 25, 256>), "⌊25/2⌋: why 200×200 breaks FCN-8")
      << DOCS_EXAMPLE((AveragePooling2D<pool_size<3>, strides<2>, same>), (shape<9, 9, 4>), "") << "\n";

    o << "## Cropping2D\n\nRemoves rows and columns at the borders, as Keras' `Cropping2D`. `cropping<c>` is "
         "((c, c), (c, c)); `cropping<h, w>` is ((h, h), (w, w)); `cropping<t, b, l, r>` is ((t, b), (l, r)); default "
      << margins_text(Cropping2D<name<"doc">>::crop) << ". Output length " << checked_text(r::crop_length) << "; requires "
      << checked_text(r::crop_requires) << ". No parameters.\n\n"
      << errors_of({"cropping_must_not_be_negative", "cropping_removes_whole_input"}) << example_header
      << DOCS_EXAMPLE((Cropping2D<cropping<1, 1>>), (shape<16, 16, 12>), "FCN-8: 16 → 14")
      << DOCS_EXAMPLE((Cropping2D<cropping<1, 1>>), (shape<30, 30, 12>), "FCN-8: 30 → 28")
      << DOCS_EXAMPLE((Cropping2D<cropping<0, 3, 2, 1>>), (shape<10, 11, 1>), "") << "\n";

    o << "## ZeroPadding2D\n\nAdds rows and columns of zeros, as Keras' `ZeroPadding2D`: `padding<...>` in the three "
         "forms of `cropping`, default " << margins_text(ZeroPadding2D<name<"doc">>::pad)
      << ". Output length " << checked_text(r::pad_length) << ". No parameters.\n\n"
      << errors_of({"padding_must_not_be_negative"}) << example_header
      << DOCS_EXAMPLE((ZeroPadding2D<>), (shape<5, 5, 3>), "")
      << DOCS_EXAMPLE((ZeroPadding2D<padding<1, 2, 3, 4>>), (shape<5, 5, 3>), "") << "\n";

    o << "## UpSampling2D\n\nRepeats rows and columns (nearest neighbour), as Keras' `UpSampling2D`: `size<fh, fw = fh>`, "
         "default " << pair_text(UpSampling2D<name<"doc">>::factor) << ". Output length " << checked_text(r::upsample_length)
      << ". With `bilinear` (default " << code(to_string(UpSampling2D<name<"doc">>::interpolation))
      << ") it interpolates as Keras does on TensorFlow 2 and in Keras 3 (`tf.image.resize`, half-pixel centres, no "
         "antialiasing): output row `o` reads input row `(o + ½)/f − ½`, clamped to the edges, blending its two "
         "neighbours; PyTorch's `interpolate(mode=\"bilinear\", align_corners=False)` agrees. (TF.js and TF 1.x Keras "
         "use the older `o/f` mapping, which ctnn does not.) No parameters.\n\n"
      << errors_of({"size_must_be_positive"}) << example_header
      << DOCS_EXAMPLE((UpSampling2D<>), (shape<7, 7, 8>), "")
      << DOCS_EXAMPLE((UpSampling2D<size<3, 1>>), (shape<7, 7, 8>), "")
      << DOCS_EXAMPLE((UpSampling2D<size<2>, bilinear>), (shape<7, 7, 8>), "interpolated") << "\n";

    o << "## Add\n\nElement-wise sum of two or more inputs of one shape. Keras would broadcast axes of size 1; ctnn does "
         "not, so that a misaligned skip connection is a compile error rather than a silent broadcast. No parameters. A sum of two folds at compile time into the `Conv2D` of linear "
         "activation that computes one of them, when nothing else reads that and the other input is computed before it "
         "(ResNet's block end, Conv2D → BatchNormalization → Add → ReLU): the convolution adds the other input before its "
         "activation and writes the sum, and an activation after the Add folds into it too.\n\n"
      << errors_of({"add_inputs_have_different_shapes", "wrong_number_of_inputs"}) << example_header
      << DOCS_EXAMPLE((Add<>), (shape<14, 14, 12>, shape<14, 14, 12>), "FCN-8's first skip connection")
      << DOCS_EXAMPLE((Add<>), (shape<7, 7, 4>, shape<7, 7, 4>, shape<7, 7, 4>), "") << "\n";

    o << "## Concatenate\n\nJoins two or more inputs along the channel axis (Keras' `axis=-1`): equal H and W, output "
         "channels the sum. No parameters.\n\n"
      << errors_of({"concatenate_inputs_differ_in_height_or_width", "wrong_number_of_inputs"}) << example_header
      << DOCS_EXAMPLE((Concatenate<>), (shape<28, 28, 256>, shape<28, 28, 12>), "") << "\n";

    o << "## Activation\n\nApplies an activation function on its own (default "
      << code(to_string(Activation<name<"doc">>::activation))
      << "); takes any rank. The same functions are the `activation` option of Conv2D, Conv2DTranspose and Dense. "
         "Keras 3's definitions:\n\n"
         "| option | computes |\n|---|---|\n"
         "| `linear` | x |\n| `relu` | max(x, 0) |\n| `relu6` | min(max(x, 0), 6) |\n"
         "| `sigmoid` | 1 / (1 + e^−x) |\n| `tanh` | tanh x |\n"
         "| `hard_sigmoid` | relu6(x + 3) / 6 — Keras 3's and PyTorch's; Keras 2's was clip(0.2·x + 0.5, 0, 1) |\n"
         "| `silu` (alias `swish`) | x·sigmoid(x) |\n| `hard_silu` (alias `hard_swish`) | x·relu6(x + 3) / 6 |\n"
         "| `gelu` | x·(1 + erf(x/√2)) / 2, the exact form (Keras' `approximate=False`), not the tanh approximation |\n"
         "| `softplus` | log(1 + eˣ) |\n| `elu` | x for x > 0, eˣ − 1 otherwise (α = 1; the ELU layer takes others) |\n"
         "| `softmax` | over the last axis (a map's channels, per pixel), after subtracting the maximum (finite for any logits) |\n\n"
         "No parameters. Folded at compile time, like a BatchNormalization (see there), into a `Conv2D`, "
         "`DepthwiseConv2D`, `SeparableConv2D`, `Conv2DTranspose` or `Dense` of linear activation that it reads (or whose folded "
         "BatchNormalization it reads) when nothing else reads that: the layer's kernel applies it.\n\n"
      << example_header << DOCS_EXAMPLE((Activation<softmax>), (shape<224, 224, 12>), "FCN-8's last layer")
      << DOCS_EXAMPLE((Activation<hard_swish>), (shape<1000>), "") << "\n";

    // ---- The classic-CNN layers of issue 9, part A -------------------------------------------
    using dense = Dense<1, name<"doc">>;
    o << "## Dense\n\nA fully connected layer on the last axis, as Keras' `Dense`: on a vector, or on every position of a "
         "W×C or H×W×C sample alone (where it is a 1×1 convolution). Takes any rank; the output is the input's shape with "
         "its last axis replaced by `units`.\n\n"
      << option_header << option_row("Dense<units, ...>", "output length of the last axis", "required")
      << option_row("use_bias<bool>` / `no_bias", "bias vector", code(dense::bias ? "true" : "false"))
      << option_row("linear` / `relu` / … / `gelu", "activation (any of Activation's)", code(to_string(dense::activation)))
      << "\nParameters: " << checked_text(r::dense_params)
      << " (`Cin` the input's last axis, `Cout` the units, `bias` 1 with a bias vector). Weights (Keras order): kernel "
         "(Cin, Cout), bias (Cout,). PyTorch's `Linear` stores its weight as (Cout, Cin): transpose it when importing.\n\n"
      << errors_of({"units_must_be_positive"}) << example_header
      << DOCS_EXAMPLE((Dense<4096, relu>), (shape<25088>), "VGG16's fc1")
      << DOCS_EXAMPLE((Dense<1000, softmax>), (shape<2048>), "ResNet50's predictions")
      << DOCS_EXAMPLE((Dense<8, no_bias>), (shape<7, 7, 32>), "per pixel") << "\n";

    o << "## Flatten\n\nA sample as one vector, row-major over (H, W, C) as Keras' `Flatten` on NHWC (PyTorch flattens "
         "NCHW as (C, H, W): a PyTorch classifier's first `Linear` needs its columns permuted when imported). Takes any "
         "rank. No parameters.\n\n"
      << example_header << DOCS_EXAMPLE((Flatten<>), (shape<7, 7, 512>), "VGG16's flatten")
      << DOCS_EXAMPLE((Flatten<>), (shape<5, 3>), "") << "\n";

    o << "## Reshape\n\nThe same values, row-major, under `target_shape<...>` (required): one to three axes as Keras' "
         "tuple without the batch axis, one of which may be -1 (the length that makes the counts agree). Takes any rank. "
         "No parameters.\n\n"
      << errors_of({"reshape_target_has_more_than_one_unknown_axis", "reshape_target_axes_must_be_positive",
                    "reshape_changes_the_element_count", "option_required"})
      << example_header << DOCS_EXAMPLE((Reshape<target_shape<1, 1, 1024>>), (shape<1024>), "MobileNet's head")
      << DOCS_EXAMPLE((Reshape<target_shape<-1, 16>>), (shape<8, 8, 4>), "") << "\n";

    o << "## GlobalAveragePooling2D, GlobalMaxPooling2D\n\nThe mean or maximum of each channel over the whole map, as "
         "Keras' global pooling layers. `keepdims<bool>` (default "
      << code(GlobalAveragePooling2D<name<"doc">>::keep_dims ? "true" : "false")
      << ") keeps the reduced axes as 1×1×C instead of a vector of C. Takes H×W×C maps. No parameters.\n\n"
      << example_header << DOCS_EXAMPLE((GlobalAveragePooling2D<>), (shape<7, 7, 2048>), "ResNet50's avg_pool")
      << DOCS_EXAMPLE((GlobalMaxPooling2D<keepdims<true>>), (shape<7, 7, 1280>), "") << "\n";

    o << "## ReLU, LeakyReLU\n\nRectifiers as layers, with Keras' settings; options are numbers (`max_value<6>`, "
         "`negative_slope<\"0.1\">`). `ReLU<[max_value<N>], [negative_slope<N>], [threshold<N>]>`: no cap unless "
         "max_value is given; negative_slope and threshold default to "
      << ReLU<name<"doc">>::slope.as_double() << " and " << ReLU<name<"doc">>::from.as_double()
      << "; it computes Keras' f(x) = max_value for x ≥ max_value, x for threshold ≤ x < max_value, "
         "negative_slope·(x − threshold) otherwise — except at x = threshold ≠ 0 exactly, where Keras' code (a strict "
         "x > threshold) gives 0, and so does ctnn. `LeakyReLU<[negative_slope<N>]>`: x for x > 0, negative_slope·x "
         "otherwise, default negative_slope "
      << LeakyReLU<name<"doc">>::slope.as_double()
      << " (Keras 2 and 3; PyTorch's and ONNX's 0.01 differ). Keras refuses negative settings, and so does ctnn. Both "
         "take any rank. No parameters. A ReLU with neither negative_slope nor threshold, and no max_value or 6, is the "
         "activation `relu` or `relu6`, and folds as an Activation does (MobileNetV2's ReLU(6.) after each "
         "BatchNormalization).\n\n"
      << errors_of({"max_value_must_not_be_negative", "negative_slope_must_not_be_negative", "threshold_must_not_be_negative"})
      << example_header << DOCS_EXAMPLE((ReLU<max_value<6>>), (shape<112, 112, 32>), "MobileNetV2's ReLU(6.)")
      << DOCS_EXAMPLE((LeakyReLU<negative_slope<"0.1">>), (shape<13, 13, 256>), "YOLO's") << "\n";

    o << "## PReLU\n\nA rectifier with a learnt slope, as Keras' `PReLU`: x for x > 0, alpha·x otherwise. alpha has the "
         "input's shape, but for the axes named by `shared_axes<A...>` (Keras' numbering, the batch axis 0: a map's axes "
         "are 1 = H, 2 = W, 3 = C), where it has length 1 and serves every position; `shared_axes<1, 2>` gives one alpha "
         "per channel. Takes any rank. Parameters: the size of alpha. Weights: alpha (the input's shape, shared axes 1), "
         "zeros by default as in Keras.\n\n"
      << errors_of({"shared_axes_outside_the_input"}) << example_header
      << DOCS_EXAMPLE((PReLU<shared_axes<1, 2>>), (shape<56, 56, 64>), "one alpha per channel")
      << DOCS_EXAMPLE((PReLU<>), (shape<10>), "") << "\n";

    o << "## ELU\n\nx for x > 0, α·(eˣ − 1) otherwise, as Keras' `ELU`: `alpha<N>`, default "
      << ELU<name<"doc">>::alpha_value.as_double() << ". Takes any rank. No parameters.\n\n"
      << example_header << DOCS_EXAMPLE((ELU<alpha<"0.5">>), (shape<64>), "") << "\n";

    o << "## Softmax\n\nThe softmax as a layer, as Keras' `Softmax`, over the last axis: `axis<-1>` (the default) or the "
         "last axis' index counting Keras' batch axis (1 for a vector, 2 for rank 2, 3 for a map). Takes any rank. No "
         "parameters.\n\n"
      << errors_of({"softmax_axis_is_not_the_last"}) << example_header
      << DOCS_EXAMPLE((Softmax<>), (shape<1000>), "") << DOCS_EXAMPLE((Softmax<axis<3>>), (shape<14, 14, 21>), "") << "\n";

    o << "## Dropout, SpatialDropout2D, GaussianNoise\n\nRegularisation that acts while training only: identities here, "
         "kept so that Keras models keep their layers and names. `rate<N>` (Dropout, SpatialDropout2D) and `stddev<N>` "
         "(GaussianNoise) are required, as in Keras, and between 0 and 1, as Keras 3 checks. Dropout and GaussianNoise "
         "take any rank; SpatialDropout2D, which drops whole channels, takes H×W×C maps. No parameters.\n\n"
      << errors_of({"rate_must_be_between_0_and_1", "stddev_must_be_between_0_and_1", "option_required"}) << example_header
      << DOCS_EXAMPLE((Dropout<rate<"0.5">>), (shape<4096>), "VGG-style heads")
      << DOCS_EXAMPLE((SpatialDropout2D<rate<"0.2">>), (shape<28, 28, 64>), "")
      << DOCS_EXAMPLE((GaussianNoise<stddev<"0.1">>), (shape<16>), "") << "\n";

    o << "## Rescaling\n\nx·scale + offset, as Keras' `Rescaling`: `scale<N>` required, `offset<N>` default "
      << Rescaling<scale<1>, name<"doc">>::shift.as_double()
      << "; numbers are exact fractions or decimals (`scale<\"1/255\">`; `scale<\"2/255\">, offset<-1>` maps [0, 255] to "
         "[-1, 1] as MobileNetV2 expects). Takes any rank. No parameters. After a convolution, or after its activation, "
         "it folds as a BatchNormalization does (see there), being the same affine map on every channel (PP-OCRv4's "
         "learnable affine blocks, imported from ONNX as Rescaling).\n\n"
      << errors_of({"option_required"}) << example_header << DOCS_EXAMPLE((Rescaling<scale<"1/255">>), (shape<224, 224, 3>), "") << "\n";

    // ---- Issue 9, part B: BatchNormalization, depthwise and separable convolutions, groups,
    // broadcasting merges -----------------------------------------------------------------------
    using batch_norm = BatchNormalization<name<"doc">>;
    o << "## BatchNormalization\n\nNormalises each channel (the last axis) with its moving statistics, as Keras' "
         "`BatchNormalization` does at inference: `y = gamma·(x − moving_mean)/√(moving_variance + epsilon) + beta`.\n\n"
      << option_header << option_row("epsilon<\"...\">", "added to the variance (an exact decimal or fraction)",
                                      code(number_text(batch_norm::eps)))
      << option_row("scale<bool>", "multiply by gamma", code(batch_norm::has_gamma ? "true" : "false"))
      << option_row("center<bool>", "add beta", code(batch_norm::has_beta ? "true" : "false"))
      << option_row("momentum<...>", "a training setting: accepted, and ignored at inference", "—")
      << "\nkeras.applications' ResNet and DenseNet pass `epsilon<\"1.001e-5\">`; MobileNetV2 keeps the default. "
         "Requires epsilon > 0. Parameters: C·(2 + [scale] + [center]). Weights (Keras order): gamma (C,), beta (C,), "
         "moving_mean (C,), moving_variance (C,); the moving statistics are non-trainable, so the summary splits "
         "trainable from non-trainable parameters as Keras does (ResNet50: 53,120 non-trainable).\n\n"
         "**Folding.** When a BatchNormalization reads a `Conv2D`, `DepthwiseConv2D`, `SeparableConv2D` or `Conv2DTranspose` whose activation "
         "is linear and whose output nothing else reads, the model knows it at compile time (`ctnn::folding<M>`): the "
         "network scales that layer's kernel by `gamma/√(moving_variance + epsilon)` per output channel and shifts its "
         "bias (adding one if the layer has none) whenever weights are set or loaded, and skips the BatchNormalization "
         "at run time; the layer writes the BatchNormalization's buffer. The weights as set are kept, and are what "
         "`save_weights` writes. An activation layer after the BatchNormalization (an `Activation`, or a `ReLU` that is "
         "relu or relu6) folds too, under the same rule: the layer applies it, and writes its buffer. A "
         "BatchNormalization that reads anything else (DenseNet's, after each Concatenate) folds, with its activation, "
         "into the 1×1 `Conv2D` of stride 1 that alone reads it: the convolution reads the BatchNormalization's input "
         "and applies the scale, shift and activation to each value as it reads it, so that the normalized map is "
         "never written. One after an activation (Keras' `Conv2D` → `ReLU` → BatchNormalization, or a `Conv2D` or "
         "`DepthwiseConv2D` with an activation of its own), under the same rule, folds into that layer as a map of its "
         "output: the layer's kernels scale and shift each value after the activation.\n\n"
      << errors_of({"epsilon_must_be_positive"}) << example_header
      << DOCS_EXAMPLE((BatchNormalization<epsilon<"1.001e-5">>), (shape<112, 112, 64>), "ResNet50's conv1_bn")
      << DOCS_EXAMPLE((BatchNormalization<scale<false>>), (shape<7, 7, 32>), "no gamma") << "\n";

    using depthwise = DepthwiseConv2D<kernel_size<3>, name<"doc">>;
    o << "## DepthwiseConv2D\n\nOne kh×kw filter per input channel and per `depth_multiplier`, as Keras' "
         "`DepthwiseConv2D`: output channel `c·m + j` filters input channel `c`.\n\n"
      << option_header << option_row("kernel_size<kh, kw = kh>", "kernel", "required")
      << option_row("strides<sh, sw = sh>", "stride", pair_text(depthwise::stride))
      << option_row("valid` / `same", "padding (TF's placement, as Conv2D)", code(to_string(depthwise::padding)))
      << option_row("depth_multiplier<m>", "output channels per input channel", std::to_string(depthwise::multiplier))
      << convolution_rows<depthwise>()
      << "\nOutput length as Conv2D's; output channels Cin·m. Parameters: " << checked_text(r::depthwise_params)
      << " with `Cout = Cin·m`. Weights (Keras order): depthwise_kernel (kh, kw, Cin, m), bias (Cin·m,).\n\n"
         "**Folding.** A 3×3 or 5×5 DepthwiseConv2D of multiplier 1 that alone reads a 1×1 `Conv2D` of stride 1 "
         "(with the BatchNormalization and activation folded into it, other than softmax; through a ZeroPadding2D or "
         "not) takes that convolution in when its output is at least 1 MiB a sample (MobileNetV2's first three "
         "expansions at 224×224): it reads the convolution's input and has it compute the rows its windows need, a band "
         "at a time, so that the expanded map is never written.\n\n"
      << errors_of({"kernel_size_must_be_positive", "strides_must_be_positive", "dilation_rate_must_be_positive",
                    "strides_and_dilation_rate_both_above_one", "option_required", "kernel_larger_than_input",
                    "depth_multiplier_must_be_positive"})
      << example_header
      << DOCS_EXAMPLE((DepthwiseConv2D<kernel_size<3>, strides<2>, no_bias>), (shape<113, 113, 96>),
                      "MobileNetV2's block_1_depthwise, after its ZeroPadding2D")
      << DOCS_EXAMPLE((DepthwiseConv2D<kernel_size<3>, same, depth_multiplier<2>>), (shape<14, 14, 8>), "m = 2") << "\n";

    using separable = SeparableConv2D<1, kernel_size<3>, name<"doc">>;
    o << "## SeparableConv2D\n\nA depthwise step (as DepthwiseConv2D, without bias) then a 1×1 convolution to `filters` "
         "channels, as Keras' `SeparableConv2D`; the bias and the activation come after the pointwise step.\n\n"
      << option_header << option_row("SeparableConv2D<filters, ...>", "output channels", "required")
      << option_row("kernel_size<kh, kw = kh>", "kernel", "required")
      << option_row("strides<sh, sw = sh>", "stride", pair_text(separable::stride))
      << option_row("valid` / `same", "padding", code(to_string(separable::padding)))
      << option_row("depth_multiplier<m>", "channels of the depthwise step per input channel", std::to_string(separable::multiplier))
      << convolution_rows<separable>()
      << "\nOutput length as Conv2D's. Parameters: the depthwise step's " << checked_text(r::depthwise_params)
      << " without bias (`Cout = Cin·m`), plus the pointwise step's " << checked_text(r::conv_params)
      << " with `kh = kw = 1`, `Cin` the depthwise step's Cin·m and `Cout` the filters. Weights (Keras order): "
         "depthwise_kernel (kh, kw, Cin, m), pointwise_kernel (1, 1, Cin·m, filters), bias (filters,).\n\n"
      << errors_of({"filters_must_be_positive", "depth_multiplier_must_be_positive", "kernel_larger_than_input"})
      << example_header
      << DOCS_EXAMPLE((SeparableConv2D<128, kernel_size<3>, same, no_bias>), (shape<147, 147, 64>),
                      "Xception's block2_sepconv1") << "\n";

    o << "## Conv2D groups\n\n`Conv2D<F, ..., groups<g>>` is Keras' grouped convolution: the input channels and the "
         "filters split into g groups, and output channel `o` reads only the input channels of its group "
         "`⌊o/(F/g)⌋`. Both the filters and the input channels must be divisible by g. Parameters: Conv2D's "
      << checked_text(r::conv_params) << " with `Cin` the channels of one group (Cin/g). Weights (Keras order): "
         "kernel (kh, kw, Cin/g, F), bias (F,).\n\n"
      << errors_of({"groups_must_be_positive", "filters_not_divisible_by_groups", "input_channels_not_divisible_by_groups"})
      << example_header
      << DOCS_EXAMPLE((Conv2D<128, kernel_size<3>, same, groups<32>, no_bias>), (shape<56, 56, 128>),
                      "ResNeXt's cardinality 32") << "\n";

    o << "## Multiply, Subtract, Average, Maximum, Minimum\n\nElement-wise product, difference (exactly two inputs: the "
         "first minus the second), mean, maximum and minimum of two or more inputs, as Keras' merge layers, which "
         "broadcast as NumPy does: along each axis (H, W, C) the lengths are equal or one of them is 1, and the output "
         "takes the longer. So a squeeze-and-excitation gate 1×1×C scales an H×W×C map, and an H×W×1 mask one of any "
         "depth. Each input is checked against the broadcast of the inputs before it; a pair that cannot broadcast is "
         "a compile error naming the layer and both shapes. (`Add` does not broadcast: see Add.) No parameters.\n\n"
      << errors_of({"inputs_cannot_broadcast", "wrong_number_of_inputs"}) << example_header
      << DOCS_EXAMPLE((Multiply<>), (shape<14, 14, 64>, shape<1, 1, 64>), "squeeze-and-excitation")
      << DOCS_EXAMPLE((Subtract<>), (shape<14, 14, 64>, shape<14, 14, 1>), "")
      << DOCS_EXAMPLE((Average<>), (shape<8, 1, 4>, shape<1, 8, 1>, shape<8, 8, 4>), "every axis broadcast")
      << DOCS_EXAMPLE((Maximum<>), (shape<7, 7, 3>, shape<7, 7, 3>), "")
      << DOCS_EXAMPLE((Minimum<>), (shape<7, 7, 3>, shape<1, 1, 1>), "") << "\n";

}
/// The first word of each layer named in the sections' headings ("## MaxPooling2D, AveragePooling2D").
inline std::set<std::string> documented_kinds(const std::string& sections) {
    std::set<std::string> kinds;
    std::istringstream in(sections);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("## ", 0) != 0) continue;
        std::istringstream names(line.substr(3));
        for (std::string name; std::getline(names, name, ',');) {
            name.erase(0, name.find_first_not_of(' '));
            kinds.insert(name.substr(0, name.find(' ')));
        }
    }
    return kinds;
}

/// A section for each layer kind a header under include/ctnn/layers/ declares (`kind = "..."`)
/// and no section above documents: its header's contract comment and its own diagnostics. So a
/// new layer is in the reference as soon as its header exists; a hand-written section (with
/// printed formulas and computed examples) can replace this one later.
inline void write_undocumented(std::ostream& o, const std::string& sections, const std::string& source_dir,
                               error_lists& errors_of) {
    const auto documented = documented_kinds(sections);
    std::vector<std::filesystem::path> layer_headers;
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(source_dir) / "include" / "ctnn" / "layers"))
        if (e.path().extension() == ".hpp") layer_headers.push_back(e.path());
    std::sort(layer_headers.begin(), layer_headers.end());
    for (const auto& header : layer_headers) {
        std::ifstream in(header);
        std::string comment, text, line;
        bool in_comment = true;
        std::vector<std::string> kinds;
        while (std::getline(in, line)) {
            if (in_comment && line.rfind("//", 0) == 0 && line.find("SPDX-License-Identifier") == std::string::npos)
                comment += (line.size() > 3 ? line.substr(3) : std::string()) + "\n";
            else in_comment = false;
            const std::string marker = "static constexpr std::string_view kind = \"";
            if (const auto at = line.find(marker); at != std::string::npos) {
                const auto begin = at + marker.size();
                kinds.push_back(line.substr(begin, line.find('"', begin) - begin));
            }
        }
        std::vector<std::string> missing;
        for (const auto& kind : kinds)
            if (!documented.contains(kind) && !(kind.ends_with("Layer") && documented.contains(kind.substr(0, kind.size() - 5))))
                missing.push_back(kind);
        if (missing.empty()) continue;
        std::string heading;
        for (const auto& kind : missing) heading += (heading.empty() ? "" : ", ") + kind;
        o << "## " << heading << "\n\nFrom `include/ctnn/layers/" << header.filename().string()
          << "` (no hand-written section yet):\n\n```text\n" << comment << "```\n\n";
        const auto own = errors::declared_in(header);
        if (!own.empty()) {
            std::vector<std::string_view> names(own.begin(), own.end());
            o << errors_of(names, {});
        }
    }
}

inline void write(std::ostream& o, const std::string& source_dir, error_lists& errors_of) {
    std::ostringstream sections;
    write_sections(sections, errors_of);
    o << sections.str();
    write_undocumented(o, sections.str(), source_dir, errors_of);
    errors_of.check_all_listed();
    o << "---\n\n" << checked << " evaluations of the printed formulas agreed with the rules when this page was generated.\n";
}

}  // namespace docs::layers
