/**
 * lib/data/split.ts, standardize.ts and image_grid.ts: rows by index, the seeded
 * train/validation split, stratified subsets, mini-batches, standardisation (against
 * scikit-learn's StandardScaler on real images) and the image grid figure.
 */

import { describe, expect, it } from "vitest";
import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import type { Dataset } from "../../lib/data/synthetic.ts";
import { batches, stratifiedSubset, subset, trainValSplit } from "../../lib/data/split.ts";
import { standardizer } from "../../lib/data/standardize.ts";
import { imageGrid } from "../../lib/data/image_grid.ts";
import { loadFashionMnist } from "../../tools/fashion_mnist.ts";
import reference from "../reference/data.json" with { type: "json" };
import { expectClose } from "./_compare.ts";

/** n examples; row i is [i, 10·i], its class i mod classes (or given). */
function numbered(n: number, classOf = (i: number) => i % 3): Dataset {
  return {
    x: new Matrix(
      n,
      2,
      Float64Array.from({ length: 2 * n }, (_, k) => (k % 2 ? 10 : 1) * (k >> 1)),
    ),
    y: Array.from({ length: n }, (_, i) => classOf(i)),
  };
}
const ids = (ds: Dataset) => Array.from({ length: ds.x.rows }, (_, i) => ds.x.get(i, 0));
const count = (y: number[], c: number) => y.filter((v) => v === c).length;

describe("subset", () => {
  it("copies the examples asked for, in that order, rows with their labels", () => {
    const ds = numbered(5);
    const s = subset(ds, [3, 0, 3]);
    expect(s.x.toArray()).toEqual([[3, 30], [0, 0], [3, 30]]);
    expect(s.y).toEqual([0, 0, 0]);
    expect(subset(ds, [4, 1]).y).toEqual([1, 1]);
    expect(() => subset(ds, [5])).toThrow(/^takeRows: row 5 is not a row of 5×2/);
  });
});

describe("trainValSplit", () => {
  const ds = numbered(100, (i) => (i < 70 ? 0 : 1)); // 70 of class 0, 30 of class 1

  it("splits into disjoint parts that together hold every example once", () => {
    const { train, val } = trainValSplit(ds, { valSize: 20, seed: 1 });
    expect(val.y.length).toBe(20);
    expect(train.y.length).toBe(80);
    expect([...ids(train), ...ids(val)].sort((a, b) => a - b)).toEqual(ids(ds));
    train.y.forEach((c, i) => expect(c).toBe(ds.y[ids(train)[i]])); // labels travel with rows
  });

  it("is repeatable for a seed and differs between seeds; a fraction is a share of N", () => {
    const a = trainValSplit(ds, { valSize: 0.2, seed: 4 });
    expect(ids(a.val)).toEqual(ids(trainValSplit(ds, { valSize: 20, seed: 4 }).val));
    expect(ids(a.val)).not.toEqual(ids(trainValSplit(ds, { valSize: 20, seed: 5 }).val));
  });

  it("with stratify keeps each class's share in both parts", () => {
    for (const seed of [0, 1, 2]) {
      const { train, val } = trainValSplit(ds, { valSize: 20, seed, stratify: true });
      expect([count(val.y, 0), count(val.y, 1)]).toEqual([14, 6]);
      expect([count(train.y, 0), count(train.y, 1)]).toEqual([56, 24]);
    }
  });

  it("refuses sizes that leave a part empty, and data that does not fit together", () => {
    expect(() => trainValSplit(ds, { valSize: 0 })).toThrow(/^trainValSplit: valSize must be/);
    expect(() => trainValSplit(ds, { valSize: 101 })).toThrow(/whole number in \[1, 100\]/);
    expect(() => trainValSplit(ds, { valSize: 100 })).toThrow(/leaves no training data/);
    const bad = { x: ds.x, y: ds.y.slice(1) };
    expect(() => trainValSplit(bad, { valSize: 2 })).toThrow(/^trainValSplit: 99 labels for 100/);
  });
});

