/**
 * First-order optimisers with PyTorch's update rules, as a few parameterised families.
 *
 * Every optimiser has one shape (CS231n's `update(w, dw, config)` turned into an object):
 *
 * ```ts
 * const opt = adam({ lr: 1e-3 });
 * opt.step([W, b], [dW, db]); // updates W and b in place
 * opt.lr = 5e-4;              // a schedule may change the learning rate between steps
 * ```
 *
 * State (momentum buffers, running averages, step counts) is kept per parameter, keyed by
 * the parameter `Matrix` object itself, as PyTorch keys `optimizer.state[p]`: keep updating
 * the same matrices in place and pass them every step. Gradients are never modified.
 * `opt.stateOf(p)` shows it under PyTorch's names in camel case (`step`, `momentumBuffer`,
 * `sum`, `squareAvg`, `gradAvg`, `expAvg`, `expAvgSq`, `maxExpAvgSq`, `muProduct`); every
 * optimiser counts its steps in `step`.
 *
 * Weight decay `weightDecay = λ` adds `λ·p` to the gradient (AdamW: decoupled), the gradient
 * of the library's L2 penalty `(λ/2)·‖p‖²` (`l2Penalty(p, { lambda: λ })`).
 *
 * `opt.lr` and `opt.momentum` (SGD's and RMSprop's momentum, β₁ of the Adam family) may be
 * changed between steps, which is how schedules such as {@link oneCycleLR} drive them.
 *
 * The rules are written one element at a time so that each line reads like its formula.
 * `g` is the gradient, `p` the parameter, `t` the step number counted from 1.
 *
 * @module
 */

import { assertFinite, Matrix, ShapeError, shapeOf } from "../core/matrix.ts";
import { coefficient, nonNegative, positive, positiveInteger } from "../core/validate.ts";
import type { GradientField, UpdateRule } from "../core/update_rule.ts";

/** How one optimiser changes one parameter array `p`, given its gradient `g` and state `s`. */
export type Rule<S> = (p: Float64Array, g: Float64Array, s: S, lr: number) => void;

/** How an optimiser reads and changes its momentum-like coefficient (see `Optimizer.momentum`). */
export interface MomentumAccess {
  get(): number;
  set(value: number): void;
}

/**
 * An optimiser: a learning rate, a per-parameter state and an update rule.
 * Build one with {@link sgd}, {@link adagrad}, {@link rmsprop}, {@link adam}, {@link amsgrad},
 * {@link adamw}, {@link nadam} or {@link textbookMomentum}.
 */
export class Optimizer<S = unknown> {
  readonly name: string;
  #lr = 0;
  // State and rule are hidden behind one closure so that an Optimizer<{…}> is also an
  // Optimizer<unknown> (a list of optimisers of different kinds type-checks).
  readonly #state = new WeakMap<Matrix, unknown>();
  readonly #update: (p: Matrix, g: Matrix) => void;
  readonly #momentum: MomentumAccess | undefined;
  readonly #effectiveLr: (p: Matrix) => Float64Array;

  /**
   * An optimiser called `name` with learning rate `lr`, state `init(n)` for a parameter of n
   * entries and update `rule`; `momentum` exposes its momentum-like coefficient, if any;
   * `scale(s, lr, n)` gives the per-coordinate learning rate of the last step (see
   * {@link Optimizer.effectiveLr}; `lr` everywhere when absent).
   */
  constructor(
    name: string,
    lr: number,
    init: (n: number) => S,
    rule: Rule<S>,
    momentum?: MomentumAccess,
    scale?: (s: S, lr: number, n: number) => Float64Array,
  ) {
    this.name = name;
    this.lr = lr;
    this.#momentum = momentum;
    this.#effectiveLr = (p) => {
      const s = this.#state.get(p) as S | undefined;
      if (s === undefined) {
        throw new RangeError(`${this.name}.effectiveLr: this parameter has taken no step yet`);
      }
      return scale ? scale(s, this.#lr, p.size) : new Float64Array(p.size).fill(this.#lr);
    };
    this.#update = (p, g) => {
      let s = this.#state.get(p) as S | undefined;
      if (s === undefined) {
        s = init(p.size);
        this.#state.set(p, s);
      }
      rule(p.data, g.data, s, this.#lr);
    };
  }

