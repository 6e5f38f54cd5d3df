/**
 * `deno task bench`: this library's matrix multiply, MLP training step and training epoch side
 * by side with numpy, PyTorch (eager) and TensorFlow.js, in one run. Prints markdown tables of
 * figures and of ratios.
 *
 *   deno task bench              (about 1 s per measurement, one run: ~2 min)
 *   deno task bench --runs 3     (three runs; each cell: median (min–max) over the runs)
 *   deno task bench --quick      (about 0.3 s per measurement, a tenth of the epoch)
 *   deno task bench --only conv  (only the conv layer against PyTorch)
 *   deno task bench --only threads  (the 784-256-10 kernel step on one thread or two: 20 s)
 *
 * numpy runs in `python3 bench/bench_numpy.py` (the first of `python3`, `/usr/bin/python3` that
 * imports numpy) and PyTorch in `/usr/bin/python3 bench/bench_torch.py` (Debian's
 * python3-torch), both on one thread and kept running, so that their measurements take turns
 * with this library's in slices of 0.1 s (bench/python.ts): a change in the machine's load then
 * falls on all of them alike. A missing one leaves its rows empty.
 *
 * @module
 */
import process from "node:process";
import { gemmBlocked } from "../lib/kernels/matmul_blocked.ts";
import { setWasmKernelEnabled, wasmKernelAvailable } from "../lib/kernels/matmul_wasm.ts";
import { matmul, matmulReference } from "../lib/core/matrix.ts";
import { Random } from "../lib/core/random.ts";
import { benchTfjs } from "./bench_tfjs.ts";
import { CONV_SHAPES, convShapeName, convSteps } from "./conv.ts";
import { epoch, fakeFashionMnist } from "./epoch.ts";
import {
  MAIN,
  makeMlp,
  type MlpShape,
  shapeName,
  SHAPES,
  stepFast,
  stepLayers,
  stepLayersSgd,
} from "./mlp_step.ts";
import { PythonBench } from "./python.ts";
import { threadsReport } from "./threads.ts";
import { rate as rateFor } from "./rate.ts";

const argValue = (name: string) => {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
};
const QUICK = Deno.args.includes("--quick");
const SECONDS = QUICK ? 0.3 : 1;
const RUNS = Number(argValue("--runs") ?? 1);
const ONLY = argValue("--only");
if (ONLY !== undefined && ONLY !== "conv" && ONLY !== "threads") {
  throw new Error(`bench: --only takes "conv" or "threads", got ${ONLY}`);
}
const EPOCH_ROWS = QUICK ? 6_000 : 60_000;
const SIZES = [64, 128, 256, 512];
const rate = (f: () => void, seconds = SECONDS) => rateFor(f, seconds);
const gflops = (n: number, perSecond: number) => (2 * n ** 3 * perSecond) / 1e9;

/** One run's figures: `table → row → column → value`. */
type Figures = Record<string, Record<string, Record<string, number>>>;

function put(f: Figures, table: string, row: string, col: string, value: number | undefined) {
  if (value === undefined || !Number.isFinite(value)) return;
  ((f[table] ??= {})[row] ??= {})[col] = value;
}

/** How many calls in how many seconds. */
interface Timed {
  calls: number;
  seconds: number;
}

/** CPU time and wall time (ms) inside this process's {@link timed} measurements. */
const measured = { cpu: 0, wall: 0 };
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Calls `f` for about `seconds`. */
function timed(f: () => void, seconds: number): Timed {
  const c0 = cpuMs(), t0 = performance.now();
  let t = t0, calls = 0;
  do {
    f();
    calls++;
    t = performance.now();
  } while (t - t0 < seconds * 1000);
  measured.cpu += cpuMs() - c0;
  measured.wall += t - t0;
  return { calls, seconds: (t - t0) / 1000 };
}

/**
 * Calls a second of each contestant, measured side by side: they take turns in slices of
 * 0.1 s until each has run for about `seconds` (each was warmed up before).
 */
