/**
 * Synthetic sequence tasks with a known memory requirement, generated from a seed.
 *
 * The echo task: at every step a random symbol out of `classes` arrives (one-hot), and the
 * target at step t is the symbol that arrived `delay` steps earlier. A network that gets it
 * right must carry each symbol in its state for exactly `delay` steps, so the delay is the
 * distance over which the gradient has to travel to teach it. With `targets: "last"` only the
 * last step is scored (many-to-one); with `length = delay + 1` that asks for the first symbol.
 *
 * @module
 */

import { Matrix } from "../core/matrix.ts";
import { Random } from "../core/random.ts";
import { positiveInteger } from "../core/validate.ts";

/** A batch of sequences, time-major as the recurrent layers take them. */
export interface SequenceData {
  /** `xs[t]` is n×classes: row k one-hot for sequence k's symbol at step t. */
  xs: Matrix[];
  /** `targets[t][k]`, the class sequence k should output at step t; `undefined`: not scored. */
  targets: (number[] | undefined)[];
  /** `symbols[k][t]`, the symbols themselves. */
  symbols: number[][];
}

/** Options of {@link echoTask}. */
export interface EchoOptions {
  /** Number of sequences. */
  n: number;
  /** Steps per sequence. */
  length: number;
  /** How many steps back the target symbol lies (0 = the current symbol). */
  delay: number;
  /** Size of the alphabet (default 4). */
  classes?: number;
  /** Score every step from `delay` on ("every", default) or only the last ("last"). */
  targets?: "every" | "last";
  /** Seed of the generator (default 0). */
  seed?: number;
}

/** `n` sequences of the echo task (see the module doc). */
export function echoTask(o: EchoOptions): SequenceData {
  const { n, length, delay, classes = 4, targets = "every", seed = 0 } = o;
  positiveInteger("echoTask", "n", n);
  positiveInteger("echoTask", "length", length);
  positiveInteger("echoTask", "classes", classes);
  if (!(Number.isInteger(delay) && delay >= 0 && delay < length)) {
    throw new RangeError(
      `echoTask: delay must be an integer in [0, length − 1] = [0, ${length - 1}], got ${delay}`,
    );
  }
  if (targets !== "every" && targets !== "last") {
    throw new RangeError(`echoTask: targets must be "every" or "last", got ${targets}`);
  }
  const rng = new Random(seed);
  const symbols = Array.from({ length: n }, () => Array.from({ length }, () => rng.int(classes)));
  const xs = Array.from({ length }, (_, t) => {
    const x = new Matrix(n, classes);
    for (let k = 0; k < n; k++) x.data[k * classes + symbols[k][t]] = 1;
    return x;
  });
  const scored = (t: number) => targets === "every" ? t >= delay : t === length - 1;
  return {
    xs,
    targets: xs.map((_, t) => scored(t) ? symbols.map((s) => s[t - delay]) : undefined),
    symbols,
  };
}
