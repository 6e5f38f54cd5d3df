"""Reference values for lib/nn/layers/{linear,mlp,batchnorm,layernorm,dropout,softmax}.ts.

Run with /usr/bin/python3 (PyTorch 1.13):  /usr/bin/python3 test/reference/gen_layers_dense.py
Writes test/reference/layers_dense.json. Every input is stored too, so the TypeScript tests
use exactly the same numbers. Gradients are autograd's for sum(out * dout) with a random
upstream gradient dout.

Dropout masks: PyTorch draws its own masks, so for each dropout flavour the script re-seeds,
draws the mask the way ATen does (bernoulli_(1 - p) on a tensor of the mask's shape), checks
that the real PyTorch function (F.dropout, F.dropout1d, F.dropout2d, F.alpha_dropout) called
after the same seed gives the output the mask predicts (to
rounding), and stores that mask. The TS
side is then given the mask explicitly. Classic dropout and DropConnect have no PyTorch op;
their references are autograd through the defining expression.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def L(t):
    return t.detach().tolist()


def leaf(*shape):
    return torch.randn(*shape).requires_grad_(True)


ref = {"torch_version": torch.__version__}

# ---------------------------------------------------------------- linear
torch.manual_seed(1)
x, w, b = leaf(4, 5), leaf(3, 5), leaf(1, 3)
out = F.linear(x, w, b.view(-1))
dout = torch.randn_like(out)
dx, dw, db = torch.autograd.grad(out, (x, w, b), dout)
ref["linear"] = {"x": L(x), "w": L(w), "b": L(b), "out": L(out), "dout": L(dout),
                 "dx": L(dx), "dw": L(dw), "db": L(db)}

# ---------------------------------------------------------------- mlp (3 linear layers)
torch.manual_seed(2)
sizes = [4, 6, 5, 3]
layers = [torch.nn.Linear(i, o) for i, o in zip(sizes[:-1], sizes[1:])]
x = leaf(5, 4)
mlp = {"sizes": sizes, "x": L(x),
       "params": [{"w": L(l.weight), "b": [L(l.bias)]} for l in layers]}
dout = torch.randn(5, 3)
mlp["dout"] = L(dout)
for name, act in [("relu", torch.relu), ("tanh", torch.tanh)]:
    h = x
    for k, l in enumerate(layers):
        h = l(h)
        if k < len(layers) - 1:
            h = act(h)
    params = [p for l in layers for p in (l.weight, l.bias)]
    grads = torch.autograd.grad(h, [x] + params, dout)
    mlp[name] = {"out": L(h), "dx": L(grads[0]),
                 "grads": [{"dw": L(grads[1 + 2 * k]), "db": [L(grads[2 + 2 * k])]}
                           for k in range(len(layers))]}
ref["mlp"] = mlp

# ---------------------------------------------------------------- batchnorm1d
torch.manual_seed(3)
D = 4
bn = torch.nn.BatchNorm1d(D)  # momentum 0.1, eps 1e-5
with torch.no_grad():
    bn.weight.copy_(torch.randn(D))
    bn.bias.copy_(torch.randn(D))
bnref = {"gamma": [L(bn.weight)], "beta": [L(bn.bias)], "steps": []}
bn.train()
for step in range(3):
    x = (torch.randn(6, D) * torch.tensor([1.0, 2.0, 0.5, 3.0]) + torch.tensor([0.0, 1.0, -2.0, 5.0]))
    x.requires_grad_(True)
    out = bn(x)
    dout = torch.randn_like(out)
    dx, dg, dbeta = torch.autograd.grad(out, (x, bn.weight, bn.bias), dout)
    bnref["steps"].append({"x": L(x), "out": L(out), "dout": L(dout), "dx": L(dx),
                           "dgamma": [L(dg)], "dbeta": [L(dbeta)],
                           "running_mean": [L(bn.running_mean)],
                           "running_var": [L(bn.running_var)]})
bn.eval()
x = leaf(5, D)
out = bn(x)
dout = torch.randn_like(out)
dx, dg, dbeta = torch.autograd.grad(out, (x, bn.weight, bn.bias), dout)
bnref["eval"] = {"x": L(x), "out": L(out), "dout": L(dout), "dx": L(dx),
                 "dgamma": [L(dg)], "dbeta": [L(dbeta)]}
ref["batchnorm"] = bnref

# ---------------------------------------------------------------- layernorm
torch.manual_seed(4)
ln = torch.nn.LayerNorm(5)  # eps 1e-5, elementwise affine
with torch.no_grad():
    ln.weight.copy_(torch.randn(5))
    ln.bias.copy_(torch.randn(5))
x = (torch.randn(4, 5) * 3 + 1).requires_grad_(True)
out = ln(x)
dout = torch.randn_like(out)
dx, dg, dbeta = torch.autograd.grad(out, (x, ln.weight, ln.bias), dout)
ref["layernorm"] = {"x": L(x), "gamma": [L(ln.weight)], "beta": [L(ln.bias)], "out": L(out),
                    "dout": L(dout), "dx": L(dx), "dgamma": [L(dg)], "dbeta": [L(dbeta)]}

# ---------------------------------------------------------------- dropout flavours


def torch_mask(seed, shape, p):
    torch.manual_seed(seed)
    return torch.empty(shape).bernoulli_(1 - p)


# p = 1 drops everything: every PyTorch dropout returns zeros and passes no gradient, which
# lib/nn/layers/dropout.ts matches (test/unit/dropout.test.ts, "p = 1 drops everything").
_x1 = torch.randn(2, 6, generator=torch.Generator().manual_seed(1), requires_grad=True)
for _f in (lambda v: F.dropout(v, 1.0, True), lambda v: F.alpha_dropout(v, 1.0, True),
           lambda v: F.dropout1d(v.reshape(2, 3, 2), 1.0, True)):
    _x1.grad = None
    _y = _f(_x1)
    _y.sum().backward()
    assert _y.abs().max() == 0 and _x1.grad.abs().max() == 0, "p = 1 should give zeros"


def check_same(name, a, b):
    # Same mask, so equal up to rounding (PyTorch multiplies by 1/(1-p) rather than dividing).
    if (a - b).abs().max() > 1e-15 * b.abs().max():
        raise SystemExit(f"{name}: PyTorch output differs from the mask formula")


# inverted dropout (F.dropout)
p = 0.3
torch.manual_seed(5)
x = leaf(4, 6)
dout = torch.randn(4, 6)
mask = torch_mask(50, (4, 6), p)
torch.manual_seed(50)
out = F.dropout(x, p, training=True)
check_same("dropout", out, x * mask / (1 - p))
(dx,) = torch.autograd.grad(out, x, dout)
# classic dropout: no PyTorch op; autograd through its definition
out_classic = x * mask
(dx_classic,) = torch.autograd.grad(out_classic, x, dout)
ref["dropout"] = {"p": p, "x": L(x), "mask": L(mask), "dout": L(dout), "out": L(out), "dx": L(dx),
                  "out_eval": L(F.dropout(x, p, training=False)),
                  "classic_out": L(out_classic), "classic_dx": L(dx_classic),
                  "classic_out_eval": L(x * (1 - p))}

# spatial dropout, N×C×L (F.dropout1d) and N×C×H×W (F.dropout2d)
p = 0.4
torch.manual_seed(6)
x = leaf(3, 4, 5)
dout = torch.randn(3, 4, 5)
mask = torch_mask(60, (3, 4, 1), p)
torch.manual_seed(60)
out = F.dropout1d(x, p, training=True)
check_same("dropout1d", out, x * mask / (1 - p))
(dx,) = torch.autograd.grad(out, x, dout)
sp1 = {"p": p, "channels": 4, "x": L(x.reshape(3, -1)), "mask": L(mask.reshape(3, 4)),
       "dout": L(dout.reshape(3, -1)), "out": L(out.reshape(3, -1)), "dx": L(dx.reshape(3, -1))}
x = leaf(2, 3, 2, 3)
dout = torch.randn(2, 3, 2, 3)
mask = torch_mask(61, (2, 3, 1, 1), p)
torch.manual_seed(61)
out = F.dropout2d(x, p, training=True)
check_same("dropout2d", out, x * mask / (1 - p))
(dx,) = torch.autograd.grad(out, x, dout)
sp2 = {"p": p, "channels": 3, "x": L(x.reshape(2, -1)), "mask": L(mask.reshape(2, 3)),
       "dout": L(dout.reshape(2, -1)), "out": L(out.reshape(2, -1)), "dx": L(dx.reshape(2, -1))}
ref["spatial_dropout"] = {"ncl": sp1, "nchw": sp2}

# alpha dropout (F.alpha_dropout)
p = 0.2
torch.manual_seed(7)
x = leaf(5, 4)
dout = torch.randn(5, 4)
mask = torch_mask(70, (5, 4), p)
torch.manual_seed(70)
out = F.alpha_dropout(x, p, training=True)
alpha = 1.7580993408473766
a = 1.0 / ((alpha * alpha * p + 1) * (1 - p)) ** 0.5
expected = x * mask * a + (mask - 1) * alpha * a + alpha * a * p
if (out - expected).abs().max() > 1e-15 * expected.abs().max():
    raise SystemExit("alpha_dropout: PyTorch output differs from the mask formula")
(dx,) = torch.autograd.grad(out, x, dout)
ref["alpha_dropout"] = {"p": p, "x": L(x), "mask": L(mask), "dout": L(dout), "out": L(out),
                        "dx": L(dx), "out_eval": L(F.alpha_dropout(x, p, training=False))}

# DropConnect: no PyTorch op; autograd through F.linear with the masked, rescaled weight
p = 0.5
torch.manual_seed(8)
x, w, b = leaf(4, 5), leaf(3, 5), leaf(1, 3)
mask = torch_mask(80, (3, 5), p)
out = F.linear(x, w * mask / (1 - p), b.view(-1))
dout = torch.randn_like(out)
dx, dw, db = torch.autograd.grad(out, (x, w, b), dout)
ref["dropconnect"] = {"p": p, "x": L(x), "w": L(w), "b": L(b), "mask": L(mask), "out": L(out),
                      "dout": L(dout), "dx": L(dx), "dw": L(dw), "db": L(db),
                      "out_eval": L(F.linear(x, w, b.view(-1)))}

# ---------------------------------------------------------------- softmax
torch.manual_seed(9)
x = torch.randn(4, 5) * 2
x[1] += 1000.0  # a naive exp would overflow on this row
x[2] -= 1000.0  # and underflow to 0/0 on this one
x.requires_grad_(True)
out = F.softmax(x, dim=1)
dout = torch.randn_like(out)
(dx,) = torch.autograd.grad(out, x, dout)
ref["softmax"] = {"x": L(x), "out": L(out), "dout": L(dout), "dx": L(dx)}

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "layers_dense.json")
with open(path, "w") as f:
    json.dump(ref, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {path} ({os.path.getsize(path)} bytes)")
