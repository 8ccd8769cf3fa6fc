// Weights read straight from Keras files into a typed model, checked layer by layer: a Keras 3
// `.keras` archive (or TF-Keras 2.13+'s), a legacy `.h5` saved by `model.save` (Keras 2 or 3) and
// a legacy `.h5` saved by `model.save_weights`. Needs HDF5 (link ctnn::keras), unlike the rest
// of ctnn: HDF5 is a complex format and its reference library is the only sound reader of it.
//
// Weights are found by path, never by order across layers:
// - legacy .h5: `model_weights/<layer>/<layer>/kernel:0` (Keras 2; `kernel` in Keras 3). A
//   dataset's layer is the group that holds it, so the layers of a nested model
//   (`model_weights/sequential_1/Conv1/kernel:0`) are found under their own names.
// - .keras: `layers/conv2d_1/vars/0` — Keras names the groups by class and position
//   (saving_lib), not by layer, so config.json's layer list maps each layer name to its group;
//   a layer's `vars/i` is its i-th weight in Keras' variable order, which is the order the ctnn
//   layer declares its weights in. Nested models are nested groups.
// A layer name must be found once in the whole tree; a name found twice is an error.
//
// Every mismatch is reported, one line each, in one file_error; nothing is replaced unless all
// of the file matches. Only float32 arrays load: Keras would cast a float64 or float16 array,
// but such a file comes from a model other than the float32 one written in C++, and a silent
// cast is the kind of difference these checks exist to report.
//
// HDF5's library state (its error printing) is process-wide and Debian's build is not
// thread-safe: load Keras files from one thread at a time, and not while other code uses HDF5.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <hdf5.h>
#include <zip.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <ctnn/io/npy.hpp>
#include <ctnn/io/npz.hpp>
#include <ctnn/runtime/network.hpp>

