/** lib/data/augment.ts: shifts, flips and noise on images stored one per row. */

import { describe, expect, it } from "vitest";
import { Matrix } from "../../lib/core/matrix.ts";
import { Random } from "../../lib/core/random.ts";
import { flipImages, imageAugmenter, shiftImages } from "../../lib/data/augment.ts";

// two 3×3 images: 1…9 and 11…19, row by row
const x = Matrix.from([[1, 2, 3, 4, 5, 6, 7, 8, 9], [11, 12, 13, 14, 15, 16, 17, 18, 19]]);

describe("shiftImages", () => {
  it("moves each image by its own (dx, dy), filling with 0", () => {
    const out = shiftImages(x, [1, 0], [0, -1]);
    expect(Array.from(out.data.slice(0, 9))).toEqual([0, 1, 2, 0, 4, 5, 0, 7, 8]);
    expect(Array.from(out.data.slice(9))).toEqual([14, 15, 16, 17, 18, 19, 0, 0, 0]);
    expect(Array.from(shiftImages(x, [0, 3], [0, 0]).data.slice(9))).toEqual(new Array(9).fill(0));
    expect(shiftImages(x, [0, 0], [0, 0]).data).toEqual(x.data);
  });

  it("refuses images that are not square, fractional shifts and missing shifts", () => {
    expect(() => shiftImages(new Matrix(1, 8), [0], [0])).toThrow(/not square/);
    expect(() => shiftImages(x, [0.5, 0], [0, 0])).toThrow(/whole pixels/);
    expect(() => shiftImages(x, [0], [0])).toThrow(/one dx and one dy per image/);
  });
});

describe("flipImages", () => {
  it("mirrors left to right the chosen images; twice is the identity", () => {
    const out = flipImages(x, [true, false]);
    expect(Array.from(out.data.slice(0, 9))).toEqual([3, 2, 1, 6, 5, 4, 9, 8, 7]);
    expect(out.data.slice(9)).toEqual(x.data.slice(9));
    expect(flipImages(flipImages(x)).data).toEqual(x.data);
  });
});

describe("imageAugmenter", () => {
  it("draws from the generator it is given: the same seed, the same images", () => {
    const big = new Random(0).rand(50, 784);
    const aug = imageAugmenter({ maxShift: 2, flip: true, noiseStd: 0.1 });
    const a = aug(big, new Random(4)), b = aug(big, new Random(4));
    expect(a.data).toEqual(b.data);
    expect(a.data).not.toEqual(big.data);
    expect(a.data.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it("with no shift, no flip and no noise it copies; with flips only, about half are mirrored", () => {
    const big = new Random(1).rand(400, 16);
    expect(imageAugmenter({ maxShift: 0, flip: false })(big, new Random(0)).data)
      .toEqual(big.data);
    const out = imageAugmenter({ maxShift: 0 })(big, new Random(2));
    const mirrored = flipImages(big);
    let flipped = 0;
    for (let n = 0; n < 400; n++) {
      const row = (m: Matrix) => Array.from(m.data.slice(16 * n, 16 * n + 16));
      if (JSON.stringify(row(out)) === JSON.stringify(row(mirrored))) flipped++;
      else expect(row(out)).toEqual(row(big));
    }
    expect(flipped).toBeGreaterThan(160);
    expect(flipped).toBeLessThan(240);
  });

  it("adds noise of the requested standard deviation (away from the clipping)", () => {
    const mid = Matrix.filled(200, 784, 0.5);
    const out = imageAugmenter({ maxShift: 0, flip: false, noiseStd: 0.05 })(mid, new Random(3));
    const d = Array.from(out.data, (v) => v - 0.5);
    const sd = Math.sqrt(d.reduce((s, v) => s + v * v, 0) / d.length);
    expect(Math.abs(sd / 0.05 - 1)).toBeLessThan(0.01);
  });

  it("refuses a negative or fractional shift and a negative noise", () => {
    expect(() => imageAugmenter({ maxShift: 1.5 })).toThrow(/maxShift/);
    expect(() => imageAugmenter({ noiseStd: -1 })).toThrow(/noiseStd/);
  });
});
