#!/usr/bin/python3
"""Makes the Keras-file fixtures of tests/runtime/keras.cpp with h5py, following the layouts Keras
itself writes (checked against files Keras 2.4, TF-Keras 2.14 saved):

- model.keras        Keras 3 (saving_lib): zip of metadata.json, config.json, model.weights.h5
                     whose groups are named by class and position: layers/conv2d/vars/0, ...
- tf_keras.keras     TF-Keras 2.13+: the same with `_layer_checkpoint_dependencies` for `layers`
- keras2.h5          Keras 2 model.save: model_weights/<layer>/<layer>/kernel:0, a nested model's
                     layers as model_weights/<model>/<layer>/kernel:0
- keras3_legacy.h5   Keras 3 model.save(".h5"): datasets named by the variable's path, no ":0"
- save_weights.h5    Keras 2 save_weights: the layer groups at the root
- keras3.weights.h5  Keras 3 save_weights: layers/<class>/vars only, which names no layer
- mismatch.h5, mismatch.keras, ambiguous.h5: files that differ from the model in every way the
                     loader must report
- expected.npz       the values every good file holds, keyed <layer>/<weight> (read by the .npz
                     reader, which shares no code with the Keras reader)

The model (tests/runtime/keras.cpp writes it in C++): Input (8, 8, 3) -> Conv2D conv_a (4, 3x3)
-> BatchNormalization bn_a -> Sequential inner [Conv2D conv_b (6, 1x1, no bias)]
-> GlobalAveragePooling2D pool -> Dense head (3).
Run: /usr/bin/python3 tests/oracle/make_keras_fixtures.py (CI uses the committed files)."""
import io
import json
import pathlib
import zipfile

import h5py
import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "runtime" / "fixtures" / "keras"

# (layer, class, [(weight, shape)]) in the model's order; "inner" holds conv_b.
LAYERS = [
    ("conv_a", "Conv2D", [("kernel", (3, 3, 3, 4)), ("bias", (4,))]),
    ("bn_a", "BatchNormalization", [("gamma", (4,)), ("beta", (4,)), ("moving_mean", (4,)), ("moving_variance", (4,))]),
    ("conv_b", "Conv2D", [("kernel", (1, 1, 4, 6))]),
    ("pool", "GlobalAveragePooling2D", []),
    ("head", "Dense", [("kernel", (6, 3)), ("bias", (3,))]),
]


def values():
    """Distinct values per array, so that a swapped pair would be seen."""
    out, k = {}, 0
    for layer, _, weights in LAYERS:
        for name, shape in weights:
            k += 1
            a = k + np.arange(np.prod(shape), dtype=np.float32).reshape(shape) / 128
            if name == "moving_variance":
                a = a + 1
            out[(layer, name)] = a.astype(np.float32)
    return out


def layer_config(name, cls):
    return {"module": "keras.layers", "class_name": cls, "config": {"name": name, "trainable": True, "dtype": "float32"},
            "name": name}


def config():
    inner = {"module": "keras", "class_name": "Sequential",
             "config": {"name": "inner", "trainable": True,
                        "layers": [{"module": "keras.layers", "class_name": "InputLayer",
                                    "config": {"batch_shape": [None, 8, 8, 4], "dtype": "float32", "name": "inner_input"}},
                                   layer_config("conv_b", "Conv2D")]}, "name": "inner"}
    layers = [{"module": "keras.layers", "class_name": "InputLayer",
               "config": {"batch_shape": [None, 8, 8, 3], "dtype": "float32", "name": "x"}, "name": "x"},
              layer_config("conv_a", "Conv2D"), layer_config("bn_a", "BatchNormalization"), inner,
              layer_config("pool", "GlobalAveragePooling2D"), layer_config("head", "Dense")]
    return {"module": "keras", "class_name": "Functional", "config": {"name": "model", "trainable": True, "layers": layers}}


def keras_weights(container, vals, overrides=None):
    """model.weights.h5 as saving_lib writes it: groups by class in snake case, counted per model."""
    overrides = overrides or {}
    buffer = io.BytesIO()
    with h5py.File(buffer, "w", libver="latest") as f:
        top = f.create_group(container)
        f.create_group("vars")
        used = {}

        def group(parent, cls):
            snake = {"Conv2D": "conv2d", "BatchNormalization": "batch_normalization", "Dense": "dense",
                     "GlobalAveragePooling2D": "global_average_pooling2d", "InputLayer": "input_layer",
                     "Sequential": "sequential"}[cls]
            n = used.setdefault((parent.name, snake), -1) + 1
            used[(parent.name, snake)] = n
            return parent.create_group(snake if n == 0 else f"{snake}_{n}")

        group(top, "InputLayer").create_group("vars")
        for layer, cls, weights in LAYERS:
            if layer == "conv_b":
                seq = group(top, "Sequential")
                seq.create_group("vars")
                g = group(seq.create_group(container), cls)
            else:
                g = group(top, cls)
            v = g.create_group("vars")
            arrays = overrides.get(layer, [vals[(layer, w)] for w, _ in weights])
            for i, a in enumerate(arrays):
                v.create_dataset(str(i), data=a)
        opt = f.create_group("optimizer").create_group("vars")
        opt.create_dataset("0", data=np.int64(7))
    return buffer.getvalue()


