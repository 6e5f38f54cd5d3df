"""Reference learning rates for lib/optim/schedules.ts from torch.optim.lr_scheduler (PyTorch 1.13).

Run: /usr/bin/python3 test/reference/gen_schedules.py  (writes test/reference/schedules.json)

Each case records optimizer lr at t = 0 and after each of N calls of scheduler.step(),
i.e. the value PyTorch uses in epoch (or step) t. The TS options are stored beside it.
OneCycleLR cases also record the momentum it cycles (SGD's momentum, or Adam's betas[0]).
"""
import json
import os
import warnings

import torch
from torch.optim import SGD, Adam, lr_scheduler as S

torch.set_default_dtype(torch.float64)
warnings.simplefilter("ignore")


def momentum_of(group):
    return group["betas"][0] if "betas" in group else group["momentum"]


def run(make, lr0, n, adam=False):
    p = [torch.zeros(1, requires_grad=True)]
    opt = Adam(p, lr=lr0) if adam else SGD(p, lr=lr0, momentum=0.9)
    sched = make(opt)
    g = opt.param_groups[0]
    lrs, moms = [g["lr"]], [momentum_of(g)]
    for _ in range(n):
        opt.step()
        sched.step()
        lrs.append(g["lr"])
        moms.append(momentum_of(g))
    return lrs, moms


N = 100
CASES = [
    ("stepLR", {"baseLr": 0.1, "stepSize": 7, "gamma": 0.5},
     lambda o: S.StepLR(o, step_size=7, gamma=0.5), 0.1, N),
    ("stepLR", {"baseLr": 0.3, "stepSize": 30}, lambda o: S.StepLR(o, step_size=30), 0.3, N),
    ("exponentialLR", {"baseLr": 0.1, "gamma": 0.95},
     lambda o: S.ExponentialLR(o, gamma=0.95), 0.1, N),
    ("inverseTimeLR", {"baseLr": 0.1, "k": 0.1},
     lambda o: S.LambdaLR(o, lambda t: 1 / (1 + 0.1 * t)), 0.1, N),
    ("linearLR", {"baseLr": 0.1}, lambda o: S.LinearLR(o), 0.1, 20),
    ("linearLR", {"baseLr": 0.1, "startFactor": 0.25, "endFactor": 1, "totalIters": 10},
     lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=10), 0.1, 30),
    ("linearLR", {"baseLr": 0.1, "startFactor": 1, "endFactor": 0.1, "totalIters": 40},
     lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=40), 0.1, 60),
    ("cosineAnnealingLR", {"baseLr": 0.1, "tMax": 100},
     lambda o: S.CosineAnnealingLR(o, T_max=100), 0.1, N),
    ("cosineAnnealingLR", {"baseLr": 0.1, "tMax": 30, "etaMin": 1e-3},
     lambda o: S.CosineAnnealingLR(o, T_max=30, eta_min=1e-3), 0.1, N),
    ("cosineAnnealingWarmRestarts", {"baseLr": 0.1, "t0": 10},
     lambda o: S.CosineAnnealingWarmRestarts(o, T_0=10), 0.1, N),
    ("cosineAnnealingWarmRestarts", {"baseLr": 0.1, "t0": 5, "tMult": 2, "etaMin": 1e-3},
     lambda o: S.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2, eta_min=1e-3), 0.1, N),
    ("oneCycleLR", {"maxLr": 0.1, "totalSteps": 100},
     lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=100), 0.1, 99),
    ("oneCycleLR", {"maxLr": 0.5, "totalSteps": 50, "pctStart": 0.25, "threePhase": True},
     lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=50, pct_start=0.25, three_phase=True),
     0.1, 49),
    ("oneCycleLR", {"maxLr": 0.2, "totalSteps": 64, "anneal": "linear", "divFactor": 10,
                    "finalDivFactor": 100},
     lambda o: S.OneCycleLR(o, max_lr=0.2, total_steps=64, anneal_strategy="linear",
                            div_factor=10, final_div_factor=100), 0.1, 63),
    ("oneCycleLR", {"maxLr": 0.01, "totalSteps": 40, "baseMomentum": 0.8, "maxMomentum": 0.9},
     lambda o: S.OneCycleLR(o, max_lr=0.01, total_steps=40, base_momentum=0.8,
                            max_momentum=0.9), 0.1, 39, "adam"),
    ("oneCycleLR", {"maxLr": 0.1, "totalSteps": 30, "cycleMomentum": False},
     lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=30, cycle_momentum=False), 0.1, 29),
    ("cyclicLR", {"baseLr": 0.01, "maxLr": 0.1, "stepSizeUp": 10},
     lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=10,
                          cycle_momentum=False), 0.1, N),
    ("cyclicLR", {"baseLr": 0.01, "maxLr": 0.1, "stepSizeUp": 8, "stepSizeDown": 4,
                  "mode": "triangular2"},
     lambda o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=8, step_size_down=4,
                          mode="triangular2", cycle_momentum=False), 0.1, N),
    ("cyclicLR", {"baseLr": 0.001, "maxLr": 0.1, "stepSizeUp": 6, "mode": "exp_range",
                  "gamma": 0.98},
     lambda o: S.CyclicLR(o, base_lr=0.001, max_lr=0.1, step_size_up=6, mode="exp_range",
                          gamma=0.98, cycle_momentum=False), 0.1, N),
    # SequentialLR: linear warm-up then cosine over the remaining steps (the `schedules`
    # exercise), and step decay after a constant phase. Options name the parts for the test.
    ("sequentialLR", {"parts": [["linearLR", {"baseLr": 0.1, "startFactor": 0.1, "totalIters": 5}],
                                ["cosineAnnealingLR", {"baseLr": 0.1, "tMax": 15, "etaMin": 1e-3}]],
                      "milestones": [5]},
     lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=5),
                                  S.CosineAnnealingLR(o, T_max=15, eta_min=1e-3)],
                              milestones=[5]), 0.1, 30),
    ("sequentialLR", {"parts": [["linearLR", {"baseLr": 0.05, "startFactor": 0.25, "totalIters": 8}],
                                ["cosineAnnealingLR", {"baseLr": 0.05, "tMax": 40}]],
                      "milestones": [8]},
     lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.25, total_iters=8),
                                  S.CosineAnnealingLR(o, T_max=40)],
                              milestones=[8]), 0.05, 48),
    ("sequentialLR", {"parts": [["linearLR", {"baseLr": 0.1, "startFactor": 0.5, "totalIters": 3}],
                                ["stepLR", {"baseLr": 0.1, "stepSize": 4, "gamma": 0.5}],
                                ["exponentialLR", {"baseLr": 0.1, "gamma": 0.9}]],
                      "milestones": [3, 15]},
     lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.5, total_iters=3),
                                  S.StepLR(o, step_size=4, gamma=0.5),
                                  S.ExponentialLR(o, gamma=0.9)],
                              milestones=[3, 15]), 0.1, 30),
]

def case(s, opts, make, lr0, n, opt="sgd"):
    lrs, moms = run(make, lr0, n, adam=opt == "adam")
    out = {"schedule": s, "options": opts, "optimizer": opt, "lrs": lrs}
    if s == "oneCycleLR":
        out["momentum"] = moms  # constant 0.9 when cycleMomentum is off
    return out


ref = {"torch": torch.__version__, "cases": [case(*c) for c in CASES]}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schedules.json")
with open(path, "w") as f:
    json.dump(ref, f, separators=(",", ":"))
print(path, os.path.getsize(path), "bytes")
