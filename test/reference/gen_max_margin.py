"""Reference values for lib/nn/max_margin.ts, computed with PyTorch.

Run with the Debian Python that has torch 1.13:
    /usr/bin/python3 test/reference/gen_max_margin.py
It writes test/reference/max_margin.json next to this script. A linear scorer s(x) = w·x is
trained by full-batch gradient descent (torch.optim.SGD, no momentum) on
    clamp(delta - x_true @ w + x_corrupt @ w, min=0).mean() + l2 * (w ** 2).sum()
so the sub-gradient at the kink is the one autograd gives. Inputs are stored in the JSON.
"""

import json
import os

import torch

torch.set_default_dtype(torch.float64)
torch.manual_seed(20240703)


def lst(t):
    return t.detach().tolist()


def case(name, n, d, delta, lr, steps, l2, kink=False):
    xt = torch.randn(n, d)
    xc = torch.randn(n, d)
    w0 = 0.3 * torch.randn(d)
    if kink:
        # Put the first pair exactly on the kink at w0: delta - w0·(xt0 - xc0) = 0.
        w0 = torch.tensor([0.5] + [0.0] * (d - 1))
        xc[0, 0] = 0.25
        xt[0] = xc[0]
        xt[0, 0] = 0.25 + 2 * delta
    w = w0.clone().requires_grad_(True)
    opt = torch.optim.SGD([w], lr=lr)
    losses = []
    first_grad = None
    for t in range(steps):
        opt.zero_grad()
        loss = torch.clamp(delta - xt @ w + xc @ w, min=0).mean() + l2 * (w ** 2).sum()
        loss.backward()
        if t == 0:
            first_grad = lst(w.grad)
        losses.append(loss.item())
        opt.step()
    return {
        "name": name, "delta": delta, "lr": lr, "steps": steps, "l2": l2,
        "xTrue": lst(xt), "xCorrupt": lst(xc), "w0": lst(w0),
        "firstGrad": first_grad, "losses": losses, "w": lst(w),
    }


out = {"train": [
    case("no penalty, delta 1", 12, 3, 1.0, 0.1, 25, 0.0),
    case("l2 0.05, delta 2", 10, 4, 2.0, 0.05, 30, 0.05),
    case("delta 0.5, first pair on the kink", 6, 3, 0.5, 0.2, 5, 0.01, kink=True),
]}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "max_margin.json")
with open(path, "w") as fh:
    json.dump(out, fh, separators=(",", ":"))
    fh.write("\n")
print(f"wrote {path} ({os.path.getsize(path)} bytes)")
