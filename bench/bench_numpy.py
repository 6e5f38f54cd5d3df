"""numpy side of `deno task bench`: prints one JSON line with matmul GFLOP/s and MLP steps/s.

Run by bench/bench.ts with OPENBLAS_NUM_THREADS=1 (single thread) and, for this command alone,
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset so OpenBLAS picks its kernel for this processor.
The MLP step is the same as bench/mlp_step.ts: 784-256-10, ReLU, softmax cross-entropy,
batch 64, plain SGD (forward, backward, update), float64.
"""
import json
import sys
import time

import numpy as np


def rate(f, seconds):
    for _ in range(3):
        f()
    n, t0 = 0, time.perf_counter()
    while True:
        f()
        n += 1
        t = time.perf_counter() - t0
        if t >= seconds:
            return n / t


def blas_info():
    """Which BLAS numpy was built with, and the core type OpenBLAS chose at run time."""
    info = ""
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info = f"{blas.get('name')} {blas.get('version')}"
    except Exception:
        pass
    try:
        import ctypes
        import glob
        import os

        libs = glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "*openblas*", "lib", "*.so*"))
        libs += glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "*openblas*.so*"))
        for path in libs:
            lib = ctypes.CDLL(path)
            for name in ("scipy_openblas_get_corename64_", "openblas_get_corename"):
                f = getattr(lib, name, None)
                if f is not None:
                    f.restype = ctypes.c_char_p
                    return f"{info}, core {f().decode()}"
    except Exception:
        pass
    return info


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    rng = np.random.default_rng(1)
    out = {"numpy": np.__version__, "python": sys.version.split()[0], "blas": blas_info(), "matmul": {}}
    for n in (64, 128, 256, 512):
        a, b = rng.random((n, n)) - 0.5, rng.random((n, n)) - 0.5
        out["matmul"][str(n)] = 2 * n**3 * rate(lambda: a @ b, seconds) / 1e9

    IN, HID, OUT, N, LR = 784, 256, 10, 64, 0.01
    w1 = rng.standard_normal((HID, IN)) * np.sqrt(2 / IN)
    b1 = np.zeros(HID)
    w2 = rng.standard_normal((OUT, HID)) * np.sqrt(2 / HID)
    b2 = np.zeros(OUT)
    x = rng.random((N, IN))
    y = rng.integers(0, OUT, N)
    rows = np.arange(N)

    def step():
        nonlocal w1, b1, w2, b2
        h = np.maximum(x @ w1.T + b1, 0)
        s = h @ w2.T + b2
        s -= s.max(axis=1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(axis=1, keepdims=True)
        ds = p
        ds[rows, y] -= 1
        ds /= N
        dw2, db2 = ds.T @ h, ds.sum(axis=0)
        dh = (ds @ w2) * (h > 0)
        dw1, db1 = dh.T @ x, dh.sum(axis=0)
        w1 -= LR * dw1
        b1 -= LR * db1
        w2 -= LR * dw2
        b2 -= LR * db2

    c0, t0 = time.process_time(), time.perf_counter()
    out["mlp_steps_per_s"] = rate(step, 2 * seconds)
    # CPU time / wall time: about 1 when OpenBLAS really runs on one thread.
    out["cpu_per_wall"] = (time.process_time() - c0) / (time.perf_counter() - t0)
    print(json.dumps(out))


main()