  /** The learning rate used by the next {@link step}; must stay finite and positive. */
  get lr(): number {
    return this.#lr;
  }

  set lr(value: number) {
    positive(this.name, "lr", value);
    this.#lr = value;
  }

  /**
   * The momentum-like coefficient used by the next step: SGD's and RMSprop's `momentum`, β₁
   * (`betas[0]`) of Adam, AMSGrad, AdamW and NAdam — the one PyTorch's `OneCycleLR` cycles.
   * Undefined for optimisers without one; setting it there throws.
   */
  get momentum(): number | undefined {
    return this.#momentum?.get();
  }

  set momentum(value: number | undefined) {
    if (this.#momentum === undefined) {
      throw new TypeError(`${this.name}: has no momentum to set`);
    }
    if (value === undefined) throw new RangeError(`${this.name}: momentum must be a number`);
    this.#momentum.set(value);
  }

  /** The state kept for parameter `p` (undefined before its first step); for inspection. */
  stateOf(p: Matrix): S | undefined {
    return this.#state.get(p) as S | undefined;
  }

  /**
   * The learning rate each coordinate of `p` got in its last step, at the current `lr`: the
   * step was `effectiveLr ⊙ direction`, the direction being the gradient (Adagrad, RMSprop
   * without momentum) or the corrected first moment m̂ (Adam, AMSGrad; AdamW besides its
   * decay). Adagrad `lr_t/(√sum + ε)`, RMSprop `lr/(√S + ε)`, the Adam family and NAdam
   * `lr/(√v̂ + ε)` (AMSGrad with its running maximum); `lr` everywhere for SGD and momentum.
   * Throws before `p`'s first step.
   */
  effectiveLr(p: Matrix): Float64Array {
    return this.#effectiveLr(p);
  }

