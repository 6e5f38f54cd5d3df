"""PyTorch side of `deno task bench`: a server answering one JSON request a line (bench/python.ts).

Started by bench/bench.ts with Debian's /usr/bin/python3 (python3-torch) on one thread:
torch.set_num_threads(1) here, OMP_NUM_THREADS=1 and OPENBLAS_NUM_THREADS=1 in the environment.
Eager mode, written as a learner would: nn.Sequential(Linear, ReLU, Linear), F.cross_entropy
(mean), torch.optim.SGD(lr=0.01), zero_grad / backward / step. Requests:

    {"op": "info"}                                    versions, threads
    {"op": "step", "shape": [784, 256, 10, 64], "dtype": "float64", "seconds": 0.05}
                                                      MLP steps: {"calls", "seconds"}
    {"op": "epoch_start", "rows": 60000, "batch": 64, "dtype": "float32"}
                                                      a model and a shuffled epoch over random
                                                      784-pixel images in [0, 1): {"batches"}
    {"op": "epoch_run", "dtype": "float32", "from": 0, "to": 94}
                                                      its steps on batches from…to − 1: {"seconds"}
    {"op": "conv", "shape": [64, 1, 28, 8, 3, 1], "dtype": "float64", "seconds": 0.05}
                                                      F.conv2d forward and autograd backward
                                                      (dx, dw, db) on N×C×H×H, F filters K×K,
                                                      padding p: {"calls", "seconds"}
    {"op": "cpu"}                                     CPU time / wall time of the step measurements
"""
import json
import sys
import time

import torch

measured = {"cpu": 0.0, "wall": 0.0}  # CPU and wall time inside the measurements
DTYPES = {"float64": torch.float64, "float32": torch.float32}


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


def mlp(i, h, o, dtype):
    model = torch.nn.Sequential(torch.nn.Linear(i, h), torch.nn.ReLU(), torch.nn.Linear(h, o)).to(dtype)
    return model, torch.optim.SGD(model.parameters(), lr=0.01)


def step(model, opt, x, y):
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()


def fixed_batch_step(i, h, o, n, dtype):
    model, opt = mlp(i, h, o, dtype)
    x = torch.rand(n, i, dtype=dtype)
    y = torch.randint(0, o, (n,))
    for _ in range(3):
        step(model, opt, x, y)
    return lambda: step(model, opt, x, y)


def conv_step(n, c, h, f, k, pad, dtype):
    """Forward and backward of one conv layer on fixed random data, as bench/conv.ts."""
    x = torch.randn(n, c, h, h, dtype=dtype, requires_grad=True)
    w = torch.randn(f, c, k, k, dtype=dtype, requires_grad=True)
    b = torch.randn(f, dtype=dtype, requires_grad=True)
    dout = torch.randn(n, f, h + 2 * pad - k + 1, h + 2 * pad - k + 1, dtype=dtype)

    def run():
        x.grad = w.grad = b.grad = None
        torch.nn.functional.conv2d(x, w, b, padding=pad).backward(dout)

    for _ in range(3):
        run()
    return run


data = {}
epochs = {}


def epoch_start(rows, batch, dtype):
    """Model, data and a shuffled order for one epoch over `rows` random 784-pixel images."""
    if (rows, dtype) not in data:
        g = torch.Generator().manual_seed(1)
        data[rows, dtype] = (torch.rand(rows, 784, generator=g, dtype=dtype), torch.randint(0, 10, (rows,), generator=g))
    x, y = data[rows, dtype]
    model, opt = mlp(784, 256, 10, dtype)
    for i in range(3):
        step(model, opt, x[i * batch:(i + 1) * batch], y[i * batch:(i + 1) * batch])
    epochs[dtype] = (x, y, model, opt, torch.randperm(rows), batch)
    return -(-rows // batch)


def epoch_run(dtype, start, stop):
    """The steps of batches start…stop − 1 of the epoch; their seconds."""
    x, y, model, opt, perm, batch = epochs[dtype]
    t0 = time.perf_counter()
    for i in range(start * batch, min(stop * batch, len(perm)), batch):
        idx = perm[i:i + batch]
        step(model, opt, x[idx], y[idx])
    return time.perf_counter() - t0


def main():
    torch.set_num_threads(1)
    torch.manual_seed(1)
    steps = {}
    for line in sys.stdin:
        req = json.loads(line)
        op = req["op"]
        if op == "info":
            out = {"torch": torch.__version__, "python": sys.version.split()[0], "threads": torch.get_num_threads()}
        elif op == "step":
            key = (*req["shape"], DTYPES[req["dtype"]])
            if key not in steps:
                steps[key] = fixed_batch_step(*key)
            out = timed(steps[key], req["seconds"])
        elif op == "conv":
            key = ("conv", *req["shape"], DTYPES[req["dtype"]])
            if key not in steps:
                steps[key] = conv_step(*key[1:])
            out = timed(steps[key], req["seconds"])
        elif op == "epoch_start":
            out = {"batches": epoch_start(req["rows"], req["batch"], DTYPES[req["dtype"]])}
        elif op == "epoch_run":
            out = {"seconds": epoch_run(DTYPES[req["dtype"]], req["from"], req["to"])}
        elif op == "cpu":
            out = {"cpu_per_wall": measured["cpu"] / max(measured["wall"], 1e-9)}
        else:
            out = {"error": f"unknown op {op}"}
        print(json.dumps(out), flush=True)


main()
