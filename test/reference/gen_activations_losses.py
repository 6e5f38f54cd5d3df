"""Reference values for lib/nn/activations.ts and lib/nn/losses.ts, computed with PyTorch.

Run with the Debian Python that has torch 1.13:
    /usr/bin/python3 test/reference/gen_activations_losses.py
It writes test/reference/activations_losses.json next to this script. Every input is stored
in the JSON, so the TypeScript tests use exactly the same numbers and need no Python.
Gradients come from autograd, so the choices PyTorch makes at kinks are recorded as they are.
"""

import json
import math
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.manual_seed(20240611)


def lst(t):
    return t.detach().tolist()


def fin(v):
    """JSON has no -0.0 problem, but it has no Infinity/NaN either: refuse them."""
    flat = v if isinstance(v, list) else [v]
    stack = list(flat)
    while stack:
        a = stack.pop()
        if isinstance(a, list):
            stack.extend(a)
        elif not math.isfinite(a):
            raise ValueError("non-finite value in reference")
    return v


# ---------------------------------------------------------------- erf / erfc
erf_x = torch.cat([
    torch.tensor([0.0, 1e-300, 1e-20, -1e-10, 1e-8, 0.1, -0.3, 0.46875, 0.46876, 0.5, -0.75,
                  1.0, 1.5, -2.0, 2.5, 3.0, -3.9, 4.0, 4.0001, 5.0, -6.0, 8.0, 10.0, 26.0,
                  27.0, -30.0]),
    torch.empty(24).uniform_(-6.0, 6.0),
])
erf_ref = {"x": lst(erf_x), "erf": lst(torch.erf(erf_x)), "erfc": lst(torch.erfc(erf_x))}

# ---------------------------------------------------------------- activations
# Scalar points: the kinks (0, ±1), just beside them, saturation (±30, ±1000) and random ones.
kink_x = [0.0, 1.0, -1.0, 1e-12, -1e-12, 1 + 1e-12, 1 - 1e-12, -1 + 1e-12, -1 - 1e-12,
          0.5, -0.5, 2.0, -2.0, 5.0, -5.0, 30.0, -30.0, 1000.0, -1000.0]
act_x = torch.tensor(kink_x + (torch.randn(12) * 3).tolist())

ACTS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "hardTanh": F.hardtanh,
    "softsign": F.softsign,
    "relu": torch.relu,
    "leakyRelu": lambda x: F.leaky_relu(x, 0.01),
    "leakyRelu(0.2)": lambda x: F.leaky_relu(x, 0.2),
    "elu": lambda x: F.elu(x, alpha=1.0),
    "gelu": lambda x: F.gelu(x),  # approximate="none": the exact erf form
    "geluTanh": lambda x: F.gelu(x, approximate="tanh"),
    "selu": F.selu,
}

act_ref = {}
mat_x = torch.randn(4, 5) * 2
mat_x[0, 0] = 0.0  # a kink inside the matrix case too
mat_x[1, 1] = 1.0
mat_x[2, 2] = -1.0
mat_dout = torch.randn(4, 5)
for name, fn in ACTS.items():
    x = act_x.clone().requires_grad_(True)
    y = fn(x)
    # Upstream gradient of ones: x.grad is the element-wise derivative f'(x) as autograd sees it.
    y.backward(torch.ones_like(y))
    xm = mat_x.clone().requires_grad_(True)
    ym = fn(xm)
    ym.backward(mat_dout)
    act_ref[name] = {
        "x": fin(lst(act_x)),
        "f": fin(lst(y)),
        "df": fin(lst(x.grad)),
        "matrix": {"x": lst(mat_x), "dout": lst(mat_dout), "out": fin(lst(ym)),
                   "dx": fin(lst(xm.grad))},
    }

