/**
 * The runtime side of Fashion-MNIST: finds the four IDX files on this machine, reads them and
 * hands the bytes to `lib/data/fashion_mnist.ts`. Notebooks import {@link loadFashionMnist}.
 *
 * The files are looked for, in this order, in the folder named by the environment variable
 * `FASHION_MNIST_DIR`, in `data/` at the repository's root (git-ignored), and where Debian's
 * `dataset-fashion-mnist` package installs them, `/usr/share/datasets/fashion-mnist/`.
 *
 * `deno run -A tools/fashion_mnist.ts` says where the files are and how long loading takes.
 *
 * @module
 */

import { FASHION_FILES, fashionMnist } from "../lib/data/fashion_mnist.ts";
import type { Dataset } from "../lib/data/synthetic.ts";

const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);
export const DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";

/** Thrown when the files are not found; its message is the one line that says what to do. */
export class DataMissingError extends Error {
  override name = "DataMissingError";
  constructor(message: string) {
    super(message);
    this.stack = `${this.name}: ${message}`; // one line in a notebook, no stack trace
  }
}

/** The folders searched, in order, each with the reason it is searched. */
export function searchPath(): { dir: string; why: string }[] {
  const env = Deno.env.get("FASHION_MNIST_DIR");
  return [
    ...(env ? [{ dir: env, why: "FASHION_MNIST_DIR" }] : []),
    { dir: `${ROOT}data`, why: "the repository's data/ folder" },
    { dir: DEBIAN_DIR, why: "Debian's dataset-fashion-mnist" },
  ];
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

const WHERE_FROM = "`sudo apt-get install dataset-fashion-mnist`, or the four .gz files from " +
  "https://github.com/zalandoresearch/fashion-mnist";

/**
 * The first folder of `path` that holds all four files; otherwise a {@link DataMissingError}
 * that says how to get them (and, for FASHION_MNIST_DIR, which files it lacks).
 */
export async function findFashionMnist(path = searchPath()): Promise<string> {
  const names = [...Object.values(FASHION_FILES.train), ...Object.values(FASHION_FILES.test)];
  for (const { dir, why } of path) {
    const found = await Promise.all(names.map((n) => exists(`${dir}/${n}`)));
    if (found.every(Boolean)) return dir;
    if (why === "FASHION_MNIST_DIR") {
      const missing = names.filter((_, i) => !found[i]);
      throw new DataMissingError(
        `Fashion-MNIST: FASHION_MNIST_DIR=${dir} lacks ${missing.join(", ")}; put the files ` +
          `there or unset it (get them with ${WHERE_FROM}).`,
      );
    }
  }
  throw new DataMissingError(
    `Fashion-MNIST not found in ${path.map((p) => p.dir).join(", ")}: get it with ` +
      `${WHERE_FROM} into data/ (or a folder named by FASHION_MNIST_DIR).`,
  );
}

/** Options of {@link loadFashionMnist}. */
export interface LoadOptions {
  /** Keep the first `limit` examples only. */
  limit?: number;
}

/** The "train" (60,000) or "test" (10,000) split, images N×784 in [0, 1] and labels 0…9. */
export async function loadFashionMnist(
  split: "train" | "test",
  o: LoadOptions = {},
): Promise<Dataset> {
  const dir = await findFashionMnist();
  const read = async (name: string) => {
    const path = `${dir}/${name}`;
    return { name: path, bytes: await Deno.readFile(path) };
  };
  const files = FASHION_FILES[split];
  return fashionMnist(await read(files.images), await read(files.labels), o);
}

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
