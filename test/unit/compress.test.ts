/**
 * lib/nn/compress.ts against PyTorch (test/reference/gen_compress.py): the distillation loss and
 * its gradient (also numerically), L1-unstructured pruning, fake quantisation.
 */

import { describe, expect, it } from "vitest";
import { Matrix } from "../../lib/core/matrix.ts";
import { numericalGradient, relError } from "../../lib/check/gradcheck.ts";
import { distillationLoss, fakeQuantize, magnitudePrune } from "../../lib/nn/compress.ts";
import ref from "../reference/compress.json" with { type: "json" };

const student = Matrix.from(ref.student),
  teacher = Matrix.from(ref.teacher),
  w = Matrix.from(ref.w);

describe("distillationLoss", () => {
  for (const c of ref.distill) {
    it(`matches PyTorch's kl_div(batchmean)·T² at T = ${c.temperature}`, () => {
      const r = distillationLoss(student, teacher, { temperature: c.temperature });
      expect(r.loss).toBeCloseTo(c.loss, 12);
      expect(relError(r.grad, Matrix.from(c.grad))).toBeLessThan(1e-10);
    });
  }

  it("its gradient is the numerical one, and the loss is 0 when the student copies the teacher", () => {
    const s = student.clone();
    const num = numericalGradient(() => distillationLoss(s, teacher, { temperature: 3 }).loss, s);
    expect(relError(distillationLoss(s, teacher, { temperature: 3 }).grad, num)).toBeLessThan(1e-7);
    expect(distillationLoss(teacher, teacher).loss).toBeCloseTo(0, 14);
    expect(() => distillationLoss(student, new Matrix(2, 4))).toThrow(/same non-empty shape/);
    expect(() => distillationLoss(student, teacher, { temperature: 0 })).toThrow(/temperature/);
  });
});

describe("magnitudePrune", () => {
  for (const c of ref.prune) {
    it(`zeroes the ${c.fraction} smallest |w| as torch's l1_unstructured`, () => {
      const plain = (m: Matrix) => [...m.data].map((v) => v + 0); // −0 (torch's w·mask) is 0
      expect(plain(magnitudePrune(w, c.fraction))).toEqual(plain(Matrix.from(c.w)));
    });
  }
  it("refuses a fraction outside [0, 1]", () => {
    expect(() => magnitudePrune(w, 1.5)).toThrow(/fraction must be in \[0, 1\]/);
  });
});

describe("fakeQuantize", () => {
  for (const c of ref.quantize) {
    it(`${c.bits} bits: PyTorch's fake_quantize_per_tensor_affine (symmetric, per tensor)`, () => {
      const r = fakeQuantize(w, { bits: c.bits });
      expect(r.scale).toBeCloseTo(c.scale, 12);
      // PyTorch computes in float32
      expect(relError(r.out, Matrix.from(c.w))).toBeLessThan(1e-6);
      const levels = new Set([...r.out.data].map((v) => Math.round(v / r.scale)));
      expect(levels.size).toBeLessThanOrEqual(2 ** c.bits - 1);
    });
  }
  it("refuses bits outside [2, 16]", () => {
    expect(() => fakeQuantize(w, { bits: 1 })).toThrow(/bits must be a whole number in \[2, 16\]/);
  });
});
