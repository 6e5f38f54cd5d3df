"""Reference trajectories for lib/optim/optimizers.ts from torch.optim (PyTorch 1.13, float64).

Run: /usr/bin/python3 test/reference/gen_optim.py  (writes test/reference/optim.json)

Two experiments, every optimiser/option combination in CONFIGS:
- "fixed": two parameters (2x3 weight, 1x3 bias) updated for 20 steps with a stored,
  fixed sequence of gradients (shrinking in size so AMSGrad's maximum matters);
  params after every step are stored.
- "rosenbrock": one 1x2 parameter (x, y) following the gradient of
  f = (1 - x)^2 + 100 (y - x^2)^2 for 200 steps from (-1.5, 2); every 10th point stored.
NAdam uses foreach=True: PyTorch 1.13's default single-tensor NAdam multiplies mu_t into
mu_product_next twice (fixed in 2.0); the foreach path has the 2.0 rule.
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)
torch.manual_seed(0)

O = torch.optim
# (id, TS factory, TS options, torch class, torch kwargs, lr on rosenbrock)
CONFIGS = [
    ("sgd", "sgd", {}, O.SGD, {}, 1e-3),
    ("sgd_momentum", "sgd", {"momentum": 0.9}, O.SGD, {"momentum": 0.9}, 1e-3),
    ("sgd_dampening", "sgd", {"momentum": 0.9, "dampening": 0.5}, O.SGD,
     {"momentum": 0.9, "dampening": 0.5}, 1e-3),
    ("sgd_nesterov", "sgd", {"momentum": 0.9, "nesterov": True}, O.SGD,
     {"momentum": 0.9, "nesterov": True}, 1e-3),
    ("sgd_wd", "sgd", {"momentum": 0.8, "weightDecay": 0.1}, O.SGD,
     {"momentum": 0.8, "weight_decay": 0.1}, 1e-3),
    ("sgd_nesterov_wd", "sgd", {"momentum": 0.5, "nesterov": True, "weightDecay": 0.05}, O.SGD,
     {"momentum": 0.5, "nesterov": True, "weight_decay": 0.05}, 1e-3),
    ("adagrad", "adagrad", {}, O.Adagrad, {}, 0.5),
    ("adagrad_lr_decay", "adagrad", {"lrDecay": 0.05}, O.Adagrad, {"lr_decay": 0.05}, 0.5),
    ("adagrad_wd_init", "adagrad", {"weightDecay": 0.1, "initialAccumulatorValue": 0.5},
     O.Adagrad, {"weight_decay": 0.1, "initial_accumulator_value": 0.5}, 0.5),
    ("adagrad_eps", "adagrad", {"eps": 1e-3}, O.Adagrad, {"eps": 1e-3}, 0.5),
    ("rmsprop", "rmsprop", {}, O.RMSprop, {}, 1e-2),
    ("rmsprop_alpha_eps", "rmsprop", {"alpha": 0.9, "eps": 1e-3}, O.RMSprop,
     {"alpha": 0.9, "eps": 1e-3}, 1e-2),
    ("rmsprop_centered", "rmsprop", {"centered": True}, O.RMSprop, {"centered": True}, 1e-2),
    ("rmsprop_momentum", "rmsprop", {"momentum": 0.9}, O.RMSprop, {"momentum": 0.9}, 1e-3),
    ("rmsprop_all", "rmsprop", {"centered": True, "momentum": 0.5, "weightDecay": 0.1},
     O.RMSprop, {"centered": True, "momentum": 0.5, "weight_decay": 0.1}, 1e-3),
    ("adam", "adam", {}, O.Adam, {}, 5e-2),
    ("adam_betas_eps", "adam", {"betas": [0.8, 0.99], "eps": 1e-4}, O.Adam,
     {"betas": (0.8, 0.99), "eps": 1e-4}, 5e-2),
    ("adam_l2", "adam", {"weightDecay": 0.1}, O.Adam, {"weight_decay": 0.1}, 5e-2),
    ("adam_amsgrad", "adam", {"amsgrad": True}, O.Adam, {"amsgrad": True}, 5e-2),
    ("amsgrad_l2", "amsgrad", {"weightDecay": 0.1}, O.Adam,
     {"amsgrad": True, "weight_decay": 0.1}, 5e-2),
    ("adamw", "adamw", {}, O.AdamW, {}, 5e-2),
    ("adamw_wd", "adamw", {"weightDecay": 0.1}, O.AdamW, {"weight_decay": 0.1}, 5e-2),
    ("adamw_amsgrad", "adamw", {"weightDecay": 0.1, "amsgrad": True}, O.AdamW,
     {"weight_decay": 0.1, "amsgrad": True}, 5e-2),
    ("nadam", "nadam", {}, O.NAdam, {}, 5e-2),
    ("nadam_wd", "nadam", {"weightDecay": 0.1}, O.NAdam, {"weight_decay": 0.1}, 5e-2),
    ("nadam_options", "nadam", {"momentumDecay": 1e-2, "betas": [0.8, 0.99]}, O.NAdam,
     {"momentum_decay": 1e-2, "betas": (0.8, 0.99)}, 5e-2),
]
LR_FIXED = {"sgd": 0.1, "adagrad": 0.1, "rmsprop": 0.01, "adam": 0.01, "amsgrad": 0.01,
            "adamw": 0.01, "nadam": 0.01}

STEPS = 20
W0 = torch.randn(2, 3)
B0 = torch.randn(1, 3)
GRADS = [(torch.randn(2, 3) * 3 * 0.8 ** t, torch.randn(1, 3) * 3 * 0.8 ** t)
         for t in range(STEPS)]


def make(cls, kwargs, params, lr):
    kw = dict(kwargs)
    if cls is O.NAdam:
        kw["foreach"] = True
    return cls(params, lr=lr, **kw)


def fixed(cfg):
    _, factory, _, cls, kwargs, _ = cfg
    w, b = W0.clone().requires_grad_(), B0.clone().requires_grad_()
    opt = make(cls, kwargs, [w, b], LR_FIXED[factory])
    out = []
    for gw, gb in GRADS:
        w.grad, b.grad = gw.clone(), gb.clone()
        opt.step()
        out.append([w.detach().flatten().tolist(), b.detach().flatten().tolist()])
    return out


def rosenbrock(cfg, steps=200, every=10):
    _, _, _, cls, kwargs, lr = cfg
    xy = torch.tensor([[-1.5, 2.0]], requires_grad=True)
    opt = make(cls, kwargs, [xy], lr)
    out = [xy.detach().flatten().tolist()]
    for t in range(1, steps + 1):
        opt.zero_grad()
        x, y = xy[0, 0], xy[0, 1]
        ((1 - x) ** 2 + 100 * (y - x ** 2) ** 2).backward()
        opt.step()
        if t % every == 0:
            out.append(xy.detach().flatten().tolist())
    return out


ref = {
    "torch": torch.__version__,
    "fixed": {
        "w0": W0.flatten().tolist(), "b0": B0.flatten().tolist(),
        "grads": [[gw.flatten().tolist(), gb.flatten().tolist()] for gw, gb in GRADS],
        "lr": LR_FIXED,
    },
    "rosenbrock": {"start": [-1.5, 2.0], "steps": 200, "every": 10},
    "configs": [
        {"id": c[0], "factory": c[1], "options": c[2], "rosenbrockLr": c[5],
         "fixed": fixed(c), "rosenbrock": rosenbrock(c)}
        for c in CONFIGS
    ],
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optim.json")
with open(path, "w") as f:
    json.dump(ref, f, separators=(",", ":"))
print(path, os.path.getsize(path), "bytes")