def write_keras(path, container, vals, version, overrides=None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("metadata.json", json.dumps({"keras_version": version, "date_saved": "2026-01-01@00:00:00"}))
        z.writestr("config.json", json.dumps(config()))
        z.writestr("model.weights.h5", keras_weights(container, vals, overrides))


def write_legacy(path, vals, keras3=False, at_root=False, edit=None):
    """model.save (or, at_root, save_weights) in the legacy HDF5 layout."""
    suffix = "" if keras3 else ":0"
    with h5py.File(path, "w", libver="latest") as f:
        if not at_root:
            f.attrs["keras_version"] = "3.3.3" if keras3 else "2.4.0"
            f.attrs["backend"] = "tensorflow"
            f.attrs["model_config"] = json.dumps(config())
        g = f if at_root else f.create_group("model_weights")
        top = ["x", "conv_a", "bn_a", "inner", "pool", "head"]
        g.attrs["layer_names"] = [n.encode() for n in top]
        g.attrs["keras_version"] = "3.3.3" if keras3 else "2.4.0"
        g.attrs["backend"] = "tensorflow"
        entries = {n: [] for n in top}
        for layer, _, weights in LAYERS:
            owner = "inner" if layer == "conv_b" else layer
            prefix = "inner/" if keras3 and owner == "inner" else ""
            for w, _ in weights:
                entries[owner].append((f"{prefix}{layer}/{w}{suffix}", vals[(layer, w)]))
        if edit:
            edit(entries)
        for owner, items in entries.items():
            lg = g.create_group(owner)
            lg.attrs["weight_names"] = [n.encode() for n, _ in items] if items else np.array([], dtype=np.float64)
            for n, a in items:
                lg.create_dataset(n, data=a)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    vals = values()
    np.savez(OUT / "expected.npz", **{f"{l}/{w}": a for (l, w), a in vals.items()})
    write_keras(OUT / "model.keras", "layers", vals, "3.3.3")
    write_keras(OUT / "tf_keras.keras", "_layer_checkpoint_dependencies", vals, "2.14.0")
    write_legacy(OUT / "keras2.h5", vals)
    write_legacy(OUT / "keras3_legacy.h5", vals, keras3=True)
    write_legacy(OUT / "save_weights.h5", vals, at_root=True)
    with h5py.File(OUT / "keras3.weights.h5", "w", libver="latest") as f:
        f.create_group("layers").create_group("conv2d").create_group("vars").create_dataset("0", data=vals[("conv_a", "kernel")])
        f.create_group("vars")

    def mismatches(entries):
        a = entries["conv_a"]
        a[0] = (a[0][0], np.zeros((3, 3, 3, 5), np.float32))  # wrong shape
        b = entries["bn_a"]
        b[0] = (b[0][0], b[0][1].astype(np.float64))  # wrong dtype
        entries["inner"] = []  # conv_b missing
        entries["head"] = entries["head"][:1]  # head's bias missing
        entries["head"].append(("head/scale:0", np.ones(3, np.float32)))  # a weight the model lacks
        entries["extra"] = [("extra/kernel:0", np.ones((2, 2), np.float32))]  # a layer the model lacks
    write_legacy(OUT / "mismatch.h5", vals, edit=mismatches)

    write_keras(OUT / "mismatch.keras", "layers", vals, "3.3.3", overrides={
        "conv_b": [vals[("conv_b", "kernel")], np.zeros(6, np.float32)],  # a bias the model does not have
        "head": [vals[("head", "kernel")].astype(np.float16), vals[("head", "bias")]],  # float16
    })

    def twice(entries):
        entries["inner"].append(("conv_a/kernel:0", vals[("conv_a", "kernel")]))  # conv_a also inside inner
        entries["inner"].append(("conv_a/bias:0", vals[("conv_a", "bias")]))
    write_legacy(OUT / "ambiguous.h5", vals, edit=twice)
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print("wrote", sorted(p.name for p in OUT.iterdir()), total, "bytes")


if __name__ == "__main__":
    main()
