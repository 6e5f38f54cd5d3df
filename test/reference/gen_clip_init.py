"""Reference values for lib/optim/clip.ts and lib/nn/init.ts from PyTorch 1.13 (float64).

Run: /usr/bin/python3 test/reference/gen_clip_init.py  (writes test/reference/clip_init.json)

clip: gradients (stored) clipped by clip_grad_norm_ (several max_norm / norm_type) and
clip_grad_value_; the total norm and the clipped gradients are stored.
init: calculate_gain values; for each initialiser the exact bound / std PyTorch draws with
(captured by wrapping torch.Tensor.uniform_/normal_, which they call), and the sample
std of a large PyTorch draw (for a loose statistical comparison).
"""
import json
import math
import os

import torch
import torch.nn.init as I
from torch.nn.utils import clip_grad_norm_, clip_grad_value_

torch.set_default_dtype(torch.float64)
torch.manual_seed(0)

GRADS = [torch.randn(2, 3) * 2, torch.randn(1, 3), torch.randn(4, 1) * 0.5]


def params():
    ps = [torch.zeros_like(g, requires_grad=True) for g in GRADS]
    for p, g in zip(ps, GRADS):
        p.grad = g.clone()
    return ps


clip = []
for max_norm, norm_type in [(1.0, 2), (0.5, 2), (100.0, 2), (1.0, math.inf), (0.3, math.inf),
                            (2.0, 1), (1.0, 3)]:
    ps = params()
    total = clip_grad_norm_(ps, max_norm, norm_type)
    # PyTorch's clip_coef_clamped, computed as clip_grad_norm_ computes it
    coef = min(1.0, max_norm / (total.item() + 1e-6))
    clip.append({"kind": "norm", "maxNorm": max_norm,
                 "normType": "inf" if norm_type == math.inf else norm_type,
                 "total": total.item(), "clipCoef": coef,
                 "grads": [p.grad.flatten().tolist() for p in ps]})
for value in [0.5, 1.5]:
    ps = params()
    clip_grad_value_(ps, value)
    clip.append({"kind": "value", "clipValue": value,
                 "grads": [p.grad.flatten().tolist() for p in ps]})

gains = [{"nonlinearity": n, "param": a, "gain": I.calculate_gain(n, a)}
         for n, a in [("linear", None), ("conv1d", None), ("conv2d", None), ("conv3d", None),
                      ("conv_transpose1d", None), ("conv_transpose2d", None),
                      ("conv_transpose3d", None), ("sigmoid", None), ("tanh", None),
                      ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2),
                      ("leaky_relu", 0.0), ("selu", None)]]

captured = {}
orig_u, orig_n = torch.Tensor.uniform_, torch.Tensor.normal_


def cap_u(t, a, b):
    captured["bound"] = b
    return orig_u(t, a, b)


def cap_n(t, mean, std):
    captured["std"] = std
    return orig_n(t, mean, std)


torch.Tensor.uniform_, torch.Tensor.normal_ = cap_u, cap_n

INITS = [
    ("xavierUniform", {"gain": 1}, lambda w: I.xavier_uniform_(w)),
    ("xavierUniform", {"gain": 5 / 3}, lambda w: I.xavier_uniform_(w, gain=5 / 3)),
    ("xavierNormal", {"gain": 1}, lambda w: I.xavier_normal_(w)),
    ("xavierNormal", {"gain": 2 ** 0.5}, lambda w: I.xavier_normal_(w, gain=2 ** 0.5)),
    ("kaimingUniform", {}, lambda w: I.kaiming_uniform_(w)),
    ("kaimingUniform", {"mode": "fan_out", "nonlinearity": "relu"},
     lambda w: I.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu")),
    ("kaimingUniform", {"a": 0.2}, lambda w: I.kaiming_uniform_(w, a=0.2)),
    # nn.Linear's default weight init (reset_parameters): kaiming_uniform_ with a = √5
    ("kaimingUniform", {"a": 5 ** 0.5}, lambda w: I.kaiming_uniform_(w, a=math.sqrt(5))),
    ("kaimingNormal", {}, lambda w: I.kaiming_normal_(w)),
    ("kaimingNormal", {"mode": "fan_out", "nonlinearity": "tanh"},
     lambda w: I.kaiming_normal_(w, mode="fan_out", nonlinearity="tanh")),
    ("kaimingNormal", {"a": 0.1, "nonlinearity": "leaky_relu"},
     lambda w: I.kaiming_normal_(w, a=0.1)),
]
inits = []
for name, opts, f in INITS:
    for shape in [(300, 200), (50, 800)]:
        captured.clear()
        w = f(torch.empty(*shape))
        inits.append({"init": name, "options": opts, "shape": list(shape), **captured,
                      "sampleStd": w.std().item(), "sampleMaxAbs": w.abs().max().item()})

ref = {"torch": torch.__version__,
       "grads": [g.flatten().tolist() for g in GRADS],
       "shapes": [list(g.shape) for g in GRADS],
       "clip": clip, "gains": gains, "inits": inits}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "clip_init.json")
with open(path, "w") as f:
    json.dump(ref, f, separators=(",", ":"))
print(path, os.path.getsize(path), "bytes")
