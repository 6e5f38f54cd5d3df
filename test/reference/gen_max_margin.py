"""Reference values for lib/nn/max_margin.ts, computed with PyTorch.

Run with the Debian Python that has torch 1.13:
    /usr/bin/python3 test/reference/gen_max_margin.py
It writes test/reference/max_margin.json next to this script. A linear scorer s(x) = w·x is
trained by full-batch gradient descent (torch.optim.SGD, no momentum) on
    relu(margin - x_true @ w + x_corrupt @ w).mean() + (lambda / 2) * (w ** 2).sum()
(the library's conventions: a pair exactly at the margin is inactive, as relu's gradient at 0
gives; the L2 penalty is (λ/2)‖w‖²). Inputs are stored in the JSON.
"""

import json
import os

import torch

torch.set_default_dtype(torch.float64)
torch.manual_seed(20240703)


def lst(t):
    return t.detach().tolist()


def case(name, n, d, margin, lr, steps, lam, kink=False):
    xt = torch.randn(n, d)
    xc = torch.randn(n, d)
    w0 = 0.3 * torch.randn(d)
    if kink:
        # Put the first pair exactly at the margin at w0: margin - w0·(xt0 - xc0) = 0.
        w0 = torch.tensor([0.5] + [0.0] * (d - 1))
        xc[0, 0] = 0.25
        xt[0] = xc[0]
        xt[0, 0] = 0.25 + 2 * margin
    w = w0.clone().requires_grad_(True)
    opt = torch.optim.SGD([w], lr=lr)
    losses = []
    first_grad = None
    for t in range(steps):
        opt.zero_grad()
        loss = torch.relu(margin - xt @ w + xc @ w).mean() + 0.5 * lam * (w ** 2).sum()
        loss.backward()
        if t == 0:
            first_grad = lst(w.grad)
        losses.append(loss.item())
        opt.step()
    return {
        "name": name, "margin": margin, "lr": lr, "steps": steps, "lambda": lam,
        "xTrue": lst(xt), "xCorrupt": lst(xc), "w0": lst(w0),
        "firstGrad": first_grad, "losses": losses, "w": lst(w),
    }


out = {"train": [
    case("no penalty, margin 1", 12, 3, 1.0, 0.1, 25, 0.0),
    case("lambda 0.1, margin 2", 10, 4, 2.0, 0.05, 30, 0.1),
    case("margin 0.5, first pair at the margin", 6, 3, 0.5, 0.2, 5, 0.02, kink=True),
]}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "max_margin.json")
with open(path, "w") as fh:
    json.dump(out, fh, separators=(",", ":"))
    fh.write("\n")
print(f"wrote {path} ({os.path.getsize(path)} bytes)")
