// Keras-style model summary: layer (type), output shape, parameters, connections, totals.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include <ctnn/graph/memory_plan.hpp>
#include <ctnn/graph/model.hpp>

namespace ctnn {

namespace detail {
/// 135067736 → "135,067,736", as Keras prints its totals.
inline std::string with_thousands(std::int64_t v) {
    std::string digits = std::to_string(v < 0 ? -v : v), out;
    for (std::size_t i = 0; i != digits.size(); ++i) {
        if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return v < 0 ? "-" + out : out;
}

inline std::string megabytes(std::int64_t bytes) {
    const auto tenths = (bytes * 10 + 524'288) / 1'048'576;
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " MiB";
}

/// As Keras prints a shape with its batch axis: (None, 4096), (None, 7, 512), (None, 7, 7, 512).
inline std::string keras_shape(dims d) {
    std::string s = "(None, ";
    if (d.rank >= 3) s += std::to_string(d.height) + ", ";
    if (d.rank >= 2) s += std::to_string(d.width) + ", ";
    return s + std::to_string(d.channels) + ")";
}

inline std::string padded(const std::string& s, std::size_t width) {
    // Width in code points, so that no multi-byte character shifts the columns.
    std::size_t points = 0;
    for (const char c : s) points += (static_cast<unsigned char>(c) & 0xC0u) != 0x80u;
    return s + std::string(width > points ? width - points : 0, ' ');
}
/// The summary of a model that passed its checks.
template <class M>
void summary_of(std::ostream& os, std::string_view title) {
    struct row {
        std::string layer, shape, params;
        std::vector<std::string> inputs;
    };
    // One row per layer: a layer applied to several nodes (shared) lists every connection, and
    // shows "multiple" where its applications' shapes differ, as Keras does.
    std::vector<row> rows;
    std::vector<std::size_t> row_of(M::layer_count);
    for (std::size_t i = 0; i != M::layer_count; ++i) {
        const auto& l = M::layers[i];
        if (M::owner[i] == i) {
            row_of[i] = rows.size();
            rows.push_back({std::string(l.name) + " (" + std::string(l.kind) + ")", detail::keras_shape(l.output_shape),
                            std::to_string(l.params), {}});
        } else {
            row_of[i] = row_of[M::owner[i]];
            if (!(l.output_shape == M::layers[M::owner[i]].output_shape)) rows[row_of[i]].shape = "multiple";
        }
        for (std::size_t e = 0; e != l.input_count; ++e) {
            const std::size_t from = M::edges[l.first_input + e];
            rows[row_of[i]].inputs.push_back(std::string(M::layers[from].name) + "[" + std::to_string(M::application[from]) + "][0]");
        }
    }
    std::size_t w0 = 12, w1 = 12, w2 = 7, w3 = 12;
    for (const auto& r : rows) {
        w0 = std::max(w0, r.layer.size());
        w1 = std::max(w1, r.shape.size());
        w2 = std::max(w2, r.params.size());
        for (const auto& i : r.inputs) w3 = std::max(w3, i.size());
    }
    w0 += 3, w1 += 3, w2 += 3;
    const std::size_t line = w0 + w1 + w2 + w3 + 1;
    os << "Model: \"" << title << "\"\n" << std::string(line, '_') << '\n';
    os << ' ' << detail::padded("Layer (type)", w0) << detail::padded("Output Shape", w1) << detail::padded("Param #", w2)
       << "Connected to\n"
       << std::string(line, '=') << '\n';
    for (std::size_t i = 0; i != rows.size(); ++i) {
        const auto& r = rows[i];
        os << ' ' << detail::padded(r.layer, w0) << detail::padded(r.shape, w1) << detail::padded(r.params, w2)
           << (r.inputs.empty() ? "[]" : r.inputs.front()) << '\n';
        for (std::size_t k = 1; k < r.inputs.size(); ++k)
            os << ' ' << std::string(w0 + w1 + w2, ' ') << r.inputs[k] << '\n';
        os << std::string(line, i + 1 == rows.size() ? '=' : '_') << '\n';
    }
    os << "Total params: " << detail::with_thousands(M::total_params) << '\n'
       << "Trainable params: " << detail::with_thousands(M::trainable_params) << '\n'
       << "Non-trainable params: " << detail::with_thousands(M::non_trainable_params) << '\n'
       << "Weights: " << detail::megabytes(M::total_params * 4) << " (float32)\n"
       << "Peak activation memory: " << detail::megabytes(memory_plan<M>.peak * 4) << " per sample\n";
}
}  // namespace detail

/// Prints the summary of model type `M` as Keras' `model.summary()` does for a functional model
/// (columns sized to fit instead of wrapped). The numbers are the model's constants. The title
/// is the model's name unless one is given. Layers of a model applied as a layer are listed under
/// their prefixed names, as Keras' `summary(expand_nested=True)` lists them.
template <class In, class Out, class Name>
void summary(const Model<In, Out, Name>&, std::ostream& os, std::string_view title = {}) {
    using M = Model<In, Out, Name>;
    if constexpr (invalid_model<M>) {
        static_cast<void>(os), static_cast<void>(title);  // the model's diagnostic was given
    } else {
        if (title.empty()) title = M::model_name.empty() ? std::string_view{"model"} : M::model_name;
        detail::summary_of<M>(os, title);
    }
}

}  // namespace ctnn
