"""Reference values for lib/nn/compress.ts: distillation loss and gradient, L1-unstructured
pruning, fake quantisation, from PyTorch.

Run: /usr/bin/python3 test/reference/gen_compress.py  (writes compress.json)
"""
import json, os
import torch
import torch.nn.functional as F
import torch.nn.utils.prune as prune

torch.manual_seed(0)
s = torch.randn(5, 4, dtype=torch.float64) * 3
t = torch.randn(5, 4, dtype=torch.float64) * 3
out = {"student": s.tolist(), "teacher": t.tolist(), "distill": []}
for T in [1.0, 4.0]:
    x = s.clone().requires_grad_(True)
    loss = F.kl_div(F.log_softmax(x / T, 1), F.softmax(t / T, 1), reduction="batchmean") * T**2
    loss.backward()
    out["distill"].append({"temperature": T, "loss": loss.item(), "grad": x.grad.tolist()})

w = torch.randn(6, 5, dtype=torch.float64)
out["w"] = w.tolist()
out["prune"] = []
for amount in [0.0, 0.3, 0.8]:
    lin = torch.nn.Linear(5, 6).double()
    with torch.no_grad():
        lin.weight.copy_(w)
    prune.l1_unstructured(lin, "weight", amount=amount)
    out["prune"].append({"fraction": amount, "w": lin.weight.detach().tolist()})

out["quantize"] = []
for bits in [8, 4, 2]:
    q = 2 ** (bits - 1) - 1
    scale = w.abs().max().item() / q
    fq = torch.fake_quantize_per_tensor_affine(w.float(), scale, 0, -q, q).double()
    out["quantize"].append({"bits": bits, "scale": scale, "w": fq.tolist()})

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "compress.json"), "w") as f:
    json.dump(out, f, indent=1)
