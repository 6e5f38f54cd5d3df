/**
 * `deno run -A bench/nas.ts`: the cost of evaluating architectures as notebooks 33 and 34 do.
 *
 * Same data and settings as the notebooks (Fashion-MNIST shrunk to 7×7, 500 training and 500
 * validation images, width 16, 2 epochs of Adam, batches of 64). It trains every one of the
 * 125 cells of the 3-edge space once and reports the seconds per architecture, grouped by how
 * many of its edges carry a linear layer (`linear`, `relu`, `tanh`); then one epoch of the DARTS
 * supernet's first-order search against one epoch of a discrete cell, in alternating turns so
 * that the machine's load falls on both alike. Prints markdown for bench/RESULTS.md, with the
 * load average and the process's CPU share during the run.
 *
 * @module
 */

import { loadFashionMnist } from "../tools/fashion_mnist.ts";
import { downsample } from "../lib/data/downsample.ts";
import { stratifiedSubset, trainValSplit } from "../lib/data/split.ts";
import { standardizer } from "../lib/data/standardize.ts";
import { adam } from "../lib/optim/optimizers.ts";
import { allArchitectures, cellSpace } from "../lib/nas/space.ts";
import { evaluateArchitecture } from "../lib/nas/evaluate.ts";
import { cellModel } from "../lib/nas/cell.ts";
import { dartsSearch, supernet } from "../lib/nas/darts.ts";
import { fit } from "../lib/train/fit.ts";
import { quantile } from "../lib/train/significance.ts";
import type { Matrix } from "../lib/core/matrix.ts";

const cpuSeconds = () => {
  const f = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
};
const median = (xs: number[]) => quantile(xs.slice().sort((a, b) => a - b), 0.5);

const full = await loadFashionMnist("train", { limit: 4000 });
const raw = { x: downsample(full.x, { factor: 4 }), y: full.y };
const outer = trainValSplit(raw, { valSize: 1000, seed: 0 });
const inner = trainValSplit(outer.train, { valSize: 500, seed: 1 });
const trainRaw = stratifiedSubset(inner.train, 500, { seed: 2 });
const scaler = standardizer(trainRaw.x);
const scaled = (d: { x: Matrix; y: number[] }) => ({ x: scaler.apply(d.x), y: d.y });
const train = scaled(trainRaw), val = scaled(inner.val);
const cell = cellSpace({ nodes: 2 });
const options = { epochs: 2, width: 16, lr: 0.01, batchSize: 64 };

const load0 = Deno.loadavg()[0], wall0 = performance.now(), cpu0 = cpuSeconds();
const byLayers = new Map<number, number[]>();
for (const arch of allArchitectures(cell)) {
  const { seconds } = await evaluateArchitecture(cell, arch, { train, val }, options);
  const layers = arch.filter((k) => ["linear", "relu", "tanh"].includes(cell.ops[k])).length;
  byLayers.set(layers, [...(byLayers.get(layers) ?? []), seconds]);
}
const all = [...byLayers.values()].flat();

// one epoch each, in turns: the supernet's first-order search and a discrete all-relu cell
const dartsTimes: number[] = [], cellTimes: number[] = [];
for (let turn = 0; turn < 5; turn++) {
  let t = performance.now();
  await dartsSearch(cell, supernet(cell, { inputs: 49, width: 16, seed: turn }), { train, val }, {
    optimizer: adam({ lr: 0.01 }),
    alphaOptimizer: adam({ lr: 0.1, betas: [0.5, 0.999] }),
    epochs: 1,
  });
  dartsTimes.push((performance.now() - t) / 1000);
  t = performance.now();
  await fit(cellModel(cell, [3, 3, 3], { inputs: 49, width: 16, seed: turn }), { train, val }, {
    optimizer: adam({ lr: 0.01 }),
    epochs: 1,
    restoreBest: false,
  });
  cellTimes.push((performance.now() - t) / 1000);
}
const wall = (performance.now() - wall0) / 1000, cpu = cpuSeconds() - cpu0;
const load1 = Deno.loadavg()[0];

console.log(`## Architecture evaluation (\`deno run -A bench/nas.ts\`)

${new Date().toISOString().slice(0, 16)} UTC; load average ${load0.toFixed(1)} at the start, ${
  load1.toFixed(1)
} at the end; this process's CPU time / wall time ${(cpu / wall).toFixed(2)}.

| cells (edges with a linear layer) | count | median seconds per evaluation | min–max |
| --- | --- | --- | --- |
${
  [...byLayers.entries()].sort((a, b) => a[0] - b[0]).map(([k, s]) =>
    `| ${k} | ${s.length} | ${median(s).toFixed(3)} | ${Math.min(...s).toFixed(3)}–${
      Math.max(...s).toFixed(3)
    } |`
  ).join("\n")
}
| all 125 | ${all.length} | ${median(all).toFixed(3)} | total ${
  all.reduce((a, b) => a + b, 0).toFixed(1)
} s |

One epoch (500 training images), 5 turns alternating: DARTS first-order search (supernet, plus an
α step on a validation batch per step) median ${median(dartsTimes).toFixed(3)} s, a discrete
all-relu cell median ${median(cellTimes).toFixed(3)} s; ratio of medians ${
  (median(dartsTimes) / median(cellTimes)).toFixed(1)
}.`);
