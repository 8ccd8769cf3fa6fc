#!/usr/bin/python3
"""Makes the weight-file fixtures of tests/runtime/weights.cpp with NumPy, for a model with one
Conv2D named "conv" (kernel (3, 3, 2, 4), bias (4,)): archives as np.savez and
np.savez_compressed write them, and the dtypes and layouts a loader must accept or refuse.
Run: /usr/bin/python3 tests/oracle/make_io_fixtures.py (CI uses the committed files)."""
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "runtime" / "fixtures" / "io"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    kernel = (np.arange(3 * 3 * 2 * 4, dtype=np.float32).reshape(3, 3, 2, 4) - 36) / 16
    bias = np.array([0.5, -1.0, 2.0, -2.5], dtype=np.float32)
    np.savez(OUT / "stored.npz", **{"conv/kernel": kernel, "conv/bias": bias})
    np.savez_compressed(OUT / "compressed.npz", **{"conv/kernel": kernel, "conv/bias": bias})
    np.savez(OUT / "fortran_order.npz", **{"conv/kernel": np.asfortranarray(kernel), "conv/bias": bias})
    np.savez(OUT / "float64.npz", **{"conv/kernel": kernel.astype(np.float64), "conv/bias": bias})
    np.savez(OUT / "int32.npz", **{"conv/kernel": kernel.astype(np.int32), "conv/bias": bias})
    np.savez(OUT / "big_endian.npz", **{"conv/kernel": kernel.astype(">f4"), "conv/bias": bias})
    np.savez(OUT / "empty.npz")
    np.save(OUT / "kernel.npy", kernel)
    print("wrote", sorted(p.name for p in OUT.iterdir()))


if __name__ == "__main__":
    main()