  /** One update of every `params[i]` in place, using `grads[i]` (same shape, finite). */
  step(params: readonly Matrix[], grads: readonly Matrix[]): void {
    if (params.length !== grads.length) {
      throw new ShapeError(
        `${this.name}: ${params.length} params but ${grads.length} grads`,
      );
    }
    params.forEach((p, i) => {
      const g = grads[i];
      if (p.rows !== g.rows || p.cols !== g.cols) {
        throw new ShapeError(
          `${this.name}: grads[${i}] is ${shapeOf(g)} but params[${i}] is ${shapeOf(p)}`,
        );
      }
      assertFinite(`${this.name}: grads[${i}]`, g);
    });
    params.forEach((p, i) => this.#update(p, grads[i]));
  }
}

// ---------------------------------------------------------------- helpers

const zeros = (n: number) => new Float64Array(n);

// ---------------------------------------------------------------- SGD

/** Options of {@link sgd}; the defaults are PyTorch's. */
export interface SgdOptions {
  /** The learning rate (required, as in PyTorch). */
  lr: number;
  /** μ in `b ← μ·b + (1 − dampening)·g`; 0 (default) turns momentum off. */
  momentum?: number;
  /** Damping of the new gradient in the buffer (default 0). */
  dampening?: number;
  /** Nesterov momentum (default false). */
  nesterov?: boolean;
  /** L2 penalty: `g ← g + weightDecay·p` before anything else (default 0). */
  weightDecay?: number;
}

/** SGD's state per parameter: steps taken and, once momentum is on, the momentum buffer. */
export interface SgdState {
  step: number;
  momentumBuffer?: Float64Array;
}

/**
 * Stochastic gradient descent, `torch.optim.SGD`:
 *
 *     g ← g + λ·p
 *     b ← g                          on the first step (no dampening there: PyTorch's choice)
 *     b ← μ·b + (1 − dampening)·g    afterwards
 *     d ← g + μ·b  (nesterov)  or  b
 *     p ← p − lr·d
 *
 * Note that `lr` multiplies the whole buffer at every step: see {@link textbookMomentum}
 * for the forms that fold the learning rate into the velocity instead.
 */
export function sgd(o: SgdOptions): Optimizer<SgdState> {
  const { dampening = 0, nesterov = false, weightDecay = 0 } = o;
  let momentum = o.momentum ?? 0;
  coefficient("sgd", "momentum", momentum);
  if (!(dampening >= 0 && dampening <= 1)) {
    throw new RangeError(`sgd: dampening must be in [0, 1], got ${dampening}`);
  }
  nonNegative("sgd", "weightDecay", weightDecay);
  if (nesterov && (momentum === 0 || dampening !== 0)) {
    throw new RangeError("sgd: nesterov needs momentum > 0 and dampening = 0");
  }
  const access: MomentumAccess = {
    get: () => momentum,
    set: (v) => {
      coefficient("sgd", "momentum", v);
      if (nesterov && v === 0) throw new RangeError("sgd: nesterov needs momentum > 0");
      momentum = v;
    },
  };
  return new Optimizer<SgdState>("sgd", o.lr, () => ({ step: 0 }), (p, g, s, lr) => {
    // As PyTorch: the buffer is created (as the first gradient) on the first step with momentum.
    const fresh = momentum !== 0 && s.momentumBuffer === undefined;
    if (fresh) s.momentumBuffer = zeros(p.length);
    const buf = s.momentumBuffer;
    for (let k = 0; k < p.length; k++) {
      let d = g[k] + weightDecay * p[k];
      if (momentum !== 0 && buf !== undefined) {
        buf[k] = fresh ? d : momentum * buf[k] + (1 - dampening) * d;
        d = nesterov ? d + momentum * buf[k] : buf[k];
      }
      p[k] -= lr * d;
    }
    s.step++;
  }, access);
}

// ---------------------------------------------------------------- the textbook momentum forms

/** The three ways the notes write momentum (erratum 6); see {@link textbookMomentum}. */
export type MomentumForm = "velocity" | "negative-velocity" | "ema";

/**
 * Momentum as the notes write it, for comparison with PyTorch's {@link sgd}:
 *
 * - `"velocity"`:          v ← γ·v + lr·g,        p ← p − v
 * - `"negative-velocity"`: v ← γ·v − lr·g,        p ← p + v   (CS231n's code)
 * - `"ema"`:               v ← γ·v + (1 − γ)·g,   p ← p − lr·v
 *
 * With v starting at 0 and a constant lr, the first two are exactly PyTorch's
 * `b ← γ·b + g, p ← p − lr·b` (v = ±lr·b), and the third is PyTorch with learning rate
 * `lr·(1 − γ)` (v = (1 − γ)·b). They are one method with the learning rate rescaled.
 * They part ways when lr changes over time: the first two keep each past gradient at the
 * learning rate of its own step, PyTorch and the EMA form rescale the whole history by the
 * current one.
 */
export function textbookMomentum(
  o: { lr: number; momentum: number; form: MomentumForm },
): Optimizer<{ step: number; velocity: Float64Array }> {
  const { form } = o;
  let gamma = o.momentum;
  coefficient("textbookMomentum", "momentum", gamma);
  if (!["velocity", "negative-velocity", "ema"].includes(form)) {
    throw new RangeError(`textbookMomentum: unknown form ${form}`);
  }
  const access: MomentumAccess = {
    get: () => gamma,
    set: (v) => {
      coefficient("textbookMomentum", "momentum", v);
      gamma = v;
    },
  };
  const init = (n: number) => ({ step: 0, velocity: zeros(n) });
  return new Optimizer("textbookMomentum", o.lr, init, (p, g, s, lr) => {
    const v = s.velocity;
    for (let k = 0; k < p.length; k++) {
      if (form === "velocity") {
        v[k] = gamma * v[k] + lr * g[k];
        p[k] -= v[k];
      } else if (form === "negative-velocity") {
        v[k] = gamma * v[k] - lr * g[k];
        p[k] += v[k];
      } else {
        v[k] = gamma * v[k] + (1 - gamma) * g[k];
        p[k] -= lr * v[k];
      }
    }
    s.step++;
  }, access);
}

/** Options of {@link nesterovLookahead}. */
export interface LookaheadOptions {
  /** η, the learning rate. */
  lr: number;
  /** μ in [0, 1). */
  momentum: number;
  /** How many steps to take. */
  steps: number;
}

/**
 * Nesterov momentum in its look-ahead form (Sutskever et al., 2013), which needs the gradient
 * at a point other than the parameters, so it takes the gradient function itself:
 *
 *     v ← μ·v − η·∇f(θ + μ·v),   θ ← θ + v        (v starts at 0)
 *
 * Returns θ and v after every step. PyTorch's `sgd({ nesterov: true })` is the same method
 * written for the look-ahead point φ = θ + μ·v: its parameter is φ and its momentum buffer is
 * −v/η, so its iterates are `theta[t] + μ·v[t]` (the momentum notebook checks this).
 */
export function nesterovLookahead(
  grad: GradientField,
  w0: readonly number[],
  o: LookaheadOptions,
): { theta: number[][]; v: number[][] } {
  const { lr, momentum: mu, steps } = o;
  positive("nesterovLookahead", "lr", lr);
  coefficient("nesterovLookahead", "momentum", mu);
  if (!Number.isInteger(steps) || steps < 0) {
    throw new RangeError(`nesterovLookahead: steps must be a whole number ≥ 0, got ${steps}`);
  }
  let theta = Array.from(w0), v = theta.map(() => 0);
  const out = { theta: [] as number[][], v: [] as number[][] };
  for (let t = 1; t <= steps; t++) {
    const g = grad(theta.map((x, k) => x + mu * v[k]), t);
    if (g.length !== theta.length) {
      throw new ShapeError(
        `nesterovLookahead: grad returned ${g.length} values for ${theta.length} parameters`,
      );
    }
    v = v.map((vk, k) => mu * vk - lr * g[k]);
    theta = theta.map((x, k) => x + v[k]);
    out.theta.push(theta);
    out.v.push(v);
  }
  return out;
}

// ---------------------------------------------------------------- one optimiser as an update rule

/** The config {@link asUpdateRule} passes on: `lr` and the optimiser's state, arrays as number[]. */
export type RuleConfig = { lr?: number } & Record<string, unknown>;

/**
 * Views `opt` as an update rule `(w, dw, config) → { w, config }` (lib/core/update_rule.ts), so
 * that `runRule` can drive a library optimiser exactly as it drives an exercise: `config.lr`,
 * when given, sets `opt.lr` before the step, and the returned config is the input config plus a
 * copy of the optimiser's state under PyTorch's names (`momentumBuffer`, `expAvg`, …).
 * The optimiser keeps its own state, so use one rule for one trajectory.
 */
export function asUpdateRule(opt: Optimizer): UpdateRule<RuleConfig> {
  let p: Matrix | undefined;
  return (w, dw, config) => {
    if (p === undefined) p = new Matrix(1, w.length);
    if (w.length !== p.cols || dw.length !== p.cols) {
      throw new ShapeError(
        `asUpdateRule(${opt.name}): w has ${w.length} and dw ${dw.length} values, expected ${p.cols}`,
      );
    }
    p.data.set(w);
    if (config.lr !== undefined) opt.lr = config.lr;
    opt.step([p], [new Matrix(1, dw.length, dw)]);
    const state: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(opt.stateOf(p) ?? {})) {
      state[k] = v instanceof Float64Array ? Array.from(v) : v;
    }
    return { w: Array.from(p.data), config: { ...config, ...state } };
  };
}

