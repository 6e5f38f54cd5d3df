"""Reference values for lib/nn/neuron.ts, computed with PyTorch.

Run with the Debian Python that has torch 1.13:
    /usr/bin/python3 test/reference/gen_neuron.py
It writes test/reference/neuron.json next to this script; all inputs are stored in the JSON.
- layer: torch.sigmoid(F.linear(x, w, b)) and its autograd gradients for a given dout;
- one_hidden: h = sigmoid(F.linear(x, w1, b1)), s = F.linear(h, w2, b2);
- window: F.embedding(windows, E).reshape(N, n*d), the concatenated window vectors.
"""

import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.manual_seed(20240701)


def lst(t):
    return t.detach().tolist()


# ---------------------------------------------------------------- one sigmoid layer
x = torch.randn(5, 4, requires_grad=True)
w = torch.randn(3, 4, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = F.linear(x, w, b)
a = torch.sigmoid(z)
dout = torch.randn(5, 3)
a.backward(dout)
layer = {
    "x": lst(x), "w": lst(w), "b": lst(b), "dout": lst(dout),
    "z": lst(z), "a": lst(a), "dx": lst(x.grad), "dw": lst(w.grad), "db": lst(b.grad),
}

# ---------------------------------------------------------------- one hidden layer
x2 = torch.randn(6, 5)
w1 = torch.randn(4, 5)
b1 = torch.randn(4)
w2 = torch.randn(2, 4)
b2 = torch.randn(2)
h = torch.sigmoid(F.linear(x2, w1, b1))
s = F.linear(h, w2, b2)
one_hidden = {
    "x": lst(x2), "w1": lst(w1), "b1": lst(b1), "w2": lst(w2), "b2": lst(b2),
    "h": lst(h), "s": lst(s),
}

# ---------------------------------------------------------------- window vectors
E = torch.randn(10, 3)
windows = torch.tensor([[1, 4, 7], [0, 0, 9], [9, 2, 5], [3, 3, 3]])
vec = F.embedding(windows, E).reshape(windows.shape[0], -1)
window = {"E": lst(E), "windows": windows.tolist(), "vectors": lst(vec)}

out = {
    "torch": torch.__version__,
    "layer": layer,
    "one_hidden": one_hidden,
    "window": window,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "neuron.json")
with open(path, "w") as f:
    json.dump(out, f, indent=None)
print("wrote", path, os.path.getsize(path), "bytes")
