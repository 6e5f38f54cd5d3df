"""Reference values for lib/nn/layers/{conv2d,maxpool,avgpool}.ts from PyTorch 1.13 (attention:
gen_attention.py).

Run: /usr/bin/python3 test/reference/gen_layers_spatial.py  (writes layers_spatial.json)

Inputs are stored next to the outputs so the TypeScript tests use exactly the same numbers.
Every backward value is autograd's gradient of sum(out * dout) for a random upstream dout.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.manual_seed(20240601)


def t(x):
    """A tensor as {shape, data}: data flat in PyTorch's contiguous (row-major) order."""
    x = x.detach()
    return {"shape": list(x.shape), "data": x.reshape(-1).tolist()}


def conv_case(xs, ws, stride, padding):
    x = torch.randn(*xs, requires_grad=True)
    w = torch.randn(*ws, requires_grad=True)
    b = torch.randn(ws[0], requires_grad=True)
    out = F.conv2d(x, w, b, stride=stride, padding=padding)
    dout = torch.randn_like(out)
    (out * dout).sum().backward()
    return {
        "stride": stride, "padding": padding,
        "x": t(x), "w": t(w), "b": t(b.reshape(1, -1)),
        "out": t(out), "dout": t(dout),
        "dx": t(x.grad), "dw": t(w.grad), "db": t(b.grad.reshape(1, -1)),
    }


def pool_case(x, kernel, stride):
    x = x.clone().requires_grad_(True)
    out, indices = F.max_pool2d(x, kernel, stride, return_indices=True)
    dout = torch.randn_like(out)
    (out * dout).sum().backward()
    # indices: where each maximum sits within its own H×W plane (row·W + col)
    return {"kernel": kernel, "stride": stride, "x": t(x), "out": t(out),
            "indices": indices.reshape(-1).tolist(), "dout": t(dout), "dx": t(x.grad)}


# Ties in max pooling: PyTorch keeps the first maximum in row-major window order.
x = torch.ones(1, 1, 2, 2, requires_grad=True)
F.max_pool2d(x, 2).sum().backward()
assert x.grad.reshape(-1).tolist() == [1.0, 0.0, 0.0, 0.0], x.grad
x = torch.tensor([[[[0.0, 2.0, 1.0], [2.0, 2.0, 0.0], [1.0, 0.0, 2.0]]]], requires_grad=True)
F.max_pool2d(x, 3).sum().backward()
assert x.grad.reshape(-1).tolist() == [0, 1, 0, 0, 0, 0, 0, 0, 0], x.grad

ties = torch.randint(0, 3, (2, 2, 5, 6)).to(torch.float64)  # many equal values per window
ref = {
    "conv": [
        conv_case((2, 3, 5, 5), (4, 3, 3, 3), 1, 0),
        conv_case((2, 2, 7, 6), (3, 2, 3, 2), 2, 1),
        conv_case((1, 2, 6, 7), (2, 2, 2, 3), [2, 1], [0, 2]),
    ],
    "maxpool": [
        pool_case(torch.randn(2, 3, 6, 6), 2, 2),
        pool_case(torch.randn(1, 2, 7, 7), 3, 2),
        pool_case(ties, 2, 2),
        pool_case(ties, 3, 1),
        pool_case(ties, [2, 3], [1, 2]),
    ],
}



def unfold_case(xs, kernel, stride, padding):
    x = torch.randn(*xs)
    cols = F.unfold(x, kernel, padding=padding, stride=stride)  # N × (C·KH·KW) × L
    return {"kernel": kernel, "stride": stride, "padding": padding, "x": t(x),
            "cols": [c.reshape(-1).tolist() for c in cols], "rows": cols.shape[1],
            "colsCount": cols.shape[2]}


def avgpool_case(xs, kernel, stride):
    x = torch.randn(*xs, requires_grad=True)
    out = F.avg_pool2d(x, kernel, stride)
    dout = torch.randn_like(out)
    (out * dout).sum().backward()
    return {"kernel": kernel, "stride": stride, "x": t(x), "out": t(out), "dout": t(dout),
            "dx": t(x.grad)}


# Added after the cases above (same seed, drawn later), so their numbers did not move.
ref["conv"] += [
    conv_case((3, 1, 12, 12), (4, 1, 5, 5), 2, 2),
    conv_case((2, 3, 9, 8), (5, 3, 3, 3), [1, 2], 1),
]
ref["unfold"] = [unfold_case((2, 2, 5, 6), 3, 1, 1), unfold_case((1, 3, 7, 7), [2, 3], [2, 1], [0, 1])]
ref["avgpool"] = [avgpool_case((2, 3, 6, 6), 2, None), avgpool_case((1, 2, 7, 6), 3, 2),
                  avgpool_case((1, 1, 5, 7), [2, 3], [1, 2])]

# A true convolution (the kernel flipped), as scipy.signal.convolve2d computes it, "valid" part.
import numpy as np
from scipy.signal import convolve2d
img = np.random.RandomState(7).randn(6, 7)
ker = np.random.RandomState(8).randn(3, 2)
ref["convolve2d"] = {"x": img.reshape(-1).tolist(), "xShape": list(img.shape),
                     "k": ker.reshape(-1).tolist(), "kShape": list(ker.shape),
                     "valid": convolve2d(img, ker, mode="valid").reshape(-1).tolist()}

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "layers_spatial.json")
with open(path, "w") as f:
    json.dump(ref, f)
print(f"wrote {path} ({os.path.getsize(path)} bytes)")