// ---------------------------------------------------------------- Adagrad

/** Options of {@link adagrad}; the defaults are PyTorch's. */
export interface AdagradOptions {
  /** Default 1e-2. */
  lr?: number;
  /** Default 0. */
  lrDecay?: number;
  /** Default 0. */
  weightDecay?: number;
  /** Where the sum of squares starts (default 0). */
  initialAccumulatorValue?: number;
  /** Default 1e-10. */
  eps?: number;
}

/**
 * Adagrad, `torch.optim.Adagrad`: each coordinate's step is divided by the root of the sum
 * of all its squared gradients so far, so often-large coordinates slow down for good.
 * An adaptive-learning-rate method, not a momentum method (erratum 9): there is no velocity.
 *
 *     g ← g + λ·p
 *     lr_t ← lr / (1 + (t − 1)·lrDecay)
 *     sum ← sum + g²                   (sum starts at initialAccumulatorValue)
 *     p ← p − lr_t · g / (√sum + ε)
 */
export function adagrad(o: AdagradOptions = {}): Optimizer<{ step: number; sum: Float64Array }> {
  const { lr = 1e-2, lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10 } = o;
  nonNegative("adagrad", "lrDecay", lrDecay);
  nonNegative("adagrad", "weightDecay", weightDecay);
  nonNegative("adagrad", "initialAccumulatorValue", initialAccumulatorValue);
  positive("adagrad", "eps", eps);
  const init = (n: number) => ({ step: 0, sum: new Float64Array(n).fill(initialAccumulatorValue) });
  type S = { step: number; sum: Float64Array };
  const stepLr = (s: S, lr: number) => lr / (1 + (s.step - 1) * lrDecay);
  const denom = (s: S, k: number) => Math.sqrt(s.sum[k]) + eps;
  const scale = (s: S, lr: number, n: number) =>
    Float64Array.from({ length: n }, (_, k) => stepLr(s, lr) / denom(s, k));
  return new Optimizer(
    "adagrad",
    lr,
    init,
    (p, g, s, lr) => {
      s.step++;
      const clr = stepLr(s, lr);
      for (let k = 0; k < p.length; k++) {
        const d = g[k] + weightDecay * p[k];
        s.sum[k] += d * d;
        p[k] -= clr * d / denom(s, k);
      }
    },
    undefined,
    scale,
  );
}

