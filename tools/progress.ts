/**
 * Live progress of a training run in a notebook: pass `onEpoch: progress({ epochs })` to
 * `fit`. In the Deno kernel it shows a figure of the loss and accuracy curves, titled with the
 * latest epoch, and redraws it in place after every epoch (a display with a `display_id`,
 * updated); anywhere else (a terminal, a test) it writes one line per epoch.
 *
 * It lives in tools/ because it talks to the kernel (`Deno.jupyter`); lib/ stays portable.
 * Notebooks import it as `@course/progress`; on tslab that is `tools/node/progress.ts`.
 *
 * @module
 */

import { Figure, PLOTLY_MIME } from "../lib/display/plot.ts";
import type { EpochRecord } from "../lib/train/fit.ts";

/** The kernel's display API, or undefined outside Jupyter (where reading it throws). */
function jupyter(): typeof Deno.jupyter | undefined {
  try {
    return Deno.jupyter;
  } catch {
    return undefined;
  }
}

/** One line: "epoch 2/5 · train loss 0.412 · accuracy 85.3% · val loss 0.398 · … · 2.1 s". */
export function describeEpoch(r: EpochRecord, epochs: number): string {
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  const parts = [
    `epoch ${r.epoch}/${epochs}`,
    `train loss ${r.trainLoss.toFixed(3)}, accuracy ${pct(r.trainAcc)}`,
    ...(r.valLoss === undefined ? [] : [
      `val loss ${r.valLoss.toFixed(3)}, accuracy ${pct(r.valAcc!)}`,
    ]),
    `${r.seconds.toFixed(1)} s`,
  ];
  return parts.join(" · ");
}

/** The curves so far: loss on the left, accuracy on the right, against the epoch. */
export function progressFigure(history: readonly EpochRecord[], epochs: number): Figure {
  const x = history.map((r) => r.epoch);
  const line = (name: string, y: number[], axis: string, color: string, dash = "solid") => ({
    type: "scatter",
    mode: "lines+markers",
    name,
    x,
    y,
    xaxis: `x${axis}`,
    yaxis: `y${axis}`,
    line: { color, dash },
  });
  const withVal = history.some((r) => r.valLoss !== undefined);
  const traces = [
    line("train loss", history.map((r) => r.trainLoss), "", "#1f77b4", "dot"),
    line("train accuracy", history.map((r) => r.trainAcc), "2", "#2ca02c", "dot"),
    ...(withVal
      ? [
        line("val loss", history.map((r) => r.valLoss!), "", "#1f77b4"),
        line("val accuracy", history.map((r) => r.valAcc!), "2", "#2ca02c"),
      ]
      : []),
  ];
  const range = [0.5, epochs + 0.5];
  return new Figure(traces, {
    title: describeEpoch(history[history.length - 1], epochs),
    grid: { rows: 1, columns: 2, pattern: "independent" },
    xaxis: { title: { text: "epoch" }, range, dtick: 1 },
    xaxis2: { title: { text: "epoch" }, range, dtick: 1 },
    yaxis: { title: { text: "mean cross-entropy" } },
    yaxis2: { title: { text: "accuracy" }, tickformat: ".1%" },
    height: 360,
    legend: { orientation: "h", y: -0.25 },
  });
}

/** Options of {@link progress}. */
export interface ProgressOptions {
  /** The number of epochs of the run (fixes the x axis). */
  epochs: number;
  /** Where the text lines go outside the kernel (default `console.log`). */
  write?: (line: string) => void;
}

/** Shows a MIME bundle under `displayId`, replacing what it showed before when `update`. */
export type ShowBundle = (
  bundle: Record<string, unknown>,
  o: { displayId: string; update: boolean },
) => unknown;

/**
 * An `onEpoch` callback for `fit` that redraws the figure through `show`, or writes one line
 * per epoch when there is no `show` (outside a kernel). The kernels' `progress` functions
 * (this module's for Deno, `tools/node/progress.ts` for tslab) pass their display.
 */
export function progressWith(show: ShowBundle | undefined, o: ProgressOptions): (
  record: EpochRecord,
  history: readonly EpochRecord[],
) => Promise<void> {
  const { epochs, write = console.log } = o;
  const displayId = `progress-${crypto.randomUUID()}`;
  let shown = false;
  return async (record, history) => {
    if (!show) return write(describeEpoch(record, epochs));
    const figure = progressFigure(history, epochs);
    const bundle = {
      [PLOTLY_MIME]: figure.toJSON(),
      "text/html": figure.toHTML(),
      "text/plain": describeEpoch(record, epochs),
    };
    await show(bundle, { displayId, update: shown });
    shown = true;
  };
}

/** An `onEpoch` callback for `fit` that shows the run as it goes (see the module doc). */
export function progress(o: ProgressOptions): (
  record: EpochRecord,
  history: readonly EpochRecord[],
) => Promise<void> {
  const kernel = jupyter();
  return progressWith(
    kernel &&
      ((bundle, { displayId, update }) =>
        kernel.display(bundle, { raw: true, display_id: displayId, update })),
    o,
  );
}
