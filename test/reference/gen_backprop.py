"""Reference values for lib/nn/backprop.ts (one-example backprop, mlpDeltas, twoLayerLoss).

Run with /usr/bin/python3 (PyTorch 1.13):  /usr/bin/python3 test/reference/gen_backprop.py
Writes test/reference/backprop.json; every input is stored so the TypeScript tests use the
same numbers. Gradients are autograd's; the errors delta = dJ/dz come from retain_grad().
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.manual_seed(5)

ACTS = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}


def L(t):
    return t.detach().tolist()


def one_example(sizes, act, dout):
    """Scores of one example through len(sizes)-1 linear layers; gradients of sum(s * dout)."""
    x = torch.randn(sizes[0])
    Ws = [torch.randn(o, i).requires_grad_(True) for i, o in zip(sizes[:-1], sizes[1:])]
    bs = [torch.randn(o).requires_grad_(True) for o in sizes[1:]]
    x.requires_grad_(True)
    a, zs = x, []
    for l, (W, b) in enumerate(zip(Ws, bs)):
        z = W @ a + b
        z.retain_grad()
        zs.append(z)
        a = ACTS[act](z) if l < len(Ws) - 1 else z
    d = torch.tensor(dout)
    (a * d).sum().backward()
    return {
        "act": act, "x": L(x), "dout": dout,
        "params": [{"w": L(W), "b": [L(b)]} for W, b in zip(Ws, bs)],
        "z": [L(z) for z in zs], "s": L(a),
        "delta": [L(z.grad) for z in zs],
        "dW": [L(W.grad) for W in Ws], "db": [L(b.grad) for b in bs], "dx": L(x.grad),
    }


def two_layer(N, D, H, C, act):
    x = torch.randn(N, D)
    y = torch.randint(0, C, (N,))
    W1 = (0.5 * torch.randn(H, D)).requires_grad_(True)
    b1 = (0.1 * torch.randn(H)).requires_grad_(True)
    W2 = (0.5 * torch.randn(C, H)).requires_grad_(True)
    b2 = (0.1 * torch.randn(C)).requires_grad_(True)
    z1 = x @ W1.T + b1
    z1.retain_grad()
    scores = ACTS[act](z1) @ W2.T + b2
    scores.retain_grad()
    loss = F.cross_entropy(scores, y)
    loss.backward()
    return {
        "act": act, "x": L(x), "y": L(y),
        "W1": L(W1), "b1": [L(b1)], "W2": L(W2), "b2": [L(b2)],
        "loss": loss.item(), "dW1": L(W1.grad), "db1": [L(b1.grad)],
        "dW2": L(W2.grad), "db2": [L(b2.grad)],
        "delta1": L(z1.grad), "delta2": L(scores.grad),
    }


ref = {
    "oneExample": [
        one_example([2, 2, 1], "sigmoid", [1.0]),
        one_example([3, 4, 2, 2], "tanh", [0.7, -1.3]),
    ],
    "twoLayer": [two_layer(6, 4, 5, 3, "sigmoid"), two_layer(5, 3, 4, 3, "tanh")],
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "backprop.json")
with open(out, "w") as f:
    json.dump(ref, f)
print("wrote", out, os.path.getsize(out), "bytes")
