/**
 * The runtime side of Fashion-MNIST on Deno: finds the four IDX files on this machine, reads
 * them and hands the bytes to `lib/data/fashion_mnist.ts`. Notebooks import
 * {@link loadFashionMnist} as `@course/fashion-mnist` (tslab gets `tools/node/fashion_mnist.ts`,
 * the same search on Node's APIs; both in `tools/fashion_mnist_files.ts`).
 *
 * The files are looked for, in this order, in the folder named by the environment variable
 * `FASHION_MNIST_DIR`, in `data/` at the repository's root (git-ignored), and where Debian's
 * `dataset-fashion-mnist` package installs them, `/usr/share/datasets/fashion-mnist/`.
 *
 * `deno run -A tools/fashion_mnist.ts` says where the files are and how long loading takes.
 *
 * @module
 */

import { fashionMnistFinder } from "./fashion_mnist_files.ts";

export {
  DataMissingError,
  DEBIAN_DIR,
  type LoadOptions,
  type SearchEntry,
} from "./fashion_mnist_files.ts";

export const { searchPath, findFashionMnist, loadFashionMnist } = fashionMnistFinder({
  root: decodeURIComponent(new URL("../", import.meta.url).pathname),
  env: (name) => Deno.env.get(name),
  isFile: (path) => Deno.stat(path).then((s) => s.isFile, () => false),
  readFile: (path) => Deno.readFile(path),
});

if (import.meta.main) {
  try {
    console.log(`Fashion-MNIST files in ${await findFashionMnist()}`);
    for (const split of ["train", "test"] as const) {
      const t0 = performance.now();
      const { x } = await loadFashionMnist(split);
      const ms = performance.now() - t0;
      console.log(`${split}: ${x.rows} images of ${x.cols} pixels loaded in ${ms.toFixed(0)} ms`);
    }
  } catch (e) {
    console.error((e as Error).message);
    Deno.exit(1);
  }
}