describe("stratifiedSubset", () => {
  it("keeps every class's share, giving leftover places to the largest remainders", () => {
    // classes of 50, 30 and 20 examples; 9 of 100 is 4.5, 2.7 and 1.8: floors 4, 2, 1, and the
    // two places left go to the remainders .8 (class 2) and .7 (class 1)
    const ds = numbered(100, (i) => (i < 50 ? 0 : i < 80 ? 1 : 2));
    const { y } = stratifiedSubset(ds, 9, { seed: 3 });
    expect([count(y, 0), count(y, 1), count(y, 2)]).toEqual([4, 3, 2]);
  });

  it("draws distinct examples in random order, the same for the same seed", () => {
    const ds = numbered(60);
    const a = stratifiedSubset(ds, 30, { seed: 7 });
    expect(new Set(ids(a)).size).toBe(30);
    expect(ids(a)).toEqual(ids(stratifiedSubset(ds, 30, { seed: 7 })));
    expect(ids(a)).not.toEqual([...ids(a)].sort((p, q) => p - q)); // not in file order
    expect([count(a.y, 0), count(a.y, 1), count(a.y, 2)]).toEqual([10, 10, 10]);
    expect(() => stratifiedSubset(ds, 61)).toThrow(/^stratifiedSubset: size must be/);
  });
});

describe("batches", () => {
  const ds = numbered(10);

  it("in order by default: ⌈N/B⌉ batches covering each example once", () => {
    const all = [...batches(ds, { batchSize: 4 })];
    expect(all.map((b) => b.y.length)).toEqual([4, 4, 2]);
    expect(all.flatMap(ids)).toEqual(ids(ds));
    expect([...batches(ds, { batchSize: 4, dropLast: true })].map((b) => b.y.length)).toEqual([
      4,
      4,
    ]);
    expect([...batches(ds)].length).toBe(10); // PyTorch's default batch size is 1
  });

  it("in order, batches are views of the data set's rows; shuffled, they are copies", () => {
    const [first] = batches(ds, { batchSize: 4 });
    expect(first.x.data.buffer).toBe(ds.x.data.buffer);
    expect(first.x.data.byteOffset).toBe(0);
    const [drawn] = batches(ds, { batchSize: 4, shuffle: true, generator: new Random(0) });
    expect(drawn.x.data.buffer).not.toBe(ds.x.data.buffer);
  });

  it("shuffled: a new order every epoch from one generator, the same orders for one seed", () => {
    const epochs = (seed: number) => {
      const generator = new Random(seed);
      return [0, 1].map(() => [...batches(ds, { batchSize: 3, shuffle: true, generator })]);
    };
    const [first, second] = epochs(1);
    expect(first.flatMap(ids).sort((a, b) => a - b)).toEqual(ids(ds));
    expect(first.flatMap(ids)).not.toEqual(second.flatMap(ids));
    expect(epochs(1).map((e) => e.flatMap(ids))).toEqual(
      [first, second].map((e) => e.flatMap(ids)),
    );
  });

  it("refuses a shuffle without a generator and a bad batch size", () => {
    expect(() => [...batches(ds, { shuffle: true })]).toThrow(
      /^batches: shuffle needs a generator/,
    );
    expect(() => [...batches(ds, { batchSize: 0 })]).toThrow(/^batches: batchSize must be/);
  });
});

