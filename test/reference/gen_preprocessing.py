"""Reference values for lib/core/eigen.ts, lib/data/whiten.ts and lib/data/select.ts, from numpy
and scikit-learn 1.2.

Run: /usr/bin/python3 test/reference/gen_preprocessing.py  (writes test/reference/preprocessing.json)

eigen: numpy.linalg.eigh of a random symmetric 6×6 matrix, eigenvalues largest first, each
eigenvector's largest entry (in absolute value) made positive.
pca_small / pca_fashion: scikit-learn's PCA(n_components=k, whiten=True, svd_solver="full") fitted on a random 40×5
matrix with correlated columns, and on the first 1000 Fashion-MNIST training images averaged down
to 14×14 (as lib/data/downsample.ts: the mean of each 2×2 block); its mean_, components_,
explained_variance_(_ratio_) and the transform of held-out rows (the small matrix's own test rows,
the first 3 test images). components_ and the transformed columns are defined up to a sign.
zca_small / zca_fashion: ZCA whitening from its closed form, W = U·diag(λ + ε)^(−1/2)·Uᵀ with
C = np.cov(x, rowvar=False) = U·diag(λ)·Uᵀ (numpy.linalg.eigh), and (x_test − μ)·W.
f_classif: scikit-learn's f_classif on a random 30×4 matrix with 3 classes, and on the 1000
images above (some pixels), with SelectKBest(k=10)'s pixels ordered by score.
"""
import gzip
import json
import os

import numpy as np
from sklearn.decomposition import PCA
from sklearn.feature_selection import f_classif

DIR = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")


def read(images, labels, n):
    with gzip.open(os.path.join(DIR, images)) as f:
        x = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)[:n] / 255.0
    with gzip.open(os.path.join(DIR, labels)) as f:
        y = np.frombuffer(f.read(), dtype=np.uint8, offset=8).astype(int)[:n]
    return x, y


def down(x):
    return x.reshape(-1, 14, 2, 14, 2).mean(axis=(2, 4)).reshape(-1, 196)


def signed(vectors):
    """Columns with their largest entry (in absolute value) positive."""
    v = vectors.copy()
    for k in range(v.shape[1]):
        if v[np.argmax(np.abs(v[:, k])), k] < 0:
            v[:, k] = -v[:, k]
    return v


def zca(x, test, eps):
    lam, u = np.linalg.eigh(np.cov(x, rowvar=False))
    w = u @ np.diag(1 / np.sqrt(lam + eps)) @ u.T
    return w, (test - x.mean(axis=0)) @ w


def pca(x, test, k):
    p = PCA(n_components=k, whiten=True, svd_solver="full").fit(x)  # not the randomized default
    return {
        "components": k,
        "mean": p.mean_.tolist(),
        "rows": p.components_.tolist(),
        "explainedVariance": p.explained_variance_.tolist(),
        "explainedVarianceRatio": p.explained_variance_ratio_.tolist(),
        "test": p.transform(test).tolist(),
    }


rng = np.random.default_rng(0)
out = {}

a = rng.normal(size=(6, 6))
a = a + a.T
lam, u = np.linalg.eigh(a)
out["eigen"] = {"a": a.tolist(), "values": lam[::-1].tolist(), "vectors": signed(u[:, ::-1]).tolist()}

mix = rng.normal(size=(5, 5))
x_small = rng.normal(size=(40, 5)) @ mix + np.arange(5)
t_small = rng.normal(size=(3, 5)) @ mix + np.arange(5)
out["small"] = {"x": x_small.tolist(), "test": t_small.tolist()}
out["pca_small"] = pca(x_small, t_small, 3)
out["zca_small"] = []
for eps in [0.0, 0.1]:
    w, z = zca(x_small, t_small, eps)
    out["zca_small"].append({"eps": eps, "matrix": w.tolist(), "test": z.tolist()})

x_img, y_img = read("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 1000)
t_img, _ = read("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 3)
x14, t14 = down(x_img), down(t_img)
fashion = pca(x14, t14, 20)
fashion["rows"] = fashion["rows"][:3]
out["pca_fashion"] = {"images": 1000, **fashion}
eps = 1e-4
w, z = zca(x14, t14, eps)
out["zca_fashion"] = {"images": 1000, "eps": eps, "diagonal": np.diag(w).tolist(), "test": z.tolist()}

y_small = rng.integers(0, 3, size=30)
x_f = rng.normal(size=(30, 4)) + np.outer(y_small, [0.0, 0.5, 2.0, -1.0])
f_small, _ = f_classif(x_f, y_small)
f_img, _ = f_classif(x14, y_img)
pixels = [20, 77, 100, 150, 190]
order = np.argsort(-np.nan_to_num(f_img, nan=-np.inf), kind="stable")
out["f_classif"] = {
    "x": x_f.tolist(), "y": y_small.tolist(), "f": f_small.tolist(),
    "images": 1000, "pixels": pixels, "imageF": f_img[pixels].tolist(),
    "best10": order[:10].tolist(),
}

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "preprocessing.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print(f"wrote {path}")
print("fashion 14x14: smallest variances", np.linalg.eigvalsh(np.cov(x14, rowvar=False))[:3],
      "constant pixels", int((x14.std(axis=0) == 0).sum()), "nan F", int(np.isnan(f_img).sum()))