async function turns(
  contestants: Record<string, (seconds: number) => Timed | Promise<Timed>>,
  seconds: number,
): Promise<Record<string, number>> {
  const total: Record<string, Timed> = {};
  for (const k in contestants) total[k] = { calls: 0, seconds: 0 };
  const slice = Math.min(0.1, seconds);
  for (let t = 0; t < Math.round(seconds / slice); t++) {
    for (const [k, f] of Object.entries(contestants)) {
      const r = await f(slice);
      total[k].calls += r.calls;
      total[k].seconds += r.seconds;
    }
  }
  return Object.fromEntries(Object.entries(total).map(([k, r]) => [k, r.calls / r.seconds]));
}

/** The library paths must agree bit for bit before anything is timed. */
function checkIdentical(shape: MlpShape): void {
  const a = makeMlp(shape, 7), b = makeMlp(shape, 7), c = makeMlp(shape, 7);
  for (let i = 0; i < 3; i++) {
    stepFast(a);
    stepLayers(b);
    stepLayersSgd(c);
  }
  for (const k of ["w1", "b1", "w2", "b2"] as const) {
    if (a[k].data.some((v, t) => v !== b[k].data[t] || v !== c[k].data[t])) {
      throw new Error(`bench: kernel and layer steps differ in ${k} at ${shapeName(shape)}`);
    }
  }
}

const LIB_KERNELS = "lib kernels (bench/mlp_step.ts stepFast)";
const LIB_NO_WASM = "lib kernels, WebAssembly off (blocked TS)";
const LAYERS = "course layers, same update (stepLayers)";
const LAYERS_SGD = "course layers + lib/optim sgd (stepLayersSgd)";

const TORCH = (dtype: string) => `PyTorch eager, 1 thread (${dtype})`;
const NUMPY = "numpy, 1 thread (float64)";
const EPOCH_LAYERS = "course layers + lib/optim sgd (float64)";

/** The Python servers, or why each is missing. */
interface Pythons {
  numpy: PythonBench | string;
  torch: PythonBench | string;
}

/** A contestant for {@link turns} that measures in a Python server. */
const remote = (py: PythonBench, request: Record<string, unknown>) => (seconds: number) =>
  py.ask<Timed>({ ...request, seconds });

const CONV_IM2COL = "conv2dForward/Backward (im2col + lib kernels)";
const CONV_NAIVE = "conv2dNaive (the loops)";

/** The conv layer, forward and backward, side by side with PyTorch: images per second. */
async function convRun(f: Figures, pt: PythonBench | undefined) {
  for (const shape of CONV_SHAPES) {
    const steps = convSteps(shape);
    for (let i = 0; i < 2; i++) steps.im2col(), shape === CONV_SHAPES[0] && steps.naive();
    const dims = [shape.N, shape.C, shape.H, shape.F, shape.K, shape.pad];
    // The loops take seconds a call on the deeper layer: they are timed on the first shape only.
    const naive = shape === CONV_SHAPES[0];
    const r = await turns({
      [CONV_IM2COL]: (s) => timed(steps.im2col, s),
      ...(naive ? { [CONV_NAIVE]: (s: number) => timed(steps.naive, s) } : {}),
      ...(pt
        ? {
          [TORCH("float64")]: remote(pt, { op: "conv", shape: dims, dtype: "float64" }),
          [TORCH("float32")]: remote(pt, { op: "conv", shape: dims, dtype: "float32" }),
        }
        : {}),
    }, 2 * SECONDS);
    for (const [row, v] of Object.entries(r)) {
      put(f, "conv", row, convShapeName(shape), v * shape.N);
    }
  }
}

