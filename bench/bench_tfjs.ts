/**
 * TensorFlow.js side of the benchmark (float32: TensorFlow.js has no float64 kernels).
 *
 * Benchmark-only dependency, imported here with `npm:` specifiers; nothing in lib/ uses it.
 * The wasm backend loads its `.wasm` files from the npm package folder in `node_modules/`
 * (deno.json sets `"nodeModulesDir": "auto"`).
 *
 * @module
 */
// The issue asks for npm: specifiers here, so that the dependency stays inside bench/.
// deno-lint-ignore-file no-import-prefix
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
// The umbrella package: unlike tfjs-core alone (whose ESM gradient files do not resolve
// under Deno), its bundle registers the gradient functions that training needs.
import "npm:@tensorflow/tfjs-backend-cpu@4.22.0";
import { setWasmPaths } from "npm:@tensorflow/tfjs-backend-wasm@4.22.0";
import { LR, type MlpShape, shapeName } from "./mlp_step.ts";
import { rate } from "./rate.ts";

export interface TfjsResult {
  backend: string;
  version: string;
  /** GFLOP/s for each n. */
  matmul: Record<number, number>;
  /** MLP training steps a second, by {@link shapeName}. */
  mlpStepsPerSecond: Record<string, number>;
  /** For the wasm backend: whether it runs with SIMD and threads. */
  notes: string;
}

/** Benchmarks one backend ("cpu" or "wasm"). */
export async function benchTfjs(
  backend: "cpu" | "wasm",
  sizes: number[],
  shapes: MlpShape[],
  seconds: number,
): Promise<TfjsResult> {
  if (backend === "wasm") {
    const dir = new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url);
    setWasmPaths(dir.pathname);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend ${backend} did not start`);
  await tf.ready();
  let notes = "";
  if (backend === "wasm") {
    const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
    const threads = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
    notes = `SIMD ${simd ? "on" : "off"}, threads ${threads ? "on" : "off"}`;
  }

  const matmul: Record<number, number> = {};
  for (const n of sizes) {
    const a = tf.randomUniform([n, n], -0.5, 0.5), b = tf.randomUniform([n, n], -0.5, 0.5);
    // dataSync() waits for the result, so each call is timed to completion.
    const perSecond = rate(() => {
      const c = tf.matMul(a, b);
      c.dataSync();
      c.dispose();
    }, n >= 256 && backend === "cpu" ? Math.max(seconds, 2) : seconds);
    matmul[n] = (2 * n ** 3 * perSecond) / 1e9;
    tf.dispose([a, b]);
  }

  const mlpStepsPerSecond: Record<string, number> = {};
  for (const shape of shapes) mlpStepsPerSecond[shapeName(shape)] = mlpRate(shape, seconds);
  return { backend, version: tf.version_core, matmul, mlpStepsPerSecond, notes };
}

/** MLP steps a second: ReLU, softmax cross-entropy (mean), plain SGD through tf.train.sgd. */
function mlpRate({ input, hidden, output, batch }: MlpShape, seconds: number): number {
  const w1 = tf.variable(tf.randomNormal([hidden, input], 0, Math.sqrt(2 / input)));
  const b1 = tf.variable(tf.zeros([hidden]));
  const w2 = tf.variable(tf.randomNormal([output, hidden], 0, Math.sqrt(2 / hidden)));
  const b2 = tf.variable(tf.zeros([output]));
  const x = tf.randomUniform([batch, input]);
  const labels = tf.randomUniform([batch], 0, output, "int32");
  const y = tf.oneHot(labels, output);
  const opt = tf.train.sgd(LR);
  const loss = () => {
    const h = tf.relu(tf.add(tf.matMul(x, w1, false, true), b1));
    const s = tf.add(tf.matMul(h, w2, false, true), b2);
    return tf.losses.softmaxCrossEntropy(y, s) as tf.Scalar;
  };
  const perSecond = rate(() => {
    const l = opt.minimize(loss, true);
    l?.dataSync(); // wait for the step to finish
    l?.dispose();
  }, 2 * seconds);
  tf.dispose([w1, b1, w2, b2, x, labels, y]);
  opt.dispose();
  return perSecond;
}

if (import.meta.main) {
  const { MAIN } = await import("./mlp_step.ts");
  for (const backend of ["wasm", "cpu"] as const) {
    console.log(await benchTfjs(backend, [64, 128], [MAIN], 0.5));
  }
}
