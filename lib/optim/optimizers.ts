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
 *
 * The rules are written one element at a time so that each line reads like its formula.
 * `g` is the gradient, `p` the parameter, `t` the step number counted from 1.
 *
 * @module
 */

import { assertFinite, Matrix, ShapeError, shapeOf } from "../core/matrix.ts";
import { coefficient, nonNegative, positive } from "../core/validate.ts";

/** How one optimiser changes one parameter array `p`, given its gradient `g` and state `s`. */
type Rule<S> = (p: Float64Array, g: Float64Array, s: S, lr: number) => void;

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

  constructor(name: string, lr: number, init: (n: number) => S, rule: Rule<S>) {
    this.name = name;
    this.lr = lr;
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

  /** The state kept for parameter `p` (undefined before its first step); for inspection. */
  stateOf(p: Matrix): S | undefined {
    return this.#state.get(p) as S | undefined;
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

// ---------------------------------------------------------------- hyper-parameter checks

const zeros = (n: number) => new Float64Array(n);

// ---------------------------------------------------------------- SGD

/** Options of {@link sgd}; the defaults are PyTorch's. */
export interface SgdOptions {
  lr: number;
  /** μ in `b ← μ·b + (1 − dampening)·g`; 0 turns momentum off. */
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  /** L2 penalty: `g ← g + weightDecay·p` before anything else. */
  weightDecay?: number;
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
export function sgd(o: SgdOptions): Optimizer<{ t: number; b: Float64Array }> {
  const { momentum = 0, dampening = 0, nesterov = false, weightDecay = 0 } = o;
  coefficient("sgd", "momentum", momentum);
  if (!(dampening >= 0 && dampening <= 1)) {
    throw new RangeError(`sgd: dampening must be in [0, 1], got ${dampening}`);
  }
  nonNegative("sgd", "weightDecay", weightDecay);
  if (nesterov && (momentum === 0 || dampening !== 0)) {
    throw new RangeError("sgd: nesterov needs momentum > 0 and dampening = 0");
  }
  return new Optimizer("sgd", o.lr, (n) => ({ t: 0, b: zeros(n) }), (p, g, s, lr) => {
    for (let k = 0; k < p.length; k++) {
      let d = g[k] + weightDecay * p[k];
      if (momentum !== 0) {
        s.b[k] = s.t === 0 ? d : momentum * s.b[k] + (1 - dampening) * d;
        d = nesterov ? d + momentum * s.b[k] : s.b[k];
      }
      p[k] -= lr * d;
    }
    s.t++;
  });
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
): Optimizer<{ v: Float64Array }> {
  const { momentum: gamma, form } = o;
  coefficient("textbookMomentum", "momentum", gamma);
  if (!["velocity", "negative-velocity", "ema"].includes(form)) {
    throw new RangeError(`textbookMomentum: unknown form ${form}`);
  }
  return new Optimizer("textbookMomentum", o.lr, (n) => ({ v: zeros(n) }), (p, g, s, lr) => {
    for (let k = 0; k < p.length; k++) {
      if (form === "velocity") {
        s.v[k] = gamma * s.v[k] + lr * g[k];
        p[k] -= s.v[k];
      } else if (form === "negative-velocity") {
        s.v[k] = gamma * s.v[k] - lr * g[k];
        p[k] += s.v[k];
      } else {
        s.v[k] = gamma * s.v[k] + (1 - gamma) * g[k];
        p[k] -= lr * s.v[k];
      }
    }
  });
}

// ---------------------------------------------------------------- Adagrad

/** Options of {@link adagrad}; the defaults are PyTorch's. */
export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
}

/**
 * Adagrad, `torch.optim.Adagrad`: each coordinate's step is divided by the root of the sum
 * of all its squared gradients so far, so often-large coordinates slow down for good.
 * An adaptive-learning-rate method, not a momentum method (erratum 9): there is no velocity.
 *
 *     g ← g + λ·p
 *     lr_t ← lr / (1 + (t − 1)·lrDecay)
 *     G ← G + g²                       (G starts at initialAccumulatorValue)
 *     p ← p − lr_t · g / (√G + ε)
 */
export function adagrad(o: AdagradOptions = {}): Optimizer<{ t: number; G: Float64Array }> {
  const { lr = 1e-2, lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10 } = o;
  nonNegative("adagrad", "lrDecay", lrDecay);
  nonNegative("adagrad", "weightDecay", weightDecay);
  nonNegative("adagrad", "initialAccumulatorValue", initialAccumulatorValue);
  positive("adagrad", "eps", eps);
  const init = (n: number) => ({ t: 0, G: new Float64Array(n).fill(initialAccumulatorValue) });
  return new Optimizer("adagrad", lr, init, (p, g, s, lr) => {
    s.t++;
    const clr = lr / (1 + (s.t - 1) * lrDecay);
    for (let k = 0; k < p.length; k++) {
      const d = g[k] + weightDecay * p[k];
      s.G[k] += d * d;
      p[k] -= clr * d / (Math.sqrt(s.G[k]) + eps);
    }
  });
}

// ---------------------------------------------------------------- RMSprop

/** Options of {@link rmsprop}; the defaults are PyTorch's. */
export interface RmspropOptions {
  lr?: number;
  /** Decay of the running average of g²: `S ← α·S + (1 − α)·g²`. */
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  /** Divide by the running standard deviation `√(S − ḡ²)` instead of the root mean square. */
  centered?: boolean;
  /**
   * `false` (PyTorch): denominator `√S + ε`. `true` (the notes' 003 and TensorFlow 1):
   * `√(S + ε)`. See erratum 11: the two differ when S is small.
   */
  epsInside?: boolean;
}

/**
 * RMSprop, `torch.optim.RMSprop`: Adagrad with a leaking memory. An adaptive-learning-rate
 * method (erratum 9); its optional `momentum` is a separate buffer on top.
 *
 *     g ← g + λ·p
 *     S ← α·S + (1 − α)·g²
 *     ḡ ← α·ḡ + (1 − α)·g,  D ← √(S − ḡ²)     (centered)   or   D ← √S
 *     D ← D + ε                                  (or √(S + ε) etc. with epsInside)
 *     b ← μ·b + g/D,  p ← p − lr·b              (momentum > 0)   or   p ← p − lr·g/D
 *
 * Where ε sits matters when S ≪ ε² (a coordinate whose gradients have been near zero):
 * with ε outside the step is about lr·g/ε, with ε inside about lr·g/√ε, far smaller.
 */
export function rmsprop(
  o: RmspropOptions = {},
): Optimizer<{ S: Float64Array; gbar: Float64Array; b: Float64Array }> {
  const {
    lr = 1e-2,
    alpha = 0.99,
    eps = 1e-8,
    weightDecay = 0,
    momentum = 0,
    centered = false,
    epsInside = false,
  } = o;
  coefficient("rmsprop", "alpha", alpha);
  positive("rmsprop", "eps", eps);
  nonNegative("rmsprop", "weightDecay", weightDecay);
  coefficient("rmsprop", "momentum", momentum);
  const init = (n: number) => ({ S: zeros(n), gbar: zeros(n), b: zeros(n) });
  return new Optimizer("rmsprop", lr, init, (p, g, s, lr) => {
    for (let k = 0; k < p.length; k++) {
      const d = g[k] + weightDecay * p[k];
      s.S[k] = alpha * s.S[k] + (1 - alpha) * d * d;
      let msq = s.S[k]; // mean square, or variance when centered
      if (centered) {
        s.gbar[k] = alpha * s.gbar[k] + (1 - alpha) * d;
        msq -= s.gbar[k] * s.gbar[k];
      }
      const denom = epsInside ? Math.sqrt(msq + eps) : Math.sqrt(msq) + eps;
      if (momentum > 0) {
        s.b[k] = momentum * s.b[k] + d / denom;
        p[k] -= lr * s.b[k];
      } else {
        p[k] -= lr * d / denom;
      }
    }
  });
}

// ---------------------------------------------------------------- Adam, AMSGrad, AdamW

/** Options of {@link adam}, {@link amsgrad} and {@link adamw}; the defaults are PyTorch's. */
export interface AdamOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  /** Adam/AMSGrad: L2 added to the gradient. AdamW: decoupled decay (default 1e-2 there). */
  weightDecay?: number;
  amsgrad?: boolean;
}

interface AdamState {
  t: number;
  m: Float64Array;
  v: Float64Array;
  vmax: Float64Array;
}

function adamFamily(name: string, o: AdamOptions, decoupled: boolean): Optimizer<AdamState> {
  const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, amsgrad = false } = o;
  const weightDecay = o.weightDecay ?? (decoupled ? 1e-2 : 0);
  const [b1, b2] = betas;
  coefficient(name, "betas[0]", b1);
  coefficient(name, "betas[1]", b2);
  positive(name, "eps", eps);
  nonNegative(name, "weightDecay", weightDecay);
  const init = (n: number) => ({ t: 0, m: zeros(n), v: zeros(n), vmax: zeros(n) });
  return new Optimizer(name, lr, init, (p, g, s, lr) => {
    s.t++;
    const bc1 = 1 - b1 ** s.t, bc2 = 1 - b2 ** s.t;
    for (let k = 0; k < p.length; k++) {
      let d = g[k];
      if (decoupled) p[k] *= 1 - lr * weightDecay; // AdamW: shrink p, leave g alone
      else d += weightDecay * p[k]; // Adam: L2 term goes through the moments
      s.m[k] = b1 * s.m[k] + (1 - b1) * d;
      s.v[k] = b2 * s.v[k] + (1 - b2) * d * d;
      let v = s.v[k];
      if (amsgrad) v = s.vmax[k] = Math.max(s.vmax[k], v);
      p[k] -= (lr / bc1) * s.m[k] / (Math.sqrt(v) / Math.sqrt(bc2) + eps);
    }
  });
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
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
  /** ψ in the momentum schedule μ_t = β₁·(1 − ½·0.96^(t·ψ)). */
  momentumDecay?: number;
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
export function nadam(
  o: NadamOptions = {},
): Optimizer<{ t: number; muProd: number; m: Float64Array; v: Float64Array }> {
  const { lr = 2e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, momentumDecay = 4e-3 } = o;
  const [b1, b2] = betas;
  coefficient("nadam", "betas[0]", b1);
  coefficient("nadam", "betas[1]", b2);
  positive("nadam", "eps", eps);
  nonNegative("nadam", "weightDecay", weightDecay);
  nonNegative("nadam", "momentumDecay", momentumDecay);
  const init = (n: number) => ({ t: 0, muProd: 1, m: zeros(n), v: zeros(n) });
  return new Optimizer("nadam", lr, init, (p, g, s, lr) => {
    const t = ++s.t;
    const mu = b1 * (1 - 0.5 * 0.96 ** (t * momentumDecay));
    const muNext = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentumDecay));
    s.muProd *= mu;
    const cg = lr * (1 - mu) / (1 - s.muProd);
    const cm = lr * muNext / (1 - s.muProd * muNext);
    const bc2 = 1 - b2 ** t;
    for (let k = 0; k < p.length; k++) {
      const d = g[k] + weightDecay * p[k];
      s.m[k] = b1 * s.m[k] + (1 - b1) * d;
      s.v[k] = b2 * s.v[k] + (1 - b2) * d * d;
      const denom = Math.sqrt(s.v[k]) / Math.sqrt(bc2) + eps;
      p[k] -= cg * d / denom;
      p[k] -= cm * s.m[k] / denom;
    }
  });
}