# ---------------------------------------------------------------- losses
# Every loss case stores the library's shape: scores, targets, options, then loss and grad.
def ce_case(name, scores, labels, reduction="mean"):
    s = scores.clone().requires_grad_(True)
    loss = F.cross_entropy(s, torch.tensor(labels), reduction=reduction)
    loss.backward()
    return {"name": name, "scores": lst(scores), "labels": labels, "reduction": reduction,
            "loss": fin(loss.item()), "grad": fin(lst(s.grad))}


ce = [
    ce_case("random 5x4", torch.randn(5, 4), [0, 3, 1, 1, 2]),
    ce_case("large logits 1e4", torch.randn(4, 3) * 1e4, [2, 0, 1, 2]),
    ce_case("huge equal logits", torch.tensor([[1e4, 1e4, -1e4], [-3e4, 2e4, 2e4]]), [0, 2]),
    ce_case("one class", torch.tensor([[3.0], [-2.0]]), [0, 0]),
    ce_case("single example", torch.randn(1, 6), [5]),
]


def mm_case(name, scores, labels, margin=1.0, p=1, reduction="mean"):
    s = scores.clone().requires_grad_(True)
    loss = F.multi_margin_loss(s, torch.tensor(labels), p=p, margin=margin, reduction=reduction)
    loss.backward()
    return {"name": name, "scores": lst(scores), "labels": labels, "margin": margin, "p": p,
            "reduction": reduction, "loss": fin(loss.item()), "grad": fin(lst(s.grad))}


# Exactly at the margin: margin − x[y] + x[j] == 0 for some j (integers, so no rounding).
at_margin = torch.tensor([[1.0, 0.0, 2.0, -3.0], [0.5, 1.5, 0.5, 0.0], [2.0, 1.0, 1.0, 3.0]])
mm = [
    mm_case("random p=1", torch.randn(6, 5), [0, 4, 2, 2, 1, 3]),
    mm_case("random p=2", torch.randn(6, 5), [1, 1, 0, 4, 3, 2], p=2),
    mm_case("random margin 0.5", torch.randn(4, 3), [2, 0, 1, 0], margin=0.5),
    mm_case("random margin 2 p=2", torch.randn(4, 3) * 3, [2, 0, 1, 1], margin=2.0, p=2),
    mm_case("at the margin p=1", at_margin, [0, 1, 1]),
    mm_case("at the margin p=2", at_margin, [0, 1, 1], p=2),
    mm_case("large scores", torch.randn(3, 4) * 1e4, [3, 1, 0]),
]


def ph_case(name, s_true, s_corrupt, margin=1.0, reduction="mean"):
    scores = torch.tensor([s_true, s_corrupt]).T.contiguous().requires_grad_(True)
    # The notes' objective max(0, Δ − s_true + s_corrupt) over pairs (rows [s_true, s_corrupt]).
    # The library's convention for every hinge: a term exactly at the margin is inactive, as
    # relu's gradient at 0 and MultiMarginLoss give (F.margin_ranking_loss's clamp_min would
    # pass the gradient there; its values agree).
    z = torch.relu(margin - scores[:, 0] + scores[:, 1])
    loss = z.mean() if reduction == "mean" else z.sum()
    loss.backward()
    check = F.margin_ranking_loss(torch.tensor(s_true), torch.tensor(s_corrupt),
                                  torch.ones(len(s_true)), margin=margin, reduction=reduction)
    assert abs(check.item() - loss.item()) <= 1e-15 * max(1.0, abs(loss.item()))
    return {"name": name, "scores": lst(scores), "margin": margin, "reduction": reduction,
            "loss": fin(loss.item()), "grad": fin(lst(scores.grad))}


ph = [
    ph_case("random", lst(torch.randn(7)), lst(torch.randn(7))),
    ph_case("random margin 0.3", lst(torch.randn(5)), lst(torch.randn(5)), margin=0.3),
    # Index 0 and 3 sit exactly at the margin (Δ − s_true + s_corrupt == 0): inactive.
    ph_case("at the kink", [1.0, 2.0, 0.0, 3.5, -1.0], [0.0, 0.5, 0.0, 2.5, -1.0]),
    ph_case("all satisfied", [5.0, 4.0], [1.0, 2.0]),
]