async function oneRun(data: ReturnType<typeof fakeFashionMnist>, py: Pythons, notes: Set<string>) {
  const f: Figures = {};
  const np = typeof py.numpy === "string" ? undefined : py.numpy;
  const pt = typeof py.torch === "string" ? undefined : py.torch;
  await convRun(f, pt);
  if (ONLY === "conv") return f;
  // --- matrix multiply: this library and numpy in turns
  const rng = new Random(1);
  for (const n of SIZES) {
    const A = rng.rand(n, n, -0.5, 0.5), B = rng.rand(n, n, -0.5, 0.5);
    const args = { m: n, n, k: n, a: A.data, b: B.data, c: new Float64Array(n * n) };
    const r = await turns({
      "reference loop": (s) => timed(() => matmulReference(A, B), s),
      "blocked TS": (s) => timed(() => gemmBlocked(args), s),
      "lib matmul (wasm)": (s) => timed(() => matmul(A, B), s),
      ...(np ? { "numpy f64": remote(np, { op: "matmul", n }) } : {}),
    }, SECONDS);
    for (const [row, v] of Object.entries(r)) put(f, "mm", row, String(n), gflops(n, v));
  }
  // --- MLP step: kernels, layers, numpy and PyTorch in turns
  for (const shape of SHAPES) {
    const st = makeMlp(shape, 1);
    for (let i = 0; i < 3; i++) stepFast(st), stepLayers(st), stepLayersSgd(st);
    const dims = [shape.input, shape.hidden, shape.output, shape.batch];
    const r = await turns({
      [LIB_KERNELS]: (s) => timed(() => stepFast(st), s),
      [LAYERS]: (s) => timed(() => stepLayers(st), s),
      [LAYERS_SGD]: (s) => timed(() => stepLayersSgd(st), s),
      ...(np ? { [NUMPY]: remote(np, { op: "step", shape: dims }) } : {}),
      ...(pt
        ? {
          [TORCH("float64")]: remote(pt, { op: "step", shape: dims, dtype: "float64" }),
          [TORCH("float32")]: remote(pt, { op: "step", shape: dims, dtype: "float32" }),
        }
        : {}),
    }, 2 * SECONDS);
    for (const [row, v] of Object.entries(r)) put(f, "mlp", row, shapeName(shape), v);
  }
  setWasmKernelEnabled(false);
  const noWasm = makeMlp(MAIN, 1);
  put(f, "mlp", LIB_NO_WASM, shapeName(MAIN), rate(() => stepFast(noWasm), 2 * SECONDS));
  setWasmKernelEnabled(true);
  // --- TensorFlow.js (its backends cannot take turns: one backend at a time)
  for (const backend of ["wasm", "cpu"] as const) {
    try {
      const t = await benchTfjs(backend, SIZES, SHAPES, SECONDS);
      for (const n of SIZES) put(f, "mm", `tfjs-${backend} f32`, String(n), t.matmul[n]);
      for (const s of SHAPES) {
        const row = `TensorFlow.js ${backend} (float32)`;
        put(f, "mlp", row, shapeName(s), t.mlpStepsPerSecond[shapeName(s)]);
      }
      if (backend === "wasm") notes.add(`TensorFlow.js ${t.version}; wasm backend: ${t.notes}`);
    } catch (e) {
      notes.add(`TensorFlow.js ${backend}: failed (${(e as Error).message})`);
    }
  }
  // --- one epoch: the course's layers and PyTorch in turns, a tenth of the epoch at a time
  const ours = epoch(data, 64);
  const parts: Record<string, (from: number, to: number) => Promise<number> | number> = {
    [EPOCH_LAYERS]: (from, to) => ours.run(from, to),
  };
  for (const dtype of pt ? ["float64", "float32"] : []) {
    await pt!.ask({ op: "epoch_start", rows: data.x.rows, batch: 64, dtype });
    parts[TORCH(dtype)] = async (from, to) =>
      (await pt!.ask<{ seconds: number }>({ op: "epoch_run", dtype, from, to })).seconds;
  }
  const total: Record<string, number> = {};
  for (let tenth = 0; tenth < 10; tenth++) {
    const from = Math.round(ours.batches * tenth / 10),
      to = Math.round(ours.batches * (tenth + 1) / 10);
    for (const [row, run] of Object.entries(parts)) {
      total[row] = (total[row] ?? 0) + await run(from, to);
    }
  }
  for (const [row, seconds] of Object.entries(total)) put(f, "epoch", row, "seconds", seconds);
  return f;
}