// ---------------------------------------------------------------- RMSprop

/** Options of {@link rmsprop}; the defaults are PyTorch's. */
export interface RmspropOptions {
  /** Default 1e-2. */
  lr?: number;
  /** Decay of the running average of g², `S ← α·S + (1 − α)·g²` (default 0.99). */
  alpha?: number;
  /** Default 1e-8. */
  eps?: number;
  /** Default 0. */
  weightDecay?: number;
  /** Default 0 (no momentum buffer). */
  momentum?: number;
  /** Divide by the running standard deviation `√(S − ḡ²)` instead of the root mean square. */
  centered?: boolean;
  /**
   * `false` (PyTorch): denominator `√S + ε`. `true` (the notes' 003 and TensorFlow 1):
   * `√(S + ε)`. See erratum 11: the two differ when S is small.
   */
  epsInside?: boolean;
}

/** RMSprop's state per parameter, PyTorch's names; `gradAvg` only when centered. */
export interface RmspropState {
  step: number;
  squareAvg: Float64Array;
  gradAvg?: Float64Array;
  momentumBuffer?: Float64Array;
}

/**
 * RMSprop, `torch.optim.RMSprop`: Adagrad with a leaking memory. An adaptive-learning-rate
 * method (erratum 9); its optional `momentum` is a separate buffer on top.
 *
 *     g ← g + λ·p
 *     S ← α·S + (1 − α)·g²                       (state squareAvg)
 *     ḡ ← α·ḡ + (1 − α)·g,  D ← √(S − ḡ²)     (centered; state gradAvg)   or   D ← √S
 *     D ← D + ε                                  (or √(S + ε) etc. with epsInside)
 *     b ← μ·b + g/D,  p ← p − lr·b              (momentum > 0; state momentumBuffer)
 *                                               or   p ← p − lr·g/D
 *
 * Where ε sits matters when S ≪ ε² (a coordinate whose gradients have been near zero):
 * with ε outside the step is about lr·g/ε, with ε inside about lr·g/√ε, far smaller.
 */
