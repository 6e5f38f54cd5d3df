"""Reference values for lib/optim/proximal.ts and the weight-decay mapping of notebook 17.

Run: /usr/bin/python3 test/reference/gen_regularisation.py  (writes regularisation.json)
"""
import json, os
import torch

torch.manual_seed(0)
x = torch.randn(4, 5, dtype=torch.float64)
out = {"x": x.tolist(), "softshrink": {}}
for t in [0.0, 0.3, 1.0]:
    out["softshrink"][str(t)] = torch.nn.functional.softshrink(x, t).tolist()

# L2 penalty (lambda/2)||w||^2 through autograd vs SGD's weight_decay: one step each.
w0 = torch.randn(3, 4, dtype=torch.float64)
g = torch.randn(3, 4, dtype=torch.float64)
lam, lr = 0.05, 0.1
w = w0.clone().requires_grad_(True)
loss = (w * g).sum() + lam / 2 * (w ** 2).sum()
loss.backward()
opt = torch.optim.SGD([w], lr=lr)
opt.step()
penalised = w.detach().clone()
v = w0.clone().requires_grad_(True)
opt2 = torch.optim.SGD([v], lr=lr, weight_decay=lam)
(v * g).sum().backward()
opt2.step()
# AdamW one step from the same start: decoupled decay p <- p(1 - lr*wd) then Adam.
a = w0.clone().requires_grad_(True)
opta = torch.optim.AdamW([a], lr=lr, weight_decay=lam)
(a * g).sum().backward()
opta.step()
out["sgd"] = {"w0": w0.tolist(), "g": g.tolist(), "lambda": lam, "lr": lr,
              "penalised": penalised.tolist(), "weightDecay": v.detach().tolist(),
              "adamw": a.detach().tolist()}
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "regularisation.json"), "w") as f:
    json.dump(out, f, indent=1)
