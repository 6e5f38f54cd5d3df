/**
 * `deno task bench`: this library's matrix multiply and MLP training step side by side with
 * TensorFlow.js (cpu and wasm backends) and, where installed, numpy. Prints tables and ratios.
 *
 *   deno task bench            (about 1 s per measurement)
 *   deno task bench --quick    (about 0.3 s per measurement)
 *
 * @module
 */
import { gemmBlocked } from "../lib/kernels/matmul_blocked.ts";
import { setWasmKernelEnabled, wasmKernelAvailable } from "../lib/kernels/matmul_wasm.ts";
import { matmul, matmulReference } from "../lib/core/matrix.ts";
import { Random } from "../lib/core/random.ts";
import { benchTfjs, type TfjsResult } from "./bench_tfjs.ts";
import { makeMlp, stepFast, stepLayers } from "./mlp_step.ts";
import { rate as rateFor } from "./rate.ts";

const SIZES = [64, 128, 256, 512];
const SECONDS = Deno.args.includes("--quick") ? 0.3 : 1;
const rate = (f: () => void, seconds = SECONDS) => rateFor(f, seconds);

const gflops = (n: number, perSecond: number) => (2 * n ** 3 * perSecond) / 1e9;

interface NumpyResult {
  numpy: string;
  python: string;
  blas: string;
  matmul: Record<string, number>;
  mlp_steps_per_s: number;
  cpu_per_wall: number;
}

/** Runs bench_numpy.py with the first Python that has numpy, on one OpenBLAS thread. */
async function benchNumpy(): Promise<{ result?: NumpyResult; note: string }> {
  const script = new URL("./bench_numpy.py", import.meta.url).pathname;
  // Single thread; OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for this command only, so
  // OpenBLAS chooses the kernel for this processor (they are set on this machine for older
  // OpenBLAS builds, and slow a current one down).
  const env = Deno.env.toObject();
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  env.OPENBLAS_NUM_THREADS = "1";
  for (const python of ["python3", "/usr/bin/python3"]) {
    try {
      const probe = await new Deno.Command(python, {
        args: ["-c", "import numpy"],
        env,
        clearEnv: true,
        stdout: "null",
        stderr: "null",
      }).output();
      if (!probe.success) continue;
      const run = await new Deno.Command(python, {
        args: [script, String(SECONDS)],
        env,
        clearEnv: true,
      }).output();
      if (!run.success) return { note: `${python} ${script} failed` };
      return { result: JSON.parse(new TextDecoder().decode(run.stdout)), note: python };
    } catch {
      // this python is not installed: try the next one
    }
  }
  return { note: "no python with numpy found: numpy column skipped" };
}

function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => typeof c === "number" ? fmt(c) : c))];
  const widths = header.map((_, j) => Math.max(...cells.map((r) => r[j].length)));
  const line = (r: string[]) => "| " + r.map((c, j) => c.padStart(widths[j])).join(" | ") + " |";
  return [line(cells[0]), "|" + widths.map((w) => "-".repeat(w + 1) + ":").join("|") + "|"]
    .concat(cells.slice(1).map(line)).join("\n");
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return "–";
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

const ratio = (
  a: number,
  b: number,
) => (Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : "–");

