"""numpy side of `deno task bench`: a server answering one JSON request a line (bench/python.ts).

Started by bench/bench.ts with OPENBLAS_NUM_THREADS=1 (single thread) and OPENBLAS_CORETYPE,
OPENBLAS_L2_SIZE unset so OpenBLAS picks its kernel for this processor. The MLP step is the
same as bench/mlp_step.ts: ReLU, softmax cross-entropy, plain SGD (forward, backward, update),
float64. Requests:

    {"op": "info"}                                   versions, BLAS and its core type
    {"op": "matmul", "n": 256, "seconds": 1}         n×n·n×n products: {"calls", "seconds"}
    {"op": "step", "shape": [784, 256, 10, 64], "seconds": 0.05}   MLP steps: {"calls", "seconds"}
    {"op": "cpu"}                                    CPU time / wall time of the measurements
"""
import json
import sys
import time

import numpy as np

measured = {"cpu": 0.0, "wall": 0.0}  # CPU and wall time inside the measurements


def timed(f, seconds):
    """Calls f for about `seconds`; how many calls in how many seconds."""
    n, c0, t0 = 0, time.process_time(), time.perf_counter()
    while True:
        f()
        n += 1
        t = time.perf_counter() - t0
        if t >= seconds:
            measured["cpu"] += time.process_time() - c0
            measured["wall"] += t
            return {"calls": n, "seconds": t}


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


def mlp_step(rng, IN, HID, OUT, N, LR=0.01):
    """One SGD step of the MLP IN-HID-OUT on a fixed random batch of N, as a closure."""
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

    for _ in range(3):
        step()
    return step


def main():
    rng = np.random.default_rng(1)
    steps = {}
    for line in sys.stdin:
        req = json.loads(line)
        op = req["op"]
        if op == "info":
            out = {"numpy": np.__version__, "python": sys.version.split()[0], "blas": blas_info()}
        elif op == "matmul":
            n = req["n"]
            a, b = rng.random((n, n)) - 0.5, rng.random((n, n)) - 0.5
            a @ b
            out = timed(lambda: a @ b, req["seconds"])
        elif op == "step":
            key = tuple(req["shape"])
            if key not in steps:
                steps[key] = mlp_step(rng, *key)
            out = timed(steps[key], req["seconds"])
        elif op == "cpu":
            out = {"cpu_per_wall": measured["cpu"] / max(measured["wall"], 1e-9)}
        else:
            out = {"error": f"unknown op {op}"}
        print(json.dumps(out), flush=True)


main()
