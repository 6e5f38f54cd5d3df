"""Reference state trajectories for the optimiser exercises, from torch.optim (PyTorch 1.13, float64).

Run: /usr/bin/python3 test/reference/gen_optim_state.py  (writes test/reference/optim_state.json)

gen_optim.py checks the parameters with a constant learning rate; this one checks what the
exercises also grade: the state PyTorch keeps (momentum_buffer; step, exp_avg, exp_avg_sq,
max_exp_avg_sq) after every step, with a learning rate that changes between steps (set in
param_groups, as a scheduler does). The problem is a noisy quadratic bowl
f(w) = 1/2 (w - c)^T A (w - c), gradient A (w - c) + noise[t], from w0.
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)
torch.manual_seed(1)

O = torch.optim
N, STEPS = 3, 40
Q = torch.randn(N, N)
A = Q @ Q.T / N + 0.2 * torch.eye(N)
C = torch.randn(N)
W0 = torch.randn(N)
NOISE = torch.randn(STEPS, N) * 0.3 * torch.linspace(1, 0.05, STEPS)[:, None]
# A warm-up, a plateau and two drops: every kind of change a schedule makes.
LRS = [0.02 * min(1, (t + 1) / 5) * (0.3 if t >= 20 else 1) * (0.3 if t >= 30 else 1)
       for t in range(STEPS)]

# (id, TS factory, TS options, torch class, torch kwargs, lr scale)
CONFIGS = [
    ("sgd", "sgd", {}, O.SGD, {}, 10),
    ("sgd_momentum", "sgd", {"momentum": 0.9}, O.SGD, {"momentum": 0.9}, 10),
    ("sgd_dampening_wd", "sgd", {"momentum": 0.8, "dampening": 0.3, "weightDecay": 0.05},
     O.SGD, {"momentum": 0.8, "dampening": 0.3, "weight_decay": 0.05}, 10),
    ("sgd_nesterov_wd", "sgd", {"momentum": 0.9, "nesterov": True, "weightDecay": 0.1},
     O.SGD, {"momentum": 0.9, "nesterov": True, "weight_decay": 0.1}, 10),
    ("adam", "adam", {"eps": 1e-6}, O.Adam, {"eps": 1e-6}, 1),
    ("adam_l2_amsgrad", "adam", {"weightDecay": 0.1, "amsgrad": True, "betas": [0.8, 0.99]},
     O.Adam, {"weight_decay": 0.1, "amsgrad": True, "betas": (0.8, 0.99)}, 1),
    ("adamw", "adamw", {"weightDecay": 0.5}, O.AdamW, {"weight_decay": 0.5}, 1),
    ("adamw_amsgrad", "adamw", {"weightDecay": 0.1, "amsgrad": True}, O.AdamW,
     {"weight_decay": 0.1, "amsgrad": True}, 1),
]

STATE_NAMES = {"momentum_buffer": "momentumBuffer", "step": "step", "exp_avg": "expAvg",
               "exp_avg_sq": "expAvgSq", "max_exp_avg_sq": "maxExpAvgSq"}


def run(cfg):
    _, _, _, cls, kwargs, scale = cfg
    w = W0.clone().requires_grad_()
    opt = cls([w], lr=LRS[0] * scale, **kwargs)
    out = []
    for t in range(STEPS):
        for group in opt.param_groups:
            group["lr"] = LRS[t] * scale
        w.grad = (A @ (w.detach() - C) + NOISE[t]).clone()
        opt.step()
        state = {}
        for k, v in opt.state[w].items():
            if v is None:  # SGD without momentum keeps momentum_buffer = None
                continue
            state[STATE_NAMES[k]] = v.item() if v.dim() == 0 else v.tolist()
        out.append({"w": w.detach().tolist(), "state": state})
    return out


ref = {
    "torch": torch.__version__,
    "a": A.tolist(), "center": C.tolist(), "w0": W0.tolist(), "noise": NOISE.tolist(),
    "lrs": LRS,
    "configs": [
        {"id": c[0], "factory": c[1], "options": c[2], "lrScale": c[5], "steps": run(c)}
        for c in CONFIGS
    ],
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optim_state.json")
with open(path, "w") as f:
    json.dump(ref, f, separators=(",", ":"))
print(path, os.path.getsize(path), "bytes")
