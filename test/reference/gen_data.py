"""Reference values for lib/data/ from numpy and scikit-learn 1.2.

Run: /usr/bin/python3 test/reference/gen_data.py  (writes test/reference/data.json)

fashion: Fashion-MNIST read independently (Python's gzip + numpy.frombuffer, as the IDX format
says), per split: counts, examples per class, the first 20 labels, the mean and population
standard deviation of all pixels scaled to [0, 1], and a few single pixels.
standardize: scikit-learn's StandardScaler fitted on the first 1000 training images, its
mean_ and scale_ for some pixels (scale_ is 1 where a pixel is constant), and the transform
of test image 0 at those pixels.
"""
import gzip
import json
import os

import numpy as np
from sklearn.preprocessing import StandardScaler

DIR = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
PIXELS = [0, 100, 350, 406, 783]  # a corner, the middle rows, the last pixel


def read(split):
    images, labels = FILES[split]
    with gzip.open(os.path.join(DIR, images)) as f:
        x = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784) / 255.0
    with gzip.open(os.path.join(DIR, labels)) as f:
        y = np.frombuffer(f.read(), dtype=np.uint8, offset=8).astype(int)
    return x, y


out = {"fashion": {}}
data = {}
for split in FILES:
    x, y = read(split)
    data[split] = (x, y)
    out["fashion"][split] = {
        "count": int(len(y)),
        "perClass": np.bincount(y, minlength=10).tolist(),
        "firstLabels": y[:20].tolist(),
        "mean": float(x.mean()),
        "std": float(x.std()),
        "pixels": [{"row": r, "col": c, "value": float(x[r, c])}
                   for r, c in [(0, 406), (1, 350), (len(y) - 1, 783), (7, 100)]],
    }

x_train, _ = data["train"]
scaler = StandardScaler().fit(x_train[:1000])
z = scaler.transform(data["test"][0][:1])
out["standardize"] = {
    "rows": 1000,
    "pixels": PIXELS,
    "mean": scaler.mean_[PIXELS].tolist(),
    "scale": scaler.scale_[PIXELS].tolist(),
    "test0": z[0, PIXELS].tolist(),
}

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print(f"wrote {path}")