async function main() {
  console.log(`# Benchmark (deno ${Deno.version.deno}, V8 ${Deno.version.v8})`);
  console.log(`WebAssembly SIMD128 kernel available: ${wasmKernelAvailable()}`);
  console.log(`${SECONDS} s a measurement; float64 except TensorFlow.js, which is float32.\n`);

  // Sanity: the fast step and the layer-composed step agree before anything is timed.
  const a0 = makeMlp(7), b0 = makeMlp(7);
  stepFast(a0);
  stepLayers(b0);
  let diff = 0;
  for (let t = 0; t < a0.w1.data.length; t++) {
    diff = Math.max(diff, Math.abs(a0.w1.data[t] - b0.w1.data[t]));
  }
  if (diff > 1e-12) throw new Error(`bench: fast and layer MLP steps disagree by ${diff}`);

  // --- this library
  const rng = new Random(1);
  const ours: Record<string, Record<number, number>> = { reference: {}, blocked: {}, lib: {} };
  for (const n of SIZES) {
    const A = rng.rand(n, n, -0.5, 0.5), B = rng.rand(n, n, -0.5, 0.5);
    const c = new Float64Array(n * n);
    const args = { m: n, n, k: n, a: A.data, b: B.data, c };
    ours.reference[n] = gflops(n, rate(() => matmulReference(A, B), n >= 512 ? 2 : SECONDS));
    ours.blocked[n] = gflops(n, rate(() => gemmBlocked(args)));
    ours.lib[n] = gflops(n, rate(() => matmul(A, B)));
  }
  const st = makeMlp(1);
  const mlpFast = rate(() => stepFast(st), 2 * SECONDS);
  setWasmKernelEnabled(false);
  const mlpNoWasm = rate(() => stepFast(st), 2 * SECONDS);
  setWasmKernelEnabled(true);
  const mlpLayers = rate(() => stepLayers(st), 2 * SECONDS);

  // --- TensorFlow.js
  const tfjs: Partial<Record<"cpu" | "wasm", TfjsResult>> = {};
  for (const backend of ["wasm", "cpu"] as const) {
    try {
      tfjs[backend] = await benchTfjs(backend, SIZES, SECONDS);
    } catch (e) {
      console.log(`TensorFlow.js ${backend}: failed (${(e as Error).message})`);
    }
  }
  // --- numpy
  const np = await benchNumpy();

  const npMat = (n: number) => np.result?.matmul[String(n)] ?? NaN;
  console.log("## Matrix multiply n×n · n×n, GFLOP/s (higher is better)\n");
  console.log(table(
    [
      "n",
      "reference loop",
      "blocked TS",
      "lib matmul (wasm)",
      "tfjs-cpu f32",
      "tfjs-wasm f32",
      "numpy f64",
      "lib / tfjs-wasm",
      "lib / numpy",
    ],
    SIZES.map((n) => [
      String(n),
      ours.reference[n],
      ours.blocked[n],
      ours.lib[n],
      tfjs.cpu?.matmul[n] ?? NaN,
      tfjs.wasm?.matmul[n] ?? NaN,
      npMat(n),
      ratio(ours.lib[n], tfjs.wasm?.matmul[n] ?? NaN),
      ratio(ours.lib[n], npMat(n)),
    ]),
  ));
  const npStep = np.result?.mlp_steps_per_s ?? NaN;
  const tw = tfjs.wasm?.mlpStepsPerSecond ?? NaN;
  console.log("\n## MLP 784-256-10 training step, batch 64, steps/s (higher is better)\n");
  console.log(table(
    ["implementation", "steps/s", "vs tfjs-wasm", "vs numpy"],
    [
      ["lib kernels, wasm SIMD128 (bench/mlp_step.ts stepFast)", mlpFast],
      ["lib kernels, WebAssembly off (blocked TS)", mlpNoWasm],
      ["lib layers (linearForward/Backward, stepLayers)", mlpLayers],
      ["TensorFlow.js cpu (float32)", tfjs.cpu?.mlpStepsPerSecond ?? NaN],
      ["TensorFlow.js wasm (float32)", tw],
      ["numpy, 1 thread (float64)", npStep],
    ].map((
      [name, v],
    ) => [name as string, v as number, ratio(v as number, tw), ratio(v as number, npStep)]),
  ));
  console.log(
    `\nTargets: lib step ≥ 5× tfjs-wasm: ${ratio(mlpFast, tw)}; ≥ 0.5× numpy: ${
      ratio(mlpFast, npStep)
    }`,
  );
  if (tfjs.wasm) {
    console.log(`TensorFlow.js ${tfjs.wasm.version}; wasm backend: ${tfjs.wasm.notes}`);
  }
  if (np.result) {
    const r = np.result;
    console.log(
      `numpy ${r.numpy} (Python ${r.python}, ${np.note}), BLAS ${r.blas}, ` +
        `CPU time / wall time ${r.cpu_per_wall.toFixed(2)} (1.00 = one thread)`,
    );
  } else console.log(`numpy: ${np.note}`);
}

await main();