namespace ctnn::io {

namespace keras_detail {

// --- HDF5 handles and errors -------------------------------------------------------------------

/// An HDF5 identifier closed by `close` when it goes.
class handle {
public:
    handle() = default;
    handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
    handle(const handle&) = delete;
    handle& operator=(const handle&) = delete;
    handle(handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), close_(o.close_) {}
    handle& operator=(handle&& o) noexcept {
        std::swap(id_, o.id_), std::swap(close_, o.close_);
        return *this;
    }
    ~handle() {
        if (id_ >= 0) close_(id_);
    }
    hid_t get() const { return id_; }
    explicit operator bool() const { return id_ >= 0; }

private:
    hid_t id_ = H5I_INVALID_HID;
    herr_t (*close_)(hid_t) = nullptr;
};

/// While it lives, HDF5 prints nothing to stderr (its default on any failure); the failures become
/// our exceptions instead. Restores whatever printing the program had set.
class quiet_hdf5 {
public:
    quiet_hdf5() {
        H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    }
    quiet_hdf5(const quiet_hdf5&) = delete;
    quiet_hdf5& operator=(const quiet_hdf5&) = delete;
    ~quiet_hdf5() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }

private:
    H5E_auto2_t func_ = nullptr;
    void* data_ = nullptr;
};

/// The deepest description on HDF5's error stack (the most specific: "truncated file: eof = ..."),
/// and clears the stack.
inline std::string hdf5_reason() {
    std::string deepest;
    H5Ewalk2(
        H5E_DEFAULT, H5E_WALK_DOWNWARD,
        [](unsigned, const H5E_error2_t* e, void* out) -> herr_t {
            if (e->desc != nullptr && *e->desc != '\0') *static_cast<std::string*>(out) = e->desc;
            return 0;
        },
        &deepest);
    H5Eclear2(H5E_DEFAULT);
    return deepest.empty() ? "HDF5 gave no reason" : deepest;
}

inline bool has_link(hid_t group, const std::string& name) {
    // H5Lexists on "a/b" fails when "a" is missing, so each step is checked.
    std::size_t start = 0;
    for (;;) {
        const std::size_t slash = name.find('/', start);
        const std::string prefix = name.substr(0, slash);
        if (H5Lexists(group, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
        if (slash == std::string::npos) return true;
        start = slash + 1;
    }
}

inline bool is_group(hid_t parent, const std::string& name) {
    if (!has_link(parent, name)) return false;
    const handle o(H5Oopen(parent, name.c_str(), H5P_DEFAULT), H5Oclose);
    return o && H5Iget_type(o.get()) == H5I_GROUP;
}

// --- What a file holds ---------------------------------------------------------------------------

/// One array of the file: where it is and what it is, before anything is read.
struct array_info {
    std::string name;  // the weight's name ("kernel"), or "" when the file numbers them (vars/0)
    std::string path;  // its dataset, from the file's root
    std::vector<std::int64_t> shape;
    std::string dtype;  // "float32", "float64", "int64", ...
};

/// One layer of the file, with its arrays in the file's order.
struct layer_info {
    std::string name;
    std::string where;  // its group, for messages
    bool numbered = false;  // arrays are vars/0, vars/1, ... in Keras' variable order
    std::vector<array_info> arrays;
};

inline std::string dtype_of(hid_t type) {
    const std::size_t bits = H5Tget_size(type) * 8;
    switch (H5Tget_class(type)) {
        case H5T_FLOAT: return "float" + std::to_string(bits);
        case H5T_INTEGER: return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(bits);
        case H5T_STRING: return "string";
        case H5T_COMPOUND: return "compound";
        default: return "an HDF5 type of class " + std::to_string(static_cast<int>(H5Tget_class(type)));
    }
}

inline array_info describe(hid_t root, const std::string& path, std::string name, const std::string& file) {
    const handle d(H5Dopen2(root, path.c_str(), H5P_DEFAULT), H5Dclose);
    if (!d) throw file_error(file + ": cannot open dataset '" + path + "' (" + hdf5_reason() + ")");
    const handle type(H5Dget_type(d.get()), H5Tclose);
    const handle space(H5Dget_space(d.get()), H5Sclose);
    const int rank = space ? H5Sget_simple_extent_ndims(space.get()) : -1;
    if (!type || rank < 0 || rank > 32) throw file_error(file + ": cannot read the shape of '" + path + "' (" + hdf5_reason() + ")");
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    array_info a{std::move(name), path, {}, dtype_of(type.get())};
    for (const hsize_t n : dims) a.shape.push_back(static_cast<std::int64_t>(n));
    return a;
}

/// Legacy .h5 (model.save or save_weights): every dataset under the weights group, its layer the
/// group that holds it, its name the last part without TensorFlow's ":0".
inline std::vector<layer_info> legacy_layers(hid_t root, const std::string& base, const std::string& file) {
    std::vector<std::string> datasets;
    const handle group(H5Gopen2(root, base.c_str(), H5P_DEFAULT), H5Gclose);
    if (!group) throw file_error(file + ": cannot open group '" + base + "' (" + hdf5_reason() + ")");
    const herr_t status = H5Lvisit(
        group.get(), H5_INDEX_NAME, H5_ITER_INC,
        [](hid_t g, const char* name, const H5L_info_t* info, void* data) -> herr_t {
            if (info->type != H5L_TYPE_HARD) return 0;  // soft and external links name nothing of the model's
            const handle o(H5Oopen(g, name, H5P_DEFAULT), H5Oclose);
            if (o && H5Iget_type(o.get()) == H5I_DATASET) static_cast<std::vector<std::string>*>(data)->emplace_back(name);
            return 0;
        },
        &datasets);
    if (status < 0) throw file_error(file + ": cannot list the groups under '" + base + "' (" + hdf5_reason() + ")");
    const std::string prefix = base == "/" ? "" : base + "/";
    std::vector<layer_info> layers;
    for (const auto& relative : datasets) {
        const std::size_t slash = relative.rfind('/');
        if (slash == std::string::npos) continue;  // not in any layer's group
        const std::size_t before = relative.rfind('/', slash - 1);
        const std::string layer = relative.substr(before == std::string::npos ? 0 : before + 1, slash - (before == std::string::npos ? 0 : before + 1));
        std::string name = relative.substr(slash + 1);
        if (const auto colon = name.rfind(':'); colon != std::string::npos) name.resize(colon);
        const std::string where = prefix + relative.substr(0, slash);
        auto it = std::find_if(layers.begin(), layers.end(), [&](const layer_info& l) { return l.name == layer && l.where == where; });
        if (it == layers.end()) it = layers.insert(layers.end(), layer_info{layer, where, false, {}});
        it->arrays.push_back(describe(root, prefix + relative, name, file));
    }
    return layers;
}

// --- config.json, as much JSON as it takes ------------------------------------------------------

struct json {
    enum kind_t { null, boolean, number, string, array, object } kind = null;
    std::string text;
    std::vector<json> items;  // an array's, or an object's values
    std::vector<std::string> keys;  // an object's keys (not pairs: json is incomplete here)

    const json* find(std::string_view key) const {
        for (std::size_t i = 0; i != keys.size(); ++i)
            if (keys[i] == key) return &items[i];
        return nullptr;
    }
    std::string string_at(std::string_view key) const {
        const json* v = find(key);
        return v != nullptr && v->kind == string ? v->text : "";
    }
};

class json_parser {
public:
    json_parser(std::string_view text, std::string where) : s_(text), where_(std::move(where)) {}

    json parse() {
        json v = value(0);
        skip();
        if (i_ != s_.size()) fail("text after the value");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw file_error(where_ + " is not valid JSON: " + what + " at byte " + std::to_string(i_));
    }
    void skip() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
    }
    bool eat(char c) {
        skip();
        if (i_ < s_.size() && s_[i_] == c) return ++i_, true;
        return false;
    }
    void expect(char c) {
        if (!eat(c)) fail(std::string("expected '") + c + "'");
    }
    json value(int depth) {
        if (depth > 200) fail("nesting deeper than 200");
        skip();
        if (i_ >= s_.size()) fail("unexpected end");
        json v;
        const char c = s_[i_];
        if (c == '{') {
            ++i_;
            v.kind = json::object;
            if (eat('}')) return v;
            do {
                skip();
                std::string key = text();
                expect(':');
                v.keys.push_back(std::move(key));
                v.items.push_back(value(depth + 1));
            } while (eat(','));
            expect('}');
        } else if (c == '[') {
            ++i_;
            v.kind = json::array;
            if (eat(']')) return v;
            do v.items.push_back(value(depth + 1));
            while (eat(','));
            expect(']');
        } else if (c == '"') {
            v.kind = json::string;
            v.text = text();
        } else {
            // Numbers, true, false, null and NaN/Infinity (Python's json writes them): only their
            // extent matters here.
            const std::size_t start = i_;
            while (i_ < s_.size() && std::string_view(",]} \n\r\t").find(s_[i_]) == std::string_view::npos) ++i_;
            if (i_ == start) fail("unexpected character");
            v.kind = json::number;
            v.text = std::string(s_.substr(start, i_ - start));
        }
        return v;
    }
    std::string text() {
        if (i_ >= s_.size() || s_[i_] != '"') fail("expected a string");
        ++i_;
        std::string out;
        for (;;) {
            if (i_ >= s_.size()) fail("unterminated string");
            const char c = s_[i_++];
            if (c == '"') return out;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (i_ >= s_.size()) fail("unterminated string");
            const char e = s_[i_++];
            switch (e) {
                case 'n': out += '\n'; break;
                case 't': out += '\t'; break;
                case 'r': out += '\r'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'u': utf8(out, code_unit()); break;
                default: out += e;
            }
        }
    }
    unsigned code_unit() {
        if (i_ + 4 > s_.size()) fail("short \\u escape");
        unsigned u = 0;
        for (int k = 0; k != 4; ++k) {
            const char h = s_[i_++];
            u = u * 16 + static_cast<unsigned>(h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : 99);
            if (u > 0xFFFF) fail("bad \\u escape");
        }
        return u;
    }
    void utf8(std::string& out, unsigned u) {
        if (u >= 0xD800 && u < 0xDC00 && i_ + 1 < s_.size() && s_[i_] == '\\' && s_[i_ + 1] == 'u') {
            i_ += 2;
            const unsigned low = code_unit();
            u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
        }
        auto put = [&](unsigned b) { out += static_cast<char>(b); };
        if (u < 0x80) put(u);
        else if (u < 0x800) put(0xC0 | u >> 6), put(0x80 | (u & 0x3F));
        else if (u < 0x10000) put(0xE0 | u >> 12), put(0x80 | (u >> 6 & 0x3F)), put(0x80 | (u & 0x3F));
        else put(0xF0 | u >> 18), put(0x80 | (u >> 12 & 0x3F)), put(0x80 | (u >> 6 & 0x3F)), put(0x80 | (u & 0x3F));
    }

    std::string_view s_;
    std::string where_;
    std::size_t i_ = 0;
};

/// Keras' naming.to_snake_case of a class name: "Conv2DTranspose" -> "conv2d_transpose",
/// "BatchNormalization" -> "batch_normalization".
inline std::string snake_case(std::string_view name) {
    // The same three substitutions as Keras', with the same (ECMAScript = Python here) regexes.
    std::string s = std::regex_replace(std::string(name), std::regex("[^A-Za-z0-9_]+"), "");
    s = std::regex_replace(s, std::regex("(.)([A-Z][a-z]+)"), "$1_$2");
    s = std::regex_replace(s, std::regex("([a-z])([A-Z])"), "$1_$2");
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

/// The layers of a .keras file: config.json's layers, each at the group Keras' saving_lib gave
/// it (`<model>/layers/<class in snake case>[_<n>]`, counted per class within each model).
inline void keras_layers(hid_t root, const json& model, const std::string& group, const std::string& file,
                         std::vector<layer_info>& out) {
    const json* config = model.find("config");
    const json* layers = config != nullptr ? config->find("layers") : nullptr;
    if (layers == nullptr || layers->kind != json::array) return;
    // Keras 3 calls the container `layers`; TF-Keras 2.13+ `_layer_checkpoint_dependencies`.
    std::string container;
    for (const char* candidate : {"layers", "_layer_checkpoint_dependencies"}) {
        const std::string path = group.empty() ? candidate : group + "/" + candidate;
        if (is_group(root, path)) container = path;
    }
    if (container.empty()) return;
    std::map<std::string, int> used;
    for (const json& entry : layers->items) {
        const std::string cls = entry.string_at("class_name");
        const json* c = entry.find("config");
        std::string name = c != nullptr ? c->string_at("name") : "";
        if (name.empty()) name = entry.string_at("name");
        std::string key = snake_case(cls);
        const auto [it, first] = used.emplace(key, 0);
        if (!first) key += "_" + std::to_string(++it->second);
        const std::string path = container + "/" + key;
        if (!is_group(root, path)) continue;
        if (c != nullptr && c->find("layers") != nullptr) {
            keras_layers(root, entry, path, file, out);
            continue;
        }
        const std::string vars = path + "/vars";
        if (!is_group(root, vars)) continue;
        layer_info l{name, path, true, {}};
        for (int i = 0; has_link(root, vars + "/" + std::to_string(i)); ++i)
            l.arrays.push_back(describe(root, vars + "/" + std::to_string(i), "", file));
        if (!l.arrays.empty()) out.push_back(std::move(l));
    }
}

// --- Opening the file ----------------------------------------------------------------------------

/// A member of a zip archive, whole, in memory: config.json and model.weights.h5 of a .keras file.
inline std::optional<std::string> zip_member(zip_t* archive, const char* member, const std::string& file, std::uint64_t most) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat(archive, member, 0, &stat) != 0 || !(stat.valid & ZIP_STAT_SIZE)) return std::nullopt;
    if (stat.size > most)
        throw file_error(file + ": '" + member + "' claims " + std::to_string(stat.size) + " bytes, more than the limit of " +
                         std::to_string(most));
    std::string bytes(static_cast<std::size_t>(stat.size), '\0');
    zip_file_t* f = zip_fopen(archive, member, 0);
    if (f == nullptr) throw file_error(file + ": cannot read '" + member + "' (" + zip_strerror(archive) + ")");
    std::size_t done = 0;
    zip_int64_t got = 0;
    while (done < bytes.size() && (got = zip_fread(f, bytes.data() + done, bytes.size() - done)) > 0) done += static_cast<std::size_t>(got);
    char extra = 0;
    // Reading past the end lets libzip check the CRC.
    const bool ok = done == bytes.size() && got >= 0 && zip_fread(f, &extra, 1) == 0;
    const std::string why = ok ? "" : zip_error_strerror(zip_file_get_error(f));
    zip_fclose(f);
    if (!ok) throw file_error(file + ": '" + member + "' is corrupt or truncated (" + why + ")");
    return bytes;
}

/// Opens the HDF5 file `image`, read-only, where it is: no copy (a 500 MB file needs no second
/// 500 MB) and no temporary file. The callbacks hand HDF5's core driver our buffer, which stays
/// ours, instead of its copies; the same as H5LTopen_file_image(DONT_COPY | DONT_RELEASE) does,
/// which in HDF5 1.10 leaks its own bookkeeping on every call.
/// On failure, `reason` says why (HDF5 clears its error stack on every call, so it is read here).
inline handle open_image(std::string& image, std::string& reason) {
    H5FD_file_image_callbacks_t callbacks{};
    callbacks.image_malloc = [](std::size_t, H5FD_file_image_op_t, void* udata) -> void* {
        return static_cast<std::string*>(udata)->data();
    };
    callbacks.image_memcpy = [](void* dest, const void* src, std::size_t size, H5FD_file_image_op_t, void*) -> void* {
        if (dest != src) std::memmove(dest, src, size);  // never happens: both are our buffer
        return dest;
    };
    callbacks.image_realloc = [](void*, std::size_t, H5FD_file_image_op_t, void*) -> void* { return nullptr; };  // read-only
    callbacks.image_free = [](void*, H5FD_file_image_op_t, void*) -> herr_t { return 0; };
    callbacks.udata_copy = [](void* udata) -> void* { return udata; };
    callbacks.udata_free = [](void*) -> herr_t { return 0; };
    callbacks.udata = &image;
    const handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    if (!fapl || H5Pset_fapl_core(fapl.get(), 1 << 16, false) < 0 || H5Pset_file_image_callbacks(fapl.get(), &callbacks) < 0 ||
        H5Pset_file_image(fapl.get(), image.data(), image.size()) < 0) {
        reason = hdf5_reason();
        return {};
    }
    // The core driver tells open files apart by name.
    static unsigned long opened = 0;
    const std::string name = "ctnn_keras_image_" + std::to_string(++opened);
    handle file(H5Fopen(name.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose);
    if (!file) reason = hdf5_reason();
    return file;
}

/// An open Keras file: its HDF5 weights and what they hold.
struct keras_file {
    std::string name;
    std::string image;  // a .keras archive's model.weights.h5, read in place by `h5` (closed first)
    handle h5;
    std::vector<layer_info> layers;
};

inline keras_file open(const std::filesystem::path& path) {
    keras_file k;
    k.name = path.string();
    const std::string& file = k.name;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw file_error(file + ": cannot open (No such file or not readable)");
    char magic[8] = {};
    in.read(magic, 8);
    in.close();
    std::optional<json> config;
    if (std::string_view(magic, 4) == std::string_view("PK\x03\x04", 4)) {
        int error = 0;
        zip_t* archive = zip_open(file.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &error);
        if (archive == nullptr) {
            zip_error_t e;
            zip_error_init_with_code(&e, error);
            const std::string why = zip_error_strerror(&e);
            zip_error_fini(&e);
            const std::string truncation = detail::zip_file_truncation(path);
            if (!truncation.empty()) throw file_error(file + ": truncated .keras archive: " + truncation);
            throw file_error(file + ": not a readable .keras archive (" + why + ")");
        }
        struct discard {
            zip_t* z;
            ~discard() { zip_discard(z); }
        } closer{archive};
        const auto json_text = zip_member(archive, "config.json", file, std::uint64_t{1} << 28);
        auto weights = zip_member(archive, "model.weights.h5", file, std::uint64_t{1} << 36);
        if (!json_text || !weights)
            throw file_error(file + ": a zip archive without " + std::string(!json_text ? "config.json" : "model.weights.h5") +
                             ", so not a .keras file");
        config = json_parser(*json_text, file + ": config.json").parse();
        k.image = std::move(*weights);
        std::string reason;
        k.h5 = open_image(k.image, reason);
        if (!k.h5) throw file_error(file + ": model.weights.h5 is not a readable HDF5 file (" + reason + ")");
    } else {
        if (H5Fis_hdf5(file.c_str()) <= 0) {
            H5Eclear2(H5E_DEFAULT);
            throw file_error(file + ": neither an HDF5 file (.h5) nor a zip archive (.keras)");
        }
        k.h5 = handle(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
        if (!k.h5) throw file_error(file + ": not a readable HDF5 file (" + hdf5_reason() + ")");
    }
    const hid_t root = k.h5.get();
    if (config) {
        keras_layers(root, *config, "", file, k.layers);
    } else if (is_group(root, "model_weights")) {
        k.layers = legacy_layers(root, "model_weights", file);
    } else if (H5Aexists(root, "layer_names") > 0) {
        k.layers = legacy_layers(root, "/", file);
    } else if (is_group(root, "layers") || is_group(root, "_layer_checkpoint_dependencies")) {
        throw file_error(file + ": Keras 3's weights-only layout (layers/<class>_<n>/vars), which names no layer; "
                                "load the whole model's .keras file, or a legacy .h5, instead");
    } else {
        throw file_error(file + ": an HDF5 file, but not one Keras wrote (no 'model_weights' group, no 'layer_names')");
    }
    return k;
}

// --- Checking the file against the model --------------------------------------------------------

inline std::string shape_of(const weight_spec& s) { return shape_text({s.shape.begin(), s.shape.begin() + s.rank}); }

inline std::string listing(const std::vector<array_info>& arrays) {
    std::string out;
    for (const auto& a : arrays) out += (out.empty() ? "" : ", ") + (a.name.empty() ? a.path.substr(a.path.rfind('/') - 4) : a.name) + " " + shape_text(a.shape);
    return out;
}

/// Every way `file` differs from the weights `specs` declare, one line each (empty: it matches),
/// and for each spec the array that holds it.
inline std::vector<std::string> compare(const keras_file& k, std::span<const weight_spec> specs,
                                        std::vector<const array_info*>& source) {
    std::vector<std::string> problems;
    const auto line = [&](const std::string& text) { problems.push_back(k.name + ": " + text); };
    source.assign(specs.size(), nullptr);
    std::vector<std::string_view> model_layers;
    for (const auto& s : specs)
        if (std::find(model_layers.begin(), model_layers.end(), s.layer) == model_layers.end()) model_layers.push_back(s.layer);
    for (const std::string_view layer : model_layers) {
        std::vector<std::size_t> wanted;
        for (std::size_t i = 0; i != specs.size(); ++i)
            if (specs[i].layer == layer) wanted.push_back(i);
        std::vector<const layer_info*> found;
        for (const auto& l : k.layers)
            if (l.name == layer) found.push_back(&l);
        const std::string name = "layer '" + std::string(layer) + "'";
        if (found.empty()) {
            std::string expects;
            for (const std::size_t i : wanted) expects += (expects.empty() ? "" : ", ") + std::string(specs[i].name) + " " + shape_of(specs[i]);
            line(name + " is missing from the file (the model expects " + expects + ")");
            continue;
        }
        if (found.size() > 1) {
            line(name + " is in the file " + std::to_string(found.size()) + " times, at '" + found[0]->where + "' and '" + found[1]->where +
                 "': the model's layer names must pick one");
            continue;
        }
        const layer_info& f = *found[0];
        std::vector<bool> used(f.arrays.size(), false);
        if (f.numbered && f.arrays.size() != wanted.size()) {
            std::string expects;
            for (const std::size_t i : wanted) expects += (expects.empty() ? "" : ", ") + std::string(specs[i].name);
            line(name + " has " + std::to_string(f.arrays.size()) + " weight" + (f.arrays.size() == 1 ? "" : "s") + " in the file (" +
                 listing(f.arrays) + "), the model expects " + std::to_string(wanted.size()) + " (" + expects + ")");
            continue;
        }
        for (std::size_t n = 0; n != wanted.size(); ++n) {
            const weight_spec& s = specs[wanted[n]];
            const std::string what = name + " weight '" + std::string(s.name) + "'";
            std::size_t at = f.arrays.size();
            if (f.numbered) at = n;
            else
                for (std::size_t j = 0; j != f.arrays.size(); ++j)
                    if (!used[j] && f.arrays[j].name == s.name) at = j;
            if (at == f.arrays.size()) {
                line(what + " is missing from the file (the model expects " + shape_of(s) + "; the layer has " + listing(f.arrays) + ")");
                continue;
            }
            used[at] = true;
            const array_info& a = f.arrays[at];
            const std::vector<std::int64_t> expected(s.shape.begin(), s.shape.begin() + s.rank);
            bool ok = true;
            if (a.dtype != "float32") {
                line(what + " has dtype " + a.dtype + ", the model expects float32");
                ok = false;
            }
            if (a.shape != expected) {
                line(what + " has shape " + shape_text(a.shape) + ", the model expects " + shape_text(expected));
                ok = false;
            }
            if (ok) source[wanted[n]] = &a;
        }
        for (std::size_t j = 0; j != f.arrays.size(); ++j)
            if (!used[j])
                line(name + " weight '" + f.arrays[j].name + "' " + shape_text(f.arrays[j].shape) + " is in the file but not in the model");
    }
    for (const auto& l : k.layers)
        if (std::find(model_layers.begin(), model_layers.end(), l.name) == model_layers.end())
            line("layer '" + l.name + "' (" + listing(l.arrays) + ", at '" + l.where + "') is in the file but not in the model");
    return problems;
}

template <class M>
typename network<M>::weight_storage read_checked(const std::filesystem::path& path) {
    using net = network<M>;
    const quiet_hdf5 quiet;
    const keras_file k = open(path);
    std::vector<const array_info*> source;
    const std::vector<std::string> problems = compare(k, std::span<const weight_spec>(net::weights), source);
    if (!problems.empty()) {
        std::string message;
        for (const auto& p : problems) message += (message.empty() ? "" : "\n") + p;
        throw file_error(message);
    }
    auto storage = net::allocate_weights();
    for (std::size_t i = 0; i != net::weights.size(); ++i) {
        const handle d(H5Dopen2(k.h5.get(), source[i]->path.c_str(), H5P_DEFAULT), H5Dclose);
        // HDF5 converts the byte order; the dtype was checked to be a 32-bit float above.
        if (!d || H5Dread(d.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, storage[i].data.get()) < 0)
            throw file_error(k.name + ": layer '" + std::string(net::weights[i].layer) + "' weight '" + std::string(net::weights[i].name) +
                             "' cannot be read (" + hdf5_reason() + ")");
    }
    return storage;
}
}  // namespace keras_detail

/// Loads the weights of the Keras file `path` (.keras, or legacy .h5 from model.save or
/// save_weights) into `net`, matching layers by name. Throws file_error listing every mismatch
/// (missing or extra layer or weight, wrong shape or dtype), one line each; a load that throws
/// leaves the network's weights as they were.
template <class M>
void load_keras_weights(network<M>& net, const std::filesystem::path& path) {
    if constexpr (invalid_model<M>) {
        static_cast<void>(net), static_cast<void>(path);  // the model's diagnostic was given
    } else {
        net.replace_weights(keras_detail::read_checked<std::remove_cv_t<M>>(path));
    }
}

/// A network whose weights come from the Keras file `path`, checked as load_keras_weights does.
template <class In, class Out, class Name>
network<Model<In, Out, Name>> load_keras_network(Model<In, Out, Name> model, const std::filesystem::path& path) {
    if constexpr (invalid_model<Model<In, Out, Name>>) {
        static_cast<void>(path);  // the model's diagnostic was given
        return network<Model<In, Out, Name>>(model);
    } else {
        return network<Model<In, Out, Name>>(model, keras_detail::read_checked<Model<In, Out, Name>>(path));
    }
}

}  // namespace ctnn::io
