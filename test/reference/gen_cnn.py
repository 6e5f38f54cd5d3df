"""Reference values for lib/train/cnn.ts (convNet) from PyTorch 1.13.

Run: /usr/bin/python3 test/reference/gen_cnn.py  (writes cnn.json)

Conv2d → ReLU → MaxPool2d → Flatten → Linear with the weights stored here; the gradients are
autograd's for cross-entropy on the stored labels (mean over the batch).
"""
import json
import os

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.manual_seed(20261130)


def flat(x):
    return x.detach().reshape(-1).tolist()


def case(n, c, h, w, filters, kernel, padding, pool, classes):
    x = torch.randn(n, c, h, w)
    y = torch.randint(0, classes, (n,))
    conv = torch.nn.Conv2d(c, filters, kernel, padding=padding)
    hp = (h + 2 * padding - kernel + 1) // pool
    wp = (w + 2 * padding - kernel + 1) // pool
    lin = torch.nn.Linear(filters * hp * wp, classes)
    scores = lin(F.max_pool2d(F.relu(conv(x)), pool).flatten(1))
    loss = F.cross_entropy(scores, y)
    loss.backward()
    return {
        "input": [c, h, w], "filters": filters, "kernelSize": kernel, "padding": padding,
        "pool": pool, "classes": classes,
        "x": flat(x), "y": y.tolist(),
        "params": [flat(conv.weight), flat(conv.bias), flat(lin.weight), flat(lin.bias)],
        "scores": flat(scores), "loss": loss.item(),
        "grads": [flat(conv.weight.grad), flat(conv.bias.grad), flat(lin.weight.grad),
                  flat(lin.bias.grad)],
    }


ref = [case(4, 1, 8, 8, 3, 3, 1, 2, 5), case(3, 2, 9, 7, 4, 2, 0, 3, 3)]
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cnn.json")
with open(path, "w") as f:
    json.dump(ref, f)
print(f"wrote {path} ({os.path.getsize(path)} bytes)")
