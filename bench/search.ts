/**
 * `deno task bench:search`: the library's random search, GP-EI and TPE against Optuna's TPE and
 * random samplers (Debian's python3-optuna, driven by ask-and-tell from bench/search_optuna.py),
 * on Branin, Hartmann-6 and a small real training run (lib/search/training_objective.ts on
 * Fashion-MNIST), the same budget and the same seeds for all, in one run. Reports the median
 * (and quartiles) of the best value after N trials over the seeds and the median time per
 * suggestion, and writes one markdown table per problem to stdout as soon as it is done (paste
 * into bench/RESULTS.md).
 *
 *   deno task bench:search [--seeds 20] [--only branin,hartmann6,training]
 */

import { Random } from "../lib/core/random.ts";
import { stratifiedSubset, trainValSplit } from "../lib/data/split.ts";
import { gpSampler } from "../lib/search/bo.ts";
import { randomSampler } from "../lib/search/random.ts";
import type { Config, FloatParam, SearchSpace } from "../lib/search/space.ts";
import { validateConfig } from "../lib/search/space.ts";
import { branin, hartmann6 } from "../lib/search/test_functions.ts";
import { tpeSampler } from "../lib/search/tpe.ts";
import { quantile } from "../lib/train/significance.ts";
import { TRAINING_SPACE, trainingObjective } from "../lib/search/training_objective.ts";
import { type Evaluation, makeTrial, type Sampler, type Trial } from "../lib/search/trial.ts";
import { loadFashionMnist } from "../tools/fashion_mnist.ts";

const args = Deno.args;
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const SEEDS = Number(opt("seeds") ?? 20);
const ONLY = (opt("only") ?? "branin,hartmann6,training").split(",");

/** An Optuna sampler behind the same `suggest` shape, through the Python server. */
class OptunaServer {
  #child = new Deno.Command("/usr/bin/python3", {
    args: [new URL("./search_optuna.py", import.meta.url).pathname],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  #writer = this.#child.stdin.getWriter();
  #lines = this.#child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  #buffer = "";
  version = "";