def bh_case(name, scores, labels, margin=1.0):
    s = torch.tensor(scores).reshape(-1, 1).requires_grad_(True)
    y = torch.tensor(labels).reshape(-1, 1)
    loss = torch.relu(margin - y * s).mean()  # strict at the margin, as every hinge here
    loss.backward()
    return {"name": name, "scores": lst(s), "labels": labels, "margin": margin,
            "loss": fin(loss.item()), "grad": fin(lst(s.grad))}


bh = [
    bh_case("random", lst(torch.randn(8) * 2),
            [1.0, -1.0, -1.0, 1.0, 1.0, -1.0, 1.0, -1.0]),
    # y·s == 1 exactly for the first two: on the margin.
    bh_case("at the margin", [1.0, -1.0, 0.25, 3.0, -0.5], [1.0, -1.0, -1.0, 1.0, 1.0]),
]


def mse_case(name, pred, target, reduction="mean"):
    p = pred.clone().requires_grad_(True)
    loss = F.mse_loss(p, target, reduction=reduction)
    loss.backward()
    return {"name": name, "scores": lst(pred), "targets": lst(target), "reduction": reduction,
            "loss": fin(loss.item()), "grad": fin(lst(p.grad))}


mse = [
    mse_case("random 4x3", torch.randn(4, 3), torch.randn(4, 3)),
    mse_case("column", torch.randn(6, 1) * 5, torch.randn(6, 1)),
]


def pen_case(name, w, lam):
    wl = w.clone().requires_grad_(True)
    l1 = lam * wl.abs().sum()
    l1.backward()
    d1 = lst(wl.grad)
    wl.grad = None
    l2 = 0.5 * lam * (wl * wl).sum()  # the library's L2 convention: (λ/2)‖w‖², gradient λw
    l2.backward()
    return {"name": name, "w": lst(w), "lambda": lam, "l1": fin(l1.item()), "dl1": fin(d1),
            "l2": fin(l2.item()), "dl2": fin(lst(wl.grad))}


w_with_zeros = torch.randn(3, 4)
w_with_zeros[0, 1] = 0.0
w_with_zeros[2, 3] = 0.0
pen = [
    pen_case("random with zeros", w_with_zeros, 0.05),
    pen_case("lambda 0", torch.randn(2, 2), 0.0),
    pen_case("lambda 3", torch.randn(2, 5), 3.0),
]

# reduction="sum" (drawn last, so the cases above keep their numbers)
ce.append(ce_case("random 5x4, sum", torch.randn(5, 4), [1, 0, 3, 3, 2], reduction="sum"))
mm.append(mm_case("random p=1, sum", torch.randn(4, 5), [0, 4, 2, 1], reduction="sum"))
ph.append(ph_case("random, sum", lst(torch.randn(6)), lst(torch.randn(6)), reduction="sum"))
mse.append(mse_case("random 3x2, sum", torch.randn(3, 2), torch.randn(3, 2), reduction="sum"))
bh.append(bh_case("random margin 0.5", lst(torch.randn(6)), [1.0, -1.0, 1.0, 1.0, -1.0, -1.0],
                  margin=0.5))

out = {
    "generator": "test/reference/gen_activations_losses.py",
    "torch": torch.__version__,
    "erf": erf_ref,
    "activations": act_ref,
    "softmaxCrossEntropy": ce,
    "multiMarginLoss": mm,
    "pairwiseHinge": ph,
    "binaryHinge": bh,
    "mse": mse,
    "penalties": pen,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "activations_losses.json")
with open(path, "w") as fh:
    json.dump(out, fh, separators=(",", ":"))
    fh.write("\n")
print(f"wrote {path} ({os.path.getsize(path)} bytes)")
