"""torch.optim.LBFGS (PyTorch 1.13, strong Wolfe line search) on the problems of
test/unit/second_order.test.ts, for comparison with lib/optim/second_order.ts.

Run: /usr/bin/python3 test/reference/gen_second_order.py  (writes second_order.json)

Our L-BFGS uses a different strong-Wolfe line search (bisection instead of PyTorch's cubic
interpolation), so the paths differ; we compare the minimiser reached and the iteration count.
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)

A = torch.tensor([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
B = torch.tensor([1.0, -2.0, 0.5])


def rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def quadratic(x):
    return 0.5 * x @ A @ x - B @ x


def run(f, x0):
    x = torch.tensor(x0, requires_grad=True)
    opt = torch.optim.LBFGS([x], lr=1, max_iter=1000, max_eval=5000, tolerance_grad=1e-8,
                            tolerance_change=1e-14, history_size=10,
                            line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = f(x)
        loss.backward()
        return loss

    opt.step(closure)
    st = opt.state[opt._params[0]]
    return {"x0": x0, "x": x.detach().tolist(), "f": f(x).item(),
            "iterations": st["n_iter"], "evaluations": st["func_evals"]}


ref = {"torch": torch.__version__, "A": A.tolist(), "b": B.tolist(),
       "rosenbrock": run(rosenbrock, [-1.2, 1.0]),
       "quadratic": run(quadratic, [0.0, 0.0, 0.0]),
       "quadraticMinimum": torch.linalg.solve(A, B).tolist()}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "second_order.json")
with open(path, "w") as f:
    json.dump(ref, f, separators=(",", ":"))
print(path, os.path.getsize(path), "bytes")
print(ref)
