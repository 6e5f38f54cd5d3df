/**
 * The `batchnorm` exercise's checks: the solution passes them all; each known mistake, written
 * here as a buggy learner implementation, fails the checks it should and gets the message that
 * names it.
 */
import { describe, expect, it } from "vitest";
import { differs, mistakeHarness } from "./_mistakes.ts";
import { Matrix } from "../../lib/core/matrix.ts";
import type { Check, Diagnosis } from "../../grader/types.ts";
import { checks, MISTAKE } from "../checks/batchnorm.ts";
import * as solution from "../../solutions/batchnorm.ts";

type Bug =
  | "none"
  | "unbiasedNormaliser"
  | "runningInTraining"
  | "epsOutside"
  | "noAffine"
  | "momentumSwapped"
  | "notUpdated"
  | "biasedRunning"
  | "updatedInEval"
  | "batchInEval"
  | "asConstants"
  | "noMeanTerm"
  | "noVarTerm"
  | "dgammaNoXhat"
  | "dbetaMean";

interface Running {
  mean: Matrix;
  var: Matrix;
}
interface Param {
  training: boolean;
  momentum?: number;
  eps?: number;
}

/** Column statistics, written independently of lib/. */
function columnStats(x: Matrix) {
  const n = x.rows, d = x.cols;
  const mean = Array.from({ length: d }, (_, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += x.get(i, j);
    return s / n;
  });
  const sq = Array.from({ length: d }, (_, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (x.get(i, j) - mean[j]) ** 2;
    return s;
  });
  return { mean, biased: sq.map((s) => s / n), unbiased: sq.map((s) => s / (n - 1)) };
}

/** A learner's batch norm in CS231n's step-by-step style, with one deliberate bug. */
function learner(bug: Bug) {
  const forward = (x: Matrix, gamma: Matrix, beta: Matrix, running: Running, param: Param) => {
    const { training, momentum = 0.1, eps = 1e-5 } = param;
    const s = columnStats(x);
    const useBatch = training ? bug !== "runningInTraining" : bug === "batchInEval";
    const mean = useBatch ? s.mean : Array.from(running.mean.data);
    const variance = useBatch
      ? (bug === "unbiasedNormaliser" ? s.unbiased : s.biased)
      : Array.from(running.var.data);
    const std = variance.map((
      v,
    ) => (bug === "epsOutside" ? Math.sqrt(v) + eps : Math.sqrt(v + eps)));
    const xhat = x.map((v, _i, j) => (v - mean[j]) / std[j]);
    const out = bug === "noAffine"
      ? xhat
      : xhat.map((v, _i, j) => gamma.data[j] * v + beta.data[j]);
    let next: Running = { mean: running.mean.clone(), var: running.var.clone() };
    if (training || bug === "updatedInEval") {
      const m = bug === "momentumSwapped" ? 1 - momentum : momentum;
      const v = bug === "biasedRunning" ? s.biased : s.unbiased;
      if (bug !== "notUpdated") {
        next = {
          mean: running.mean.map((r, _i, j) => (1 - m) * r + m * s.mean[j]),
          var: running.var.map((r, _i, j) => (1 - m) * r + m * v[j]),
        };
      }
    }
    return { out, cache: { training, xhat, gamma, std }, running: next };
  };
  const backward = (
    dout: Matrix,
    cache: { training: boolean; xhat: Matrix; gamma: Matrix; std: number[] },
  ) => {
    const { training, xhat, gamma, std } = cache;
    const n = dout.rows, d = dout.cols;
    const dgamma = new Matrix(1, d), dbeta = new Matrix(1, d);
    const dxhat = dout.map((v, _i, j) => v * gamma.data[j]);
    const sumD = new Array(d).fill(0), sumDX = new Array(d).fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        dgamma.data[j] += bug === "dgammaNoXhat" ? dout.get(i, j) : dout.get(i, j) * xhat.get(i, j);
        dbeta.data[j] += dout.get(i, j) / (bug === "dbetaMean" ? n : 1);
        sumD[j] += dxhat.get(i, j);
        sumDX[j] += dxhat.get(i, j) * xhat.get(i, j);
      }
    }
    const constants = !training || bug === "asConstants";
    const dx = dxhat.map((g, i, j) => {
      if (constants) return g / std[j];
      const meanTerm = bug === "noMeanTerm" ? 0 : sumD[j] / n;
      const varTerm = bug === "noVarTerm" ? 0 : xhat.get(i, j) * sumDX[j] / n;
      return (g - meanTerm - varTerm) / std[j];
    });
    return { dx, dgamma, dbeta };
  };
  return {
    batchnormForward: forward,
    forwardBackward: (
      x: Matrix,
      gamma: Matrix,
      beta: Matrix,
      running: Running,
      param: Param,
      dout: Matrix,
    ) => {
      const f = forward(x, gamma, beta, running, param);
      return { out: f.out, running: f.running, ...backward(dout, f.cache) };
    },
    trainSteps: (xs: Matrix[], gamma: Matrix, beta: Matrix, running: Running, param: Param) =>
      xs.map((
        x,
      ) => (running = forward(x, gamma, beta, running, { ...param, training: true }).running)),
  };
}

