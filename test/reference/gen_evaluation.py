"""Reference values for lib/train/classification.ts, lib/train/roc.ts, lib/train/significance.ts
and lib/data/folds.ts, from scikit-learn 1.2 and scipy.

Run: /usr/bin/python3 test/reference/gen_evaluation.py  (writes test/reference/evaluation.json)

prf: precision_recall_fscore_support per class and with average macro, micro, weighted, on
cases that include a class never predicted (zero_division 0 and 1), a class never true, labels
given explicitly, and beta = 2; confusion_matrix on the same cases.
roc: roc_curve (drop_intermediate True and False; in 1.2 the first threshold is max + 1) and
roc_auc_score on scores with ties, and the one-vs-rest multi-class roc_auc_score (macro and
weighted) on rows of probabilities.
folds: KFold and StratifiedKFold (shuffle=False) test folds, and LeaveOneOut, for several
label lists (uneven classes, classes in order of first appearance 2, 0, 1, …).
ttest: scipy.stats.ttest_rel (two-sided) and scipy.stats.t.cdf.
"""
import json
import os

import numpy as np
import scipy
import scipy.stats
import sklearn
from sklearn.metrics import (confusion_matrix, precision_recall_fscore_support,
                             roc_auc_score, roc_curve)
from sklearn.model_selection import KFold, LeaveOneOut, StratifiedKFold

rng = np.random.default_rng(0)
out = {"versions": {"sklearn": sklearn.__version__, "scipy": scipy.__version__}}


def lst(a):
    return [None if (isinstance(v, float) and np.isnan(v)) else v for v in np.asarray(a, dtype=float).tolist()]


prf_cases = [
    {"name": "three classes", "y_true": [0, 1, 2, 0, 1, 2, 0, 2, 2, 1], "y_pred": [0, 2, 1, 0, 0, 2, 0, 2, 1, 1]},
    {"name": "class 2 never predicted", "y_true": [0, 1, 2, 2, 1, 0, 2], "y_pred": [0, 1, 1, 0, 1, 0, 1]},
    {"name": "class 3 never true", "y_true": [0, 1, 2, 1, 0, 2], "y_pred": [0, 3, 2, 1, 3, 2]},
    {"name": "labels given, one absent", "y_true": [1, 1, 0, 0, 1], "y_pred": [1, 0, 0, 0, 1], "labels": [0, 1, 2]},
]
y_true = rng.integers(0, 5, 200)
y_pred = np.where(rng.random(200) < 0.6, y_true, rng.integers(0, 5, 200))
prf_cases.append({"name": "random, five classes", "y_true": y_true.tolist(), "y_pred": y_pred.tolist()})
out["prf"] = []
for c in prf_cases:
    kw = {"labels": c["labels"]} if "labels" in c else {}
    r = dict(c)
    for zd in [0, 1]:
        for beta in [1, 2]:
            for avg in [None, "macro", "micro", "weighted"]:
                p, rc, f, s = precision_recall_fscore_support(c["y_true"], c["y_pred"], average=avg, zero_division=zd, beta=beta, **kw)
                key = f"{avg or 'none'}_zd{zd}_beta{beta}"
                r[key] = {"precision": lst(np.atleast_1d(p)), "recall": lst(np.atleast_1d(rc)), "f": lst(np.atleast_1d(f)),
                          "support": None if s is None else lst(s)}
    r["confusion"] = confusion_matrix(c["y_true"], c["y_pred"], **kw).tolist()
    out["prf"].append(r)

roc_cases = [
    {"name": "ties", "y": [0, 0, 1, 1, 1, 0, 1, 0], "score": [0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.9, 0.1]},
    {"name": "perfect", "y": [0, 0, 1, 1], "score": [0.1, 0.2, 0.7, 0.9]},
    {"name": "all tied", "y": [0, 1, 0, 1, 1], "score": [0.5, 0.5, 0.5, 0.5, 0.5]},
]
yb = rng.integers(0, 2, 100)
sb = np.round(yb * 0.8 + rng.normal(0, 1, 100), 1)  # rounded: many ties
roc_cases.append({"name": "random, rounded scores", "y": yb.tolist(), "score": sb.tolist()})
out["roc"] = []
for c in roc_cases:
    r = dict(c)
    for drop in [True, False]:
        fpr, tpr, thr = roc_curve(c["y"], c["score"], drop_intermediate=drop)
        r["drop" if drop else "keep"] = {"fpr": lst(fpr), "tpr": lst(tpr), "thresholds": lst(thr)}
    r["auc"] = roc_auc_score(c["y"], c["score"])
    out["roc"].append(r)

ym = rng.integers(0, 4, 60)
logits = rng.normal(0, 1, (60, 4)) + 1.5 * np.eye(4)[ym]
probs = np.round(np.exp(logits) / np.exp(logits).sum(1, keepdims=True), 2)
probs = probs / probs.sum(1, keepdims=True)
out["roc_ovr"] = {"y": ym.tolist(), "probs": probs.tolist(),
                  "macro": roc_auc_score(ym, probs, multi_class="ovr", average="macro"),
                  "weighted": roc_auc_score(ym, probs, multi_class="ovr", average="weighted")}

fold_cases = [
    {"y": [0] * 6 + [1] * 4, "k": 3},
    {"y": [2, 0, 1, 0, 2, 2, 1, 0, 0, 2, 1, 2, 0], "k": 3},
    {"y": [1, 1, 1, 1, 1, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 0, 1], "k": 4},
    {"y": rng.integers(0, 3, 23).tolist(), "k": 5},
    {"y": rng.integers(0, 10, 100).tolist(), "k": 10},
]
out["folds"] = []
for c in fold_cases:
    y = np.array(c["y"])
    x = np.zeros((len(y), 1))
    r = dict(c)
    r["kfold"] = [t.tolist() for _, t in KFold(c["k"]).split(x)]
    r["stratified"] = [t.tolist() for _, t in StratifiedKFold(c["k"]).split(x, y)]
    out["folds"].append(r)
out["loo"] = [[tr.tolist(), te.tolist()] for tr, te in LeaveOneOut().split(np.zeros((4, 1)))]

a = rng.normal(0.85, 0.02, 10)
b = a - 0.01 + rng.normal(0, 0.01, 10)
res = scipy.stats.ttest_rel(a, b)
out["ttest"] = {"a": a.tolist(), "b": b.tolist(), "t": float(res.statistic), "p": float(res.pvalue)}
out["tcdf"] = [{"t": t, "df": df, "cdf": float(scipy.stats.t.cdf(t, df))}
               for t in [-3.2, -1.0, 0.0, 0.5, 2.1, 7.0] for df in [1, 4, 9, 30]]

path = os.path.join(os.path.dirname(__file__), "evaluation.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path)