export function rmsprop(o: RmspropOptions = {}): Optimizer<RmspropState> {
  const {
    lr = 1e-2,
    alpha = 0.99,
    eps = 1e-8,
    weightDecay = 0,
    centered = false,
    epsInside = false,
  } = o;
  let momentum = o.momentum ?? 0;
  coefficient("rmsprop", "alpha", alpha);
  positive("rmsprop", "eps", eps);
  nonNegative("rmsprop", "weightDecay", weightDecay);
  coefficient("rmsprop", "momentum", momentum);
  const access: MomentumAccess = {
    get: () => momentum,
    set: (v) => {
      coefficient("rmsprop", "momentum", v);
      momentum = v;
    },
  };
  const init = (n: number): RmspropState => ({
    step: 0,
    squareAvg: zeros(n),
    ...(centered ? { gradAvg: zeros(n) } : {}),
  });
  const denom = (s: RmspropState, k: number) => {
    let msq = s.squareAvg[k]; // mean square, or variance when centered
    if (s.gradAvg !== undefined) msq -= s.gradAvg[k] * s.gradAvg[k];
    return epsInside ? Math.sqrt(msq + eps) : Math.sqrt(msq) + eps;
  };
  const scale = (s: RmspropState, lr: number, n: number) =>
    Float64Array.from({ length: n }, (_, k) => lr / denom(s, k));
  return new Optimizer(
    "rmsprop",
    lr,
    init,
    (p, g, s, lr) => {
      if (momentum > 0) s.momentumBuffer ??= zeros(p.length);
      const sq = s.squareAvg, ga = s.gradAvg, buf = s.momentumBuffer;
      for (let k = 0; k < p.length; k++) {
        const d = g[k] + weightDecay * p[k];
        sq[k] = alpha * sq[k] + (1 - alpha) * d * d;
        if (ga !== undefined) ga[k] = alpha * ga[k] + (1 - alpha) * d;
        const D = denom(s, k);
        if (momentum > 0 && buf !== undefined) {
          buf[k] = momentum * buf[k] + d / D;
          p[k] -= lr * buf[k];
        } else {
          p[k] -= lr * d / D;
        }
      }
      s.step++;
    },
    access,
    scale,
  );
}

// ---------------------------------------------------------------- Adam, AMSGrad, AdamW

