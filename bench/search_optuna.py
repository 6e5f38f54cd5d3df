"""Optuna's samplers as a server for bench/search.ts (ask-and-tell over JSON lines on stdin/stdout).

The objective is evaluated by the TypeScript side, so every strategy meets exactly the same
function; only the proposals come from here. Commands, one JSON object a line:
  {"cmd": "new", "sampler": "tpe" | "random", "seed": s, "space": [[name, low, high, log], ...]}
  {"cmd": "ask"}            -> {"params": {...}, "ms": time of study.ask in milliseconds}
  {"cmd": "tell", "value": v}
Run with Debian's /usr/bin/python3 (python3-optuna 3.1).
"""
import json
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

study = None
dists = None
trial = None
print(json.dumps({"ready": optuna.__version__}), flush=True)
for line in sys.stdin:
    msg = json.loads(line)
    if msg["cmd"] == "new":
        sampler = (optuna.samplers.TPESampler(seed=msg["seed"]) if msg["sampler"] == "tpe"
                   else optuna.samplers.RandomSampler(seed=msg["seed"]))
        study = optuna.create_study(sampler=sampler, direction="minimize")
        dists = {name: optuna.distributions.FloatDistribution(low, high, log=log)
                 for name, low, high, log in msg["space"]}
        print(json.dumps({"ok": True}), flush=True)
    elif msg["cmd"] == "ask":
        t0 = time.perf_counter()
        trial = study.ask(dists)
        ms = 1000 * (time.perf_counter() - t0)
        print(json.dumps({"params": trial.params, "ms": ms}), flush=True)
    elif msg["cmd"] == "tell":
        study.tell(trial, msg["value"])
        print(json.dumps({"ok": True}), flush=True)