// ---------------------------------------------------------------- printing

function fmt(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** Median, and the range over the runs when there are several. */
function cell(values: number[], unit = ""): string {
  if (values.length === 0) return "–";
  const s = values.slice().sort((a, b) => a - b);
  const med = s[Math.floor(s.length / 2)];
  if (s.length === 1) return fmt(med) + unit;
  return `${fmt(med)}${unit} (${fmt(s[0])}–${fmt(s[s.length - 1])})`;
}

function table(header: string[], rows: string[][]): string {
  const cells = [header, ...rows];
  const widths = header.map((_, j) => Math.max(...cells.map((r) => r[j].length)));
  const line = (r: string[]) => "| " + r.map((c, j) => c.padStart(widths[j])).join(" | ") + " |";
  return [line(header), "|" + widths.map((w) => "-".repeat(w + 1) + ":").join("|") + "|"]
    .concat(rows.map(line)).join("\n");
}

/** Values of `table/row/col` over the runs. */
const over = (runs: Figures[], t: string, row: string, col: string) =>
  runs.map((f) => f[t]?.[row]?.[col]).filter((v): v is number => v !== undefined);

/** The ratio a/b within each run, over the runs. */
function ratioOver(runs: Figures[], t: string, a: string, b: string, col: string): number[] {
  return runs.flatMap((f) => {
    const x = f[t]?.[a]?.[col], y = f[t]?.[b]?.[col];
    return x !== undefined && y !== undefined ? [x / y] : [];
  });
}

function rowsOf(runs: Figures[], t: string): string[] {
  const seen = new Set<string>();
  for (const f of runs) for (const r of Object.keys(f[t] ?? {})) seen.add(r);
  return [...seen];
}

async function main() {
  const cpu = (await Deno.readTextFile("/proc/cpuinfo").catch(() => ""))
    .match(/model name\s*:\s*(.*)/)?.[1] ?? "unknown CPU";
  console.log(`# Benchmark (deno ${Deno.version.deno}, V8 ${Deno.version.v8})\n`);
  console.log(
    `${cpu}, ${navigator.hardwareConcurrency} cores, ${Deno.build.os} ${Deno.osRelease()}`,
  );
  console.log(`WebAssembly SIMD128 kernel available: ${wasmKernelAvailable()}`);
  console.log(
    `${SECONDS} s a measurement, ${RUNS} run(s)${
      RUNS > 1 ? ": median (min–max) over the runs" : ""
    }; ` +
      `float64 unless marked.\n`,
  );
  for (const s of SHAPES) checkIdentical(s);
  if (ONLY === "threads") {
    const load = () => Deno.loadavg().map((v) => v.toFixed(2)).join(", ");
    console.log(await threadsReport(QUICK ? 3 : 20, load));
    return;
  }
  const data = fakeFashionMnist(ONLY ? 1 : EPOCH_ROWS);
  const notes = new Set<string>();
  const py: Pythons = {
    numpy: ONLY
      ? "not needed for --only conv"
      : await PythonBench.start(["python3", "/usr/bin/python3"], "numpy", "bench_numpy.py"),
    torch: await PythonBench.start(["/usr/bin/python3"], "torch", "bench_torch.py"),
  };
  const runs: Figures[] = [];
  for (let r = 0; r < RUNS; r++) {
    console.error(`run ${r + 1} of ${RUNS}…`);
    runs.push(await oneRun(data, py, notes));
  }
  if (typeof py.numpy === "string") notes.add(`numpy: ${py.numpy}`);
  else {
    const i = await py.numpy.ask<{ numpy: string; python: string; blas: string }>({ op: "info" });
    notes.add(`numpy ${i.numpy} (Python ${i.python}, ${py.numpy.python}), BLAS ${i.blas}`);
  }
  if (typeof py.torch === "string") notes.add(`PyTorch: ${py.torch}`);
  else {
    const i = await py.torch.ask<{ torch: string; python: string; threads: number }>({
      op: "info",
    });
    notes.add(
      `PyTorch ${i.torch} (Python ${i.python}, ${py.torch.python}), ` +
        `torch.get_num_threads() = ${i.threads}`,
    );
  }
  for (const [who, p] of Object.entries(py) as [string, PythonBench | string][]) {
    if (typeof p === "string") continue;
    const { cpu_per_wall } = await p.ask<{ cpu_per_wall: number }>({ op: "cpu" });
    notes.add(`${who}: CPU time / wall time of its measurements ${fmt(cpu_per_wall)}`);
    await p.close();
  }

  const convCols = CONV_SHAPES.map(convShapeName);
  console.log(
    "## Conv layer, forward and backward (dx, dw, db), stride 1, padding 1: images/s\n",
  );
  console.log(table(
    ["implementation", ...convCols],
    rowsOf(runs, "conv").map((row) => [
      row,
      ...convCols.map((c) => cell(over(runs, "conv", row, c))),
    ]),
  ));
  console.log("\n## Ratios of images/s within each run (> 1: the first is faster)\n");
  console.log(table(
    ["ratio", ...convCols],
    [[CONV_IM2COL, TORCH("float64")], [CONV_IM2COL, TORCH("float32")], [CONV_IM2COL, CONV_NAIVE]]
      .map(([a, b]) => [
        `${a} ÷ ${b}`,
        ...convCols.map((c) => cell(ratioOver(runs, "conv", a, b, c), "×")),
      ]),
  ));
  if (ONLY === "conv") {
    console.log("");
    for (const n of notes) console.log(`- ${n}`);
    return;
  }

  console.log("\n## Matrix multiply n×n · n×n, GFLOP/s (higher is better)\n");
  const mmRows = rowsOf(runs, "mm");
  console.log(table(
    ["implementation", ...SIZES.map(String)],
    mmRows.map((row) => [row, ...SIZES.map((n) => cell(over(runs, "mm", row, String(n))))]),
  ));

  const cols = SHAPES.map(shapeName);
  console.log("\n## MLP training step (ReLU, softmax cross-entropy, SGD), steps/s\n");
  console.log(table(
    ["implementation", ...cols],
    rowsOf(runs, "mlp").map((row) => [row, ...cols.map((c) => cell(over(runs, "mlp", row, c)))]),
  ));
  // Each ratio within one run; the update matches: numpy's and the kernels' step update in
  // place as stepLayers does, PyTorch and TensorFlow.js use their optimiser as stepLayersSgd.
  const pairs: [string, string][] = [
    [LAYERS, LIB_KERNELS],
    [LAYERS_SGD, LIB_KERNELS],
    [LAYERS, NUMPY],
    [LAYERS_SGD, TORCH("float64")],
    [LAYERS_SGD, TORCH("float32")],
    [LAYERS_SGD, "TensorFlow.js wasm (float32)"],
  ];
  console.log("\n## Ratios of steps/s within each run (> 1: the first is faster)\n");
  console.log(table(
    ["ratio", ...cols],
    pairs.map(([a, b]) => [
      `${a} ÷ ${b}`,
      ...cols.map((c) => cell(ratioOver(runs, "mlp", a, b, c), "×")),
    ]),
  ));

  const rows = EPOCH_ROWS.toLocaleString("en");
  console.log(
    `\n## One epoch, ${rows} × 784 (random values), MLP 784-256-10, batch 64, in turns a tenth ` +
      "at a time, seconds\n",
  );
  const ours = EPOCH_LAYERS;
  console.log(table(
    ["implementation", "seconds", "layers faster by"],
    rowsOf(runs, "epoch").map((row) => [
      row,
      cell(over(runs, "epoch", row, "seconds"), " s"),
      row === ours ? "1" : cell(ratioOver(runs, "epoch", row, ours, "seconds"), "×"),
    ]),
  ));
  console.log("");
  for (const n of notes) console.log(`- ${n}`);
  console.log(
    `- this process: CPU time / wall time of its measurements ${
      fmt(measured.cpu / measured.wall)
    }` +
      " (1: a core to itself; lower: it waited for a shared core; above 1: more than one thread)",
  );
}

await main();