/** Options of {@link adam}, {@link amsgrad} and {@link adamw}; the defaults are PyTorch's. */
export interface AdamOptions {
  /** Default 1e-3. */
  lr?: number;
  /** (β₁, β₂), default (0.9, 0.999). */
  betas?: readonly [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** Adam/AMSGrad: L2 added to the gradient (default 0). AdamW: decoupled decay (default 1e-2). */
  weightDecay?: number;
  /** Use the running maximum of the second moment (default false). */
  amsgrad?: boolean;
}

/** The Adam family's state per parameter, PyTorch's names; `maxExpAvgSq` only with AMSGrad. */
export interface AdamState {
  step: number;
  /** First moment m. */
  expAvg: Float64Array;
  /** Second moment v. */
  expAvgSq: Float64Array;
  /** The largest v so far (AMSGrad). */
  maxExpAvgSq?: Float64Array;
}

function adamFamily(name: string, o: AdamOptions, decoupled: boolean): Optimizer<AdamState> {
  const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, amsgrad = false } = o;
  const weightDecay = o.weightDecay ?? (decoupled ? 1e-2 : 0);
  let b1 = betas[0];
  const b2 = betas[1];
  coefficient(name, "betas[0]", b1);
  coefficient(name, "betas[1]", b2);
  positive(name, "eps", eps);
  nonNegative(name, "weightDecay", weightDecay);
  const access: MomentumAccess = {
    get: () => b1,
    set: (v) => {
      coefficient(name, "betas[0]", v);
      b1 = v;
    },
  };
  const init = (n: number): AdamState => ({
    step: 0,
    expAvg: zeros(n),
    expAvgSq: zeros(n),
    ...(amsgrad ? { maxExpAvgSq: zeros(n) } : {}),
  });
  // √v̂ + ε, with v̂ = v/(1 − β₂ᵗ) (AMSGrad: the running maximum of v in place of v)
  const denom = (s: AdamState, k: number) =>
    Math.sqrt((s.maxExpAvgSq ?? s.expAvgSq)[k]) / Math.sqrt(1 - b2 ** s.step) + eps;
  const scale = (s: AdamState, lr: number, n: number) =>
    Float64Array.from({ length: n }, (_, k) => lr / denom(s, k));
  return new Optimizer(
    name,
    lr,
    init,
    (p, g, s, lr) => {
      s.step++;
      const bc1 = 1 - b1 ** s.step;
      const m = s.expAvg, v = s.expAvgSq, vmax = s.maxExpAvgSq;
      for (let k = 0; k < p.length; k++) {
        let d = g[k];
        if (decoupled) p[k] *= 1 - lr * weightDecay; // AdamW: shrink p, leave g alone
        else d += weightDecay * p[k]; // Adam: L2 term goes through the moments
        m[k] = b1 * m[k] + (1 - b1) * d;
        v[k] = b2 * v[k] + (1 - b2) * d * d;
        if (vmax !== undefined) vmax[k] = Math.max(vmax[k], v[k]);
        p[k] -= (lr / bc1) * m[k] / denom(s, k);
      }
    },
    access,
    scale,
  );
}

/**
 * Adam, `torch.optim.Adam`: momentum on g (first moment m) and RMSprop's scaling by the
 * second moment v, both bias-corrected because they start at 0:
 *
 *     g ← g + λ·p
 *     m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
 *     m̂ = m/(1 − β₁ᵗ),   v̂ = v/(1 − β₂ᵗ)
 *     p ← p − lr · m̂ / (√v̂ + ε)
 *
 * Erratum 2: `p ← p − lr·g/√(S + ε)` (notes 003) is RMSprop, not Adam — it has no first
 * moment and no bias correction. ε is added after the root, as in PyTorch.
 * With `amsgrad: true` the denominator uses the running maximum of v (see {@link amsgrad}).
 */
export function adam(o: AdamOptions = {}): Optimizer<AdamState> {
  return adamFamily("adam", o, false);
}

/**
 * AMSGrad, `torch.optim.Adam(amsgrad=True)`: Adam whose denominator uses `v_max`, the
 * largest v seen so far (`v̂ = v_max/(1 − β₂ᵗ)`), so the effective step size never grows back.
 */
export function amsgrad(o: Omit<AdamOptions, "amsgrad"> = {}): Optimizer<AdamState> {
  return adamFamily("amsgrad", { ...o, amsgrad: true }, false);
}

/**
 * AdamW, `torch.optim.AdamW`: weight decay decoupled from the gradient,
 * `p ← p·(1 − lr·λ)` first, then the Adam step on the raw gradient. With Adam's L2 form the
 * decay term is divided by √v̂ like the gradient, so heavily-updated weights are barely
 * decayed; AdamW decays every weight at the same rate. For plain SGD the two are the same.
 * Default `weightDecay` 1e-2, as PyTorch's.
 */
export function adamw(o: AdamOptions = {}): Optimizer<AdamState> {
  return adamFamily("adamw", o, true);
}

// ---------------------------------------------------------------- NAdam