  async #read(): Promise<Record<string, unknown>> {
    while (!this.#buffer.includes("\n")) {
      const { value, done } = await this.#lines.read();
      if (done) throw new Error("search_optuna.py ended");
      this.#buffer += value;
    }
    const i = this.#buffer.indexOf("\n");
    const line = this.#buffer.slice(0, i);
    this.#buffer = this.#buffer.slice(i + 1);
    return JSON.parse(line);
  }
  async send(msg: unknown): Promise<Record<string, unknown>> {
    await this.#writer.write(new TextEncoder().encode(JSON.stringify(msg) + "\n"));
    return await this.#read();
  }
  async start() {
    this.version = String((await this.#read()).ready);
  }
  async close() {
    await this.#writer.close();
    await this.#child.status;
  }
}

interface Problem {
  name: string;
  space: SearchSpace;
  nTrials: number;
  f: (c: Config) => Evaluation | Promise<Evaluation>;
  note: string;
}

type Contestant =
  | { name: string; kind: "lib"; make: () => Sampler }
  | { name: string; kind: "optuna"; sampler: "tpe" | "random" };

const CONTESTANTS: Contestant[] = [
  { name: "lib random", kind: "lib", make: randomSampler },
  { name: "lib TPE", kind: "lib", make: () => tpeSampler() },
  { name: "lib GP-EI", kind: "lib", make: () => gpSampler() },
  { name: "Optuna random", kind: "optuna", sampler: "random" },
  { name: "Optuna TPE", kind: "optuna", sampler: "tpe" },
];

async function runOne(p: Problem, c: Contestant, seed: number, optuna: OptunaServer) {
  const trials: Trial[] = [], ms: number[] = [];
  const rng = new Random(seed);
  const sampler = c.kind === "lib" ? c.make() : undefined;
  if (c.kind === "optuna") {
    const spec = p.space.names.map((n) => {
      const q = p.space.params[n] as FloatParam;
      if (q.kind !== "float") {
        throw new Error("bench:search: the Optuna side takes float parameters");
      }
      return [n, q.low, q.high, q.log];
    });
    await optuna.send({ cmd: "new", sampler: c.sampler, seed, space: spec });
  }
  for (let id = 0; id < p.nTrials; id++) {
    let params: Config;
    if (sampler) {
      const t0 = performance.now();
      params = sampler.suggest(p.space, trials, rng);
      ms.push(performance.now() - t0);
    } else {
      const r = await optuna.send({ cmd: "ask" });
      params = r.params as Config;
      ms.push(r.ms as number);
    }
    validateConfig(p.space, params);
    const t = makeTrial(id, params, await p.f(params));
    trials.push(t);
    if (!sampler) await optuna.send({ cmd: "tell", value: t.value });
  }
  const best = Math.min(...trials.map((t) => t.value));
  return { best, ms };
}

/** The value at fraction `q` of `xs` (numpy's linear interpolation). */
const quantileOf = (xs: number[], q: number) => quantile(xs.slice().sort((a, b) => a - b), q);

const problems: Problem[] = [];
if (ONLY.includes("branin")) {
  problems.push({
    name: "Branin",
    space: branin.space,
    nTrials: 40,
    f: branin.f,
    note: `minimum ${branin.minimum.toFixed(4)}`,
  });
}
if (ONLY.includes("hartmann6")) {
  problems.push({
    name: "Hartmann-6",
    space: hartmann6.space,
    nTrials: 60,
    f: hartmann6.f,
    note: `minimum ${hartmann6.minimum.toFixed(4)}`,
  });
}
if (ONLY.includes("training")) {
  const all = await loadFashionMnist("test", { limit: 3000 });
  const parts = trainValSplit(all, { valSize: 1000, seed: 0, stratify: true });
  const train = stratifiedSubset(parts.train, 500, { seed: 1 });
  const val = stratifiedSubset(parts.val, 500, { seed: 2 });
  const objective = trainingObjective({ train, val });
  // the float parameters of TRAINING_SPACE (Optuna's side takes floats); width fixed at 32
  const { space } = await import("../lib/search/space.ts");
  const sp = space({
    lr: TRAINING_SPACE.params.lr,
    momentum: TRAINING_SPACE.params.momentum,
    weightDecay: TRAINING_SPACE.params.weightDecay,
  });
  problems.push({
    name: "Fashion-MNIST MLP (2 epochs)",
    space: sp,
    nTrials: 20,
    f: (c) => objective({ ...c, hidden: 32 }, 2),
    note:
      "validation error of a 196-32-10 MLP, 500 training / 500 validation images, SGD: lr (log), momentum, weight decay (log)",
  });
}

const optuna = new OptunaServer();
await optuna.start();
const t0 = performance.now();
const load = Deno.loadavg();
const lines: string[] = [];
const flush = () => console.log(lines.splice(0).join("\n"));
lines.push(
  `Seeds ${SEEDS} (0…${
    SEEDS - 1
  }) per contestant; Optuna ${optuna.version}; load average at start ${
    load.map((v) => v.toFixed(1)).join(" ")
  }.`,
  "",
);
for (const p of problems) {
  const rows: { name: string; bests: number[]; ms: number[] }[] = [];
  for (const c of CONTESTANTS) {
    const bests: number[] = [], ms: number[] = [];
    for (let seed = 0; seed < SEEDS; seed++) {
      const r = await runOne(p, c, seed, optuna);
      bests.push(r.best);
      ms.push(...r.ms);
    }
    rows.push({ name: c.name, bests, ms });
    console.error(`${p.name} · ${c.name}: median best ${quantileOf(bests, 0.5).toFixed(4)}`);
  }
  const ref = rows.find((r) => r.name === "Optuna TPE")!;
  const gap = (b: number) =>
    b - (p.name === "Branin" ? branin.minimum : p.name === "Hartmann-6" ? hartmann6.minimum : 0);
  lines.push(`### ${p.name}: ${p.nTrials} trials (${p.note})`, "");
  lines.push(
    "| sampler | median best | quartiles | median gap to Optuna TPE's gap | wins vs Optuna TPE (same seed) | ms per suggestion (median) |",
  );
  lines.push("| --- | --- | --- | --- | --- | --- |");
  for (const r of rows) {
    const med = quantileOf(r.bests, 0.5);
    const ratio = gap(med) / gap(quantileOf(ref.bests, 0.5));
    const wins = r.bests.filter((b, i) => b < ref.bests[i]).length;
    lines.push(
      `| ${r.name} | ${med.toFixed(4)} | ${quantileOf(r.bests, 0.25).toFixed(4)} – ${
        quantileOf(r.bests, 0.75).toFixed(4)
      } | ${ratio.toFixed(2)} | ${r.name === "Optuna TPE" ? "—" : `${wins}/${SEEDS}`} | ${
        quantileOf(r.ms, 0.5).toFixed(2)
      } |`,
    );
  }
  lines.push("");
  flush();
}
lines.push(
  `Total ${(performance.now() - t0) / 1000 | 0} s; load average at the end ${
    Deno.loadavg().map((v) => v.toFixed(1)).join(" ")
  }.`,
);
await optuna.close();
flush();
