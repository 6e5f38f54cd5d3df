import { describe, expect, it } from "vitest";
import { grid2d, spirals } from "../../lib/data/synthetic.ts";

describe("spirals", () => {
  it("has perClass·classes rows of 2-D points, labels class by class", () => {
    const { x, y } = spirals({ perClass: 50, classes: 4, seed: 2 });
    expect(x.shape).toEqual([200, 2]);
    expect(y.length).toBe(200);
    for (let k = 0; k < 4; k++) expect(y.slice(50 * k, 50 * (k + 1))).toEqual(Array(50).fill(k));
  });

  it("places point i of an arm at radius i/(perClass − 1) (the noise moves the angle only)", () => {
    const { x } = spirals({ perClass: 11, classes: 3, noise: 0.5, seed: 7 });
    for (let n = 0; n < 33; n++) {
      expect(Math.hypot(x.get(n, 0), x.get(n, 1))).toBeCloseTo((n % 11) / 10, 14);
    }
  });

  it("without noise follows θ = 4(k + r): (r·sin θ, r·cos θ)", () => {
    const { x } = spirals({ perClass: 5, classes: 2, noise: 0 });
    const r = 0.75, theta = 4 * (1 + r);
    expect(x.get(5 + 3, 0)).toBeCloseTo(r * Math.sin(theta), 15);
    expect(x.get(5 + 3, 1)).toBeCloseTo(r * Math.cos(theta), 15);
  });

  it("is repeatable for a seed and differs between seeds", () => {
    const a = spirals({ seed: 3 }), b = spirals({ seed: 3 }), c = spirals({ seed: 4 });
    expect(Array.from(a.x.data)).toEqual(Array.from(b.x.data));
    expect(Array.from(a.x.data)).not.toEqual(Array.from(c.x.data));
    expect(a.x.shape).toEqual([300, 2]); // defaults: 3 classes of 100
  });

  it("rejects bad options, naming the operation", () => {
    expect(() => spirals({ perClass: 1 })).toThrow(/^spirals: perClass/);
    expect(() => spirals({ classes: 0 })).toThrow(/^spirals: classes/);
    expect(() => spirals({ noise: -1 })).toThrow(/^spirals: noise/);
    expect(() => spirals({ noise: NaN })).toThrow(RangeError);
  });
});

describe("grid2d", () => {
  it("lists the grid row by row: point iy·steps + ix is (xs[ix], ys[iy])", () => {
    const { xs, ys, points } = grid2d([-1, 1], [0, 2], 3);
    expect(xs).toEqual([-1, 0, 1]);
    expect(ys).toEqual([0, 1, 2]);
    expect(points.shape).toEqual([9, 2]);
    expect(points.row(5)).toEqual([1, 1]); // iy = 1, ix = 2
    expect(points.row(6)).toEqual([-1, 2]);
  });

  it("rejects bad input, naming the operation", () => {
    expect(() => grid2d([0, 1], [0, 1], 1)).toThrow(/^grid2d: steps/);
    expect(() => grid2d([1, 0], [0, 1], 5)).toThrow(/^grid2d: the box/);
    expect(() => grid2d([0, Infinity], [0, 1], 5)).toThrow(/^grid2d:/);
  });
});