// deno-lint-ignore no-explicit-any
const call = (mod: any, c: Check) => mod[c.fn](...c.args);
const run = (bug: Bug, c: Check) => call(learner(bug), c);
const { all, byName, failing } = mistakeHarness(checks(), run);

describe("batchnorm checks", () => {
  it("the solution and a bug-free independent implementation pass every check", () => {
    expect(failing("none")).toEqual([]);
    for (const c of all) {
      expect(differs(call(solution, c), c), c.name).toBeUndefined();
    }
  });

  it("grades training, running statistics, evaluation and the backward pass against a numerical gradient", () => {
    const names = all.map((c) => c.name).join("\n");
    for (
      const part of [
        "forward in training",
        "running statistics after one",
        "evaluation uses the running",
        "backward in training, dx",
        "numerical gradient",
      ]
    ) expect(names).toContain(part);
    expect(all.filter((c) => c.hidden).length).toBeGreaterThanOrEqual(2);
  });

  const cases: [Bug, string, Diagnosis][] = [
    ["unbiasedNormaliser", "forward in training", MISTAKE.unbiasedNormaliser],
    ["unbiasedNormaliser", "a batch of 4", MISTAKE.unbiasedNormaliser],
    ["runningInTraining", "forward in training", MISTAKE.runningInTraining],
    ["epsOutside", "forward in training", MISTAKE.epsOutside],
    ["noAffine", "forward in training", MISTAKE.noAffine],
    ["momentumSwapped", "after one training step", MISTAKE.momentumSwapped],
    ["momentumSwapped", "a batch of 4", MISTAKE.momentumSwapped],
    ["notUpdated", "after one training step", MISTAKE.notUpdated],
    ["biasedRunning", "after one training step", MISTAKE.biasedRunning],
    ["updatedInEval", "leaves the running statistics", MISTAKE.updatedInEval],
    ["batchInEval", "evaluation uses the running", MISTAKE.batchInEval],
    ["asConstants", "backward in training, dx", MISTAKE.asConstants],
    ["noMeanTerm", "backward in training, dx", MISTAKE.noMeanTerm],
    ["noVarTerm", "backward in training, dx", MISTAKE.noVarTerm],
    ["noVarTerm", "numerical gradient", MISTAKE.noVarTerm],
    ["dgammaNoXhat", "dgamma and dbeta", MISTAKE.dgammaNoXhat],
    ["dbetaMean", "dgamma and dbeta", MISTAKE.meanNotSum("dbeta")],
    [
      "unbiasedNormaliser",
      "backward in training, dx",
      MISTAKE.unbiasedNormaliser,
    ],
  ];
  for (const [bug, check, message] of cases) {
    it(`${bug}: fails "${check}" and the feedback names the mistake`, () => {
      const c = byName(check);
      const got = run(bug, c);
      expect(differs(got, c)).toBeDefined();
      expect(c.diagnose!(got)).toEqual(message);
    });
  }

  it("the three-batch check fails for a swapped momentum and for stale running statistics", () => {
    const c = byName("three batches");
    for (const bug of ["momentumSwapped", "notUpdated", "biasedRunning"] as const) {
      expect(differs(run(bug, c), c), bug).toBeDefined();
    }
  });

  it("the forward mistakes leave the evaluation checks passing, and the backward ones the forward checks", () => {
    const names = (bug: Bug) => failing(bug).map((n) => n.split(": ")[1]);
    expect(names("momentumSwapped").every((n) => /running|batch of 4|momentum 0.2/.test(n))).toBe(
      true,
    );
    expect(names("noMeanTerm").every((n) => /backward|dx/.test(n))).toBe(true);
    expect(names("batchInEval")).toContain("evaluation uses the running statistics");
  });

  it("a wrong answer that is no known mistake gets no diagnosis", () => {
    const c = byName("backward in training, dx");
    const got = run("none", c);
    got.dx.data[2] += 0.5;
    expect(c.diagnose!(got)).toBeUndefined();
  });
});
