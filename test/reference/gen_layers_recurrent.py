"""Reference values for lib/nn/layers/rnn.ts and rnn_sequence.ts from PyTorch 1.13 (RNNCell,
LSTMCell, GRUCell; RNN, LSTM and GRU over a sequence).

Run: /usr/bin/python3 test/reference/gen_layers_recurrent.py  (writes layers_recurrent.json)

Inputs and weights are stored next to the outputs. Gradients are autograd's, of
sum(h' * dh) (+ sum(c' * dc) for the LSTM) for random upstream dh, dc.
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)
torch.manual_seed(20240602)
B, I, H = 3, 4, 5


def m(x):
    """A matrix as {shape, data}; 1-D tensors (biases) become 1×n rows."""
    x = x.detach()
    if x.dim() == 1:
        x = x.reshape(1, -1)
    return {"shape": list(x.shape), "data": x.reshape(-1).tolist()}


def params(mod, suffix=""):
    return {k: m(getattr(mod, f"{name}{suffix}"))
            for k, name in [("wIh", "weight_ih"), ("wHh", "weight_hh"),
                            ("bIh", "bias_ih"), ("bHh", "bias_hh")]}


def grads(mod, suffix=""):
    return {k: m(getattr(mod, f"{name}{suffix}").grad)
            for k, name in [("dwIh", "weight_ih"), ("dwHh", "weight_hh"),
                            ("dbIh", "bias_ih"), ("dbHh", "bias_hh")]}


def cell_case(cls):
    cell = cls(I, H)
    x = torch.randn(B, I, requires_grad=True)
    h = torch.randn(B, H, requires_grad=True)
    case = {"params": params(cell), "x": m(x), "h": m(h)}
    if cls is torch.nn.LSTMCell:
        c = torch.randn(B, H, requires_grad=True)
        h1, c1 = cell(x, (h, c))
        dh, dc = torch.randn_like(h1), torch.randn_like(c1)
        ((h1 * dh).sum() + (c1 * dc).sum()).backward()
        case.update(c=m(c), out=m(h1), cNext=m(c1), dout=m(dh), dc=m(dc), dcPrev=m(c.grad))
    else:
        h1 = cell(x, h)
        dh = torch.randn_like(h1)
        (h1 * dh).sum().backward()
        case.update(out=m(h1), dout=m(dh))
    case.update(dx=m(x.grad), dhPrev=m(h.grad), grads=grads(cell))
    return case


def lstm_sequence_case(T=3, batch=2):
    lstm = torch.nn.LSTM(I, H)  # input (T, batch, I)
    x = torch.randn(T, batch, I, requires_grad=True)
    h0 = torch.randn(1, batch, H, requires_grad=True)
    c0 = torch.randn(1, batch, H, requires_grad=True)
    out, (hn, cn) = lstm(x, (h0, c0))
    dout, dcn = torch.randn_like(out), torch.randn_like(cn)
    ((out * dout).sum() + (cn * dcn).sum()).backward()
    return {
        "params": params(lstm, "_l0"),
        "x": [m(x[t]) for t in range(T)], "h0": m(h0[0]), "c0": m(c0[0]),
        "out": [m(out[t]) for t in range(T)], "cn": m(cn[0]),
        "dout": [m(dout[t]) for t in range(T)], "dcn": m(dcn[0]),
        "dx": [m(x.grad[t]) for t in range(T)], "dh0": m(h0.grad[0]), "dc0": m(c0.grad[0]),
        "grads": grads(lstm, "_l0"),
    }


def sequence_case(cls, T=4, batch=2):
    """nn.RNN or nn.GRU over T steps; the loss reads every output (dout) and h_n (dhn)."""
    layer = cls(I, H)
    x = torch.randn(T, batch, I, requires_grad=True)
    h0 = torch.randn(1, batch, H, requires_grad=True)
    out, hn = layer(x, h0)
    dout = torch.randn_like(out)
    (out * dout).sum().backward()
    return {
        "params": params(layer, "_l0"),
        "x": [m(x[t]) for t in range(T)], "h0": m(h0[0]),
        "out": [m(out[t]) for t in range(T)],
        "dout": [m(dout[t]) for t in range(T)],
        "dx": [m(x.grad[t]) for t in range(T)], "dh0": m(h0.grad[0]),
        "grads": grads(layer, "_l0"),
    }


ref = {
    "rnn": cell_case(torch.nn.RNNCell),
    "lstm": cell_case(torch.nn.LSTMCell),
    "gru": cell_case(torch.nn.GRUCell),
    "lstmSequence": lstm_sequence_case(),
    "rnnSequence": sequence_case(torch.nn.RNN),
    "gruSequence": sequence_case(torch.nn.GRU),
}

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "layers_recurrent.json")
with open(path, "w") as f:
    json.dump(ref, f)
print(f"wrote {path} ({os.path.getsize(path)} bytes)")
