// Weight files of ctnn models: NumPy .npz archives keyed `<layer name>/kernel` and
// `<layer name>/bias`, in Keras' layouts, checked array by array against the typed model.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <ctnn/io/npz.hpp>
#include <ctnn/runtime/network.hpp>

namespace ctnn::io {

namespace detail {
inline std::vector<std::int64_t> dims_of(const weight_spec& spec) {
    return {spec.shape.begin(), spec.shape.begin() + spec.rank};
}

/// Checks every array of `file` against model `M` (names, dtypes, shapes, nothing missing and
/// nothing extra) and reads them into fresh storage. Throws file_error on the first problem.
template <class M>
typename network<M>::weight_storage read_checked(const npz_reader& file) {
    using net = network<M>;
    for (const auto& spec : net::weights) {
        const std::string key = spec.key();
        if (!file.contains(key))
            throw file_error(file.name() + ": missing array '" + key + "' (layer " + std::string(spec.layer) +
                             " expects float32 " + shape_text(dims_of(spec)) + ")");
        const npy_header h = file.header(key);
        if (h.shape != dims_of(spec))
            throw file_error(file.name() + ": '" + key + "' has shape " + shape_text(h.shape) + ", but layer " +
                             std::string(spec.layer) + " expects " + shape_text(dims_of(spec)));
    }
    for (const auto& key : file.keys()) {
        bool known = false;
        for (const auto& spec : net::weights) known = known || spec.key() == key;
        if (!known) throw file_error(file.name() + ": array '" + key + "' matches no weight of the model");
    }
    auto storage = net::allocate_weights();
    for (std::size_t i = 0; i != net::weights.size(); ++i)
        file.read(net::weights[i].key(), {storage[i].data.get(), storage[i].size});
    return storage;
}
}  // namespace detail

/// Loads weights into `net`. Every array is checked and read before any is replaced, so a load
/// that throws leaves the network's weights as they were.
template <class M>
void load_weights(network<M>& net, const std::filesystem::path& path) {
    if constexpr (invalid_model<M>) {
        static_cast<void>(net), static_cast<void>(path);  // the model's diagnostic was given
    } else {
        net.replace_weights(detail::read_checked<std::remove_cv_t<M>>(npz_reader(path)));
    }
}

/// A network whose weights come from `path`, without first initialising others: loading a
/// 540 MB file then needs 540 MB, not twice that.
template <class In, class Out, class Name>
network<Model<In, Out, Name>> load_network(Model<In, Out, Name> model, const std::filesystem::path& path) {
    if constexpr (invalid_model<Model<In, Out, Name>>) {
        static_cast<void>(path);  // the model's diagnostic was given
        return network<Model<In, Out, Name>>(model);
    } else {
        return network<Model<In, Out, Name>>(model, detail::read_checked<Model<In, Out, Name>>(npz_reader(path)));
    }
}

/// Saves `net`'s weights (np.savez layout, uncompressed), replacing `path` only once the whole
/// archive is written.
template <class M>
void save_weights(const network<M>& net, const std::filesystem::path& path) {
    std::vector<npz_entry> entries;
    for (std::size_t i = 0; i != network<M>::weights.size(); ++i) {
        const auto& spec = network<M>::weights[i];
        entries.push_back({spec.key(), detail::dims_of(spec), net.values(i)});
    }
    write_npz(path, entries);
}

}  // namespace ctnn::io