/** Options of {@link nadam}; the defaults are PyTorch's. */
export interface NadamOptions {
  /** Default 2e-3. */
  lr?: number;
  /** (β₁, β₂), default (0.9, 0.999). */
  betas?: readonly [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** Default 0. */
  weightDecay?: number;
  /** ψ in the momentum schedule μ_t = β₁·(1 − ½·0.96^(t·ψ)) (default 4e-3). */
  momentumDecay?: number;
}

/** NAdam's state per parameter, PyTorch's names. */
export interface NadamState {
  step: number;
  /** The product μ₁·…·μ_t. */
  muProduct: number;
  expAvg: Float64Array;
  expAvgSq: Float64Array;
}

/**
 * NAdam's momentum schedule at step t (counted from 1), `μ_t = β₁·(1 − ½·0.96^(t·ψ))` with
 * ψ = `momentumDecay`: the coefficient {@link nadam} gives its first moment at step t. It starts
 * near β₁/2 and creeps towards β₁: with PyTorch's defaults μ₁ ≈ 0.450 and μ₁₀₀₀ ≈ 0.518.
 */
export function nadamMomentum(
  t: number,
  o: Pick<NadamOptions, "betas" | "momentumDecay"> = {},
): number {
  const { betas = [0.9, 0.999], momentumDecay = 4e-3 } = o;
  positiveInteger("nadamMomentum", "t", t);
  coefficient("nadamMomentum", "betas[0]", betas[0]);
  nonNegative("nadamMomentum", "momentumDecay", momentumDecay);
  return betas[0] * (1 - 0.5 * 0.96 ** (t * momentumDecay));
}

/**
 * NAdam, `torch.optim.NAdam` with PyTorch 2 semantics (Dozat's Nesterov Adam, with the
 * momentum schedule of Sutskever et al.): the momentum coefficient warms up,
 * `μ_t = β₁·(1 − ½·0.96^(t·ψ))`, and the step looks one momentum step ahead:
 *
 *     g ← g + λ·p
 *     m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²,   Πt = μ₁·…·μ_t
 *     D = √(v/(1 − β₂ᵗ)) + ε
 *     p ← p − lr·(1 − μ_t)/(1 − Πt) · g/D − lr·μ_{t+1}/(1 − Πt·μ_{t+1}) · m/D
 *
 * (PyTorch 1.13's default path multiplies μ_t into the last denominator twice, a bug fixed
 * in 2.0; we follow the fixed rule.)
 */
export function nadam(o: NadamOptions = {}): Optimizer<NadamState> {
  const { lr = 2e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, momentumDecay = 4e-3 } = o;
  let b1 = betas[0];
  const b2 = betas[1];
  coefficient("nadam", "betas[0]", b1);
  coefficient("nadam", "betas[1]", b2);
  positive("nadam", "eps", eps);
  nonNegative("nadam", "weightDecay", weightDecay);
  nonNegative("nadam", "momentumDecay", momentumDecay);
  const access: MomentumAccess = {
    get: () => b1,
    set: (v) => {
      coefficient("nadam", "betas[0]", v);
      b1 = v;
    },
  };
  const init = (n: number) => ({ step: 0, muProduct: 1, expAvg: zeros(n), expAvgSq: zeros(n) });
  const denom = (s: NadamState, k: number) =>
    Math.sqrt(s.expAvgSq[k]) / Math.sqrt(1 - b2 ** s.step) + eps;
  const scale = (s: NadamState, lr: number, n: number) =>
    Float64Array.from({ length: n }, (_, k) => lr / denom(s, k));
  return new Optimizer(
    "nadam",
    lr,
    init,
    (p, g, s, lr) => {
      const t = ++s.step;
      const schedule = { betas: [b1, b2] as const, momentumDecay };
      const mu = nadamMomentum(t, schedule), muNext = nadamMomentum(t + 1, schedule);
      s.muProduct *= mu;
      const cg = lr * (1 - mu) / (1 - s.muProduct);
      const cm = lr * muNext / (1 - s.muProduct * muNext);
      const m = s.expAvg, v = s.expAvgSq;
      for (let k = 0; k < p.length; k++) {
        const d = g[k] + weightDecay * p[k];
        m[k] = b1 * m[k] + (1 - b1) * d;
        v[k] = b2 * v[k] + (1 - b2) * d * d;
        const D = denom(s, k);
        p[k] -= cg * d / D;
        p[k] -= cm * m[k] / D;
      }
    },
    access,
    scale,
  );
}
