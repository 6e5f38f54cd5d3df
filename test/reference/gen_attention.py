"""Reference values for lib/nn/layers/attention.ts from PyTorch 1.13.

Run: /usr/bin/python3 test/reference/gen_attention.py  (writes attention.json)

PyTorch 2's F.scaled_dot_product_attention(q, k, v, attn_mask, is_causal, scale) is not in
1.13, so it is written out here with the same meaning: a boolean mask is True where a query
may attend; is_causal keeps torch.ones(L, S).tril(diagonal=0); scale defaults to 1/sqrt(E).
Inputs are stored next to the outputs; every gradient is autograd's, of sum(out * dout).
"""
import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)
torch.manual_seed(20240601)


def t(x):
    x = x.detach()
    return {"shape": list(x.shape), "data": x.reshape(-1).tolist()}


def attention_case(n, m, d, dv, mask=None, is_causal=False, scale=None):
    q = torch.randn(n, d, requires_grad=True)
    k = torch.randn(m, d, requires_grad=True)
    v = torch.randn(m, dv, requires_grad=True)
    factor = 1 / math.sqrt(d) if scale is None else scale
    raw = q @ k.T * factor  # the scores before the mask
    allowed = torch.ones(n, m, dtype=torch.bool)
    if mask is not None:
        allowed = allowed & mask
    if is_causal:
        allowed = allowed & torch.ones(n, m, dtype=torch.bool).tril(diagonal=0)
    weights = torch.softmax(raw.masked_fill(~allowed, float("-inf")), dim=1)
    out = weights @ v
    dout = torch.randn_like(out)
    (out * dout).sum().backward()
    case = {"q": t(q), "k": t(k), "v": t(v), "out": t(out), "weights": t(weights),
            "scores": t(raw),
            "dout": t(dout), "dq": t(q.grad), "dk": t(k.grad), "dv": t(v.grad)}
    if mask is not None:
        case["mask"] = mask.tolist()
    if is_causal:
        case["isCausal"] = True
    if scale is not None:
        case["scale"] = scale
    return case


ref = [
    attention_case(4, 5, 3, 2),
    attention_case(4, 4, 6, 3, torch.tril(torch.ones(4, 4, dtype=torch.bool))),
    attention_case(3, 5, 2, 4, (torch.rand(3, 5) < 0.6)
                   | torch.nn.functional.one_hot(torch.tensor([0, 2, 4]), 5).bool()),
    attention_case(5, 5, 4, 3, is_causal=True),
    attention_case(3, 6, 4, 2, is_causal=True),  # L < S: query i still sees keys 0 … i
    attention_case(4, 4, 8, 2, scale=1.0),
    attention_case(4, 4, 3, 2, mask=torch.tensor([[True, True, False, True]] * 4),
                   is_causal=True, scale=0.3),
]

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "attention.json")
with open(path, "w") as f:
    json.dump(ref, f)
print(f"wrote {path} ({os.path.getsize(path)} bytes)")