describe("standardizer", () => {
  const train = Matrix.from([[1, 5, 2], [3, 5, 4], [5, 5, 9]]);

  it("gives the training columns mean 0 and population std 1; constant columns are only shifted", () => {
    const s = standardizer(train);
    expectClose(s.mean, [[3, 5, 5]]);
    expectClose(s.std, [[Math.sqrt(8 / 3), 1, Math.sqrt(26 / 3)]]);
    const z = s.apply(train);
    for (let j = 0; j < 3; j++) {
      const col = [0, 1, 2].map((i) => z.get(i, j));
      expect(col.reduce((a, b) => a + b) / 3).toBeCloseTo(0, 14);
      if (j !== 1) expect(col.reduce((a, b) => a + b * b, 0) / 3).toBeCloseTo(1, 14);
    }
    expect([0, 1, 2].map((i) => z.get(i, 1))).toEqual([0, 0, 0]);
  });

  it("applies the training statistics to other data, never its own", () => {
    const s = standardizer(train);
    expectClose(s.apply(Matrix.from([[3, 6, 5], [7, 5, 5]])), [
      [0, 1, 0],
      [4 / Math.sqrt(8 / 3), 0, 0],
    ]);
  });

  it("with perFeature false uses one mean and one std for all entries", () => {
    const s = standardizer(Matrix.from([[0, 2], [4, 6]]), { perFeature: false });
    expectClose(s.mean, [[3, 3]]);
    expectClose(s.std, [[Math.sqrt(5), Math.sqrt(5)]]);
  });

  it("refuses empty or non-finite training data and data of another width", () => {
    expect(() => standardizer(new Matrix(0, 3))).toThrow(
      /^standardizer: the training data has no rows/,
    );
    expect(() => standardizer(Matrix.from([[1, NaN]]))).toThrow(
      /^standardizer: entry \(0, 1\) is NaN/,
    );
    expect(() => standardizer(train).apply(new Matrix(1, 2))).toThrow(
      /^standardizer: fitted on 3 columns, cannot apply to 1×2 data/,
    );
  });

  it("matches scikit-learn's StandardScaler on 1000 Fashion-MNIST images", async () => {
    const want = reference.standardize;
    const [trainImages, testImages] = await Promise.all([
      loadFashionMnist("train", { limit: want.rows }),
      loadFashionMnist("test", { limit: 1 }),
    ]);
    const s = standardizer(trainImages.x);
    expectClose(want.pixels.map((j) => s.mean.data[j]), want.mean, 1e-13, 1e-15);
    expectClose(want.pixels.map((j) => s.std.data[j]), want.scale, 1e-13);
    const z = s.apply(testImages.x);
    expectClose(want.pixels.map((j) => z.data[j]), want.test0, 1e-12, 1e-14);
  }, 30_000);
});

describe("imageGrid", () => {
  const ds: Dataset = { x: new Random(1).rand(7, 9), y: [0, 1, 2, 3, 4, 5, 6] };
  const json = (f: ReturnType<typeof imageGrid>) => f.toJSON();

  it("draws one square heatmap per image, captioned with its class name", () => {
    const fig = json(
      imageGrid(ds, { indices: [2, 5], labels: ["a", "b", "c", "d", "e", "f", "g"] }),
    );
    expect(fig.data.map((t) => t.type)).toEqual(["heatmap", "heatmap"]);
    expect(fig.data[0].z).toHaveLength(3); // 9 pixels: 3 rows of 3
    expect(fig.data[1].z![2][0]).toBeCloseTo(ds.x.get(5, 6), 3);
    const notes = fig.layout.annotations as { text: string }[];
    expect(notes.map((a) => a.text)).toEqual(["c", "f"]);
    expect(fig.data[1].xaxis).toBe("x2");
  });

  it("with predictions, captions read predicted (true) and mistakes are red", () => {
    const fig = json(imageGrid(ds, { count: 2, predicted: [0, 9, 0, 0, 0, 0, 0] }));
    const notes = fig.layout.annotations as { text: string; font: { color: string } }[];
    expect(notes.map((a) => a.text)).toEqual(["T-shirt/top (T-shirt/top)", "Ankle boot (Trouser)"]);
    expect(notes.map((a) => a.font.color)).toEqual(["#333", "#d62728"]);
  });

  it("draws every image on one grey scale when given a range", () => {
    const fig = json(imageGrid(ds, { count: 2, range: [0, 2] }));
    expect(fig.data.map((t) => [t.zmin, t.zmax])).toEqual([[0, 2], [0, 2]]);
    expect(json(imageGrid(ds, { count: 1 })).data[0].zmin).toBeUndefined();
    expect(() => imageGrid(ds, { range: [1, 1] })).toThrow(/^imageGrid: range must be/);
  });

  it("refuses rows that are not square images and indices outside the data", () => {
    const odd = { x: new Matrix(2, 8), y: [0, 1] };
    expect(() => imageGrid(odd)).toThrow(/^imageGrid: rows of 8 pixels are not square images/);
    expect(() => imageGrid(ds, { indices: [7] })).toThrow(/^imageGrid: index 7 is not a row/);
    expect(() => imageGrid(ds, { predicted: [1] })).toThrow(/^imageGrid: 1 predictions for 7/);
  });
});
