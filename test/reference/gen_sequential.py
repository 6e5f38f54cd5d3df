"""Reference values for lib/train/sequential.ts, lib/data/downsample.ts and the entropy of
lib/train/uncertainty.ts.

Run with /usr/bin/python3 (PyTorch 1.13):  /usr/bin/python3 test/reference/gen_sequential.py
Writes test/reference/sequential.json.

A small nn.Sequential with every kind of layer the course's `sequential` builds (Linear,
BatchNorm1d, ReLU, a residual block x + F(x), LayerNorm, Linear), in training mode for two
steps (batch statistics; the running statistics updated with PyTorch's momentum convention)
and then in eval mode (running statistics). Gradients are autograd's for sum(out * dout).
Every input and parameter is stored, so the TypeScript test uses the same numbers.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def L(t):
    return t.detach().tolist()


class Residual(torch.nn.Module):
    def __init__(self, *layers):
        super().__init__()
        self.f = torch.nn.Sequential(*layers)

    def forward(self, x):
        return x + self.f(x)


torch.manual_seed(3)
D, H, C, N = 5, 6, 3, 4
net = torch.nn.Sequential(
    torch.nn.Linear(D, H),
    torch.nn.BatchNorm1d(H, momentum=0.2),
    torch.nn.ReLU(),
    Residual(torch.nn.Linear(H, H), torch.nn.ReLU(), torch.nn.Linear(H, H)),
    torch.nn.LayerNorm(H),
    torch.nn.Linear(H, C),
)
with torch.no_grad():  # γ, β away from 1, 0 so that their gradients are tested
    for m in net.modules():
        if isinstance(m, (torch.nn.BatchNorm1d, torch.nn.LayerNorm)):
            m.weight.add_(0.3 * torch.randn_like(m.weight))
            m.bias.add_(0.3 * torch.randn_like(m.bias))
params = list(net.parameters())
seq = {"sizes": [D, H, C], "momentum": 0.2, "params": [L(p.reshape(1, -1) if p.dim() == 1 else p)
                                                      for p in params], "steps": []}
net.train()
for step in range(2):
    x = torch.randn(N, D, requires_grad=True)
    out = net(x)
    dout = torch.randn_like(out)
    grads = torch.autograd.grad(out, [x] + params, dout)
    bn = net[1]
    seq["steps"].append({
        "x": L(x), "out": L(out), "dout": L(dout), "dx": L(grads[0]),
        "grads": [L(g.reshape(1, -1) if g.dim() == 1 else g) for g in grads[1:]],
        "running_mean": [L(bn.running_mean)], "running_var": [L(bn.running_var)],
    })
net.eval()
x = torch.randn(N, D)
seq["eval"] = {"x": L(x), "out": L(net(x))}

# F.avg_pool2d: 2×2 blocks of 4×4 images, and 3×3 blocks of 6×6 images
torch.manual_seed(4)
pool = {}
for side, k in [(4, 2), (6, 3)]:
    img = torch.rand(3, 1, side, side)
    pool[f"side{side}_k{k}"] = {"factor": k, "x": L(img.reshape(3, -1)),
                                "out": L(F.avg_pool2d(img, k).reshape(3, -1))}

# the entropy of categorical distributions (torch.distributions.Categorical), rows of probabilities
torch.manual_seed(5)
probs = torch.softmax(3 * torch.randn(4, 6), dim=1)
probs = torch.cat([probs, torch.eye(6)[:1], torch.full((1, 6), 1 / 6)])
entropy = {"probs": L(probs), "entropy": L(torch.distributions.Categorical(probs=probs).entropy())}

ref = {"torch_version": torch.__version__, "sequential": seq, "avg_pool2d": pool,
       "entropy": entropy}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sequential.json")
with open(path, "w") as f:
    json.dump(ref, f)
print("wrote", path)
