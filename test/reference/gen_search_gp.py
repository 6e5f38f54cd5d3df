"""Reference values for lib/search/gp.ts, acquisition.ts and normal.ts: scikit-learn's
GaussianProcessRegressor with fixed kernel parameters (optimizer=None), its posterior mean and
standard deviation and log marginal likelihood; expected improvement from the closed form with
scipy's normal; math.erfc. Run with Debian's /usr/bin/python3 (scikit-learn 1.2):

    /usr/bin/python3 test/reference/gen_search_gp.py
"""
import json
import math
import os

import numpy as np
import sklearn
from scipy.stats import norm
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, Matern

rng = np.random.default_rng(14)
cases = []
for name, d, n, ls, var, noise, normalize in [
    ("rbf", 1, 6, [0.3], 1.0, 1e-10, False),
    ("matern52", 1, 6, [0.3], 1.0, 1e-10, False),
    ("rbf", 3, 15, [0.4, 0.8, 1.5], 2.5, 1e-4, False),
    ("matern52", 3, 15, [0.4, 0.8, 1.5], 2.5, 1e-4, False),
    ("matern52", 2, 10, [0.25, 0.5], 0.7, 1e-3, True),
    ("rbf", 2, 10, [0.25, 0.5], 0.7, 1e-3, True),
]:
    X = rng.uniform(0, 1, size=(n, d))
    y = np.sin(6 * X).sum(axis=1) + 0.3 * X[:, 0] ** 2 + 2.0
    Xs = rng.uniform(-0.2, 1.2, size=(8, d))
    base = RBF(length_scale=ls, length_scale_bounds="fixed") if name == "rbf" else Matern(
        length_scale=ls, length_scale_bounds="fixed", nu=2.5)
    kernel = ConstantKernel(var, constant_value_bounds="fixed") * base
    gp = GaussianProcessRegressor(kernel=kernel, alpha=noise, optimizer=None, normalize_y=normalize)
    gp.fit(X, y)
    mean, std = gp.predict(Xs, return_std=True)
    best = float(y.min())
    z = (best - mean) / std
    ei = (best - mean) * norm.cdf(z) + std * norm.pdf(z)
    cases.append({
        "kernel": name, "lengthScale": ls, "variance": var, "noise": noise, "normalizeY": normalize,
        "X": X.tolist(), "y": y.tolist(), "Xs": Xs.tolist(),
        "mean": mean.tolist(), "std": std.tolist(),
        "logMarginalLikelihood": float(gp.log_marginal_likelihood_value_),
        "best": best, "ei": ei.tolist(),
    })

erfc = [[x, math.erfc(x)] for x in [-5, -2, -1, -0.3, 0, 0.2, 0.79, 0.81, 1, 1.7, 2.5, 3.3, 5, 8, 15, 26]]
cdf = [[z, float(norm.cdf(z))] for z in [-30, -8, -3, -1, 0, 0.5, 2, 6]]

out = {
    "generator": "test/reference/gen_search_gp.py",
    "sklearn": sklearn.__version__,
    "cases": cases,
    "erfc": erfc,
    "normalCdf": cdf,
}
path = os.path.join(os.path.dirname(__file__), "search_gp.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path)
