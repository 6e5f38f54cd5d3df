/**
 * `@course/fashion-mnist` on tslab (Node): the same search and loading as
 * `tools/fashion_mnist.ts` (both in `tools/fashion_mnist_files.ts`), on Node's file APIs.
 *
 * @module
 */

import { readFile, stat } from "node:fs/promises";
import process from "node:process";
import type { Dataset } from "../../lib/mod.ts";
import { fashionMnistFinder } from "../fashion_mnist_files.ts";
import { ROOT } from "./root.ts";

const finder = fashionMnistFinder({
  root: ROOT,
  env: (name) => process.env[name],
  isFile: (path) => stat(path).then((s) => s.isFile(), () => false),
  readFile: async (path) => new Uint8Array(await readFile(path)),
});

/** The folder that holds the four files (see `tools/fashion_mnist.ts` for the search). */
export function findFashionMnist(): Promise<string> {
  return finder.findFashionMnist();
}

/** The "train" (60,000) or "test" (10,000) split, images N×784 in [0, 1] and labels 0…9. */
export function loadFashionMnist(
  split: "train" | "test",
  o: { limit?: number } = {},
): Promise<Dataset> {
  return finder.loadFashionMnist(split, o);
}
