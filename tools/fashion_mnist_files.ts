/**
 * Finding and reading Fashion-MNIST's four files, for any runtime: the runtime's file access
 * comes in as a {@link Host}. `tools/fashion_mnist.ts` binds it to Deno's APIs and
 * `tools/node/fashion_mnist.ts` to Node's, so both kernels search the same folders in the same
 * order and fail with the same message.
 *
 * @module
 */

import { FASHION_FILES, fashionMnist } from "../lib/data/fashion_mnist.ts";
import type { Dataset } from "../lib/data/synthetic.ts";

export const DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";

/** What the finder needs from the runtime. */
export interface Host {
  /** The repository's root, with a trailing slash. */
  root: string;
  env(name: string): string | undefined;
  isFile(path: string): Promise<boolean>;
  readFile(path: string): Promise<Uint8Array>;
}

/** Thrown when the files are not found; its message is the one line that says what to do. */
export class DataMissingError extends Error {
  override name = "DataMissingError";
  constructor(message: string) {
    super(message);
    this.stack = `${this.name}: ${message}`; // one line in a notebook, no stack trace
  }
}

/** Options of `loadFashionMnist`. */
export interface LoadOptions {
  /** Keep the first `limit` examples only. */
  limit?: number;
}

/** A folder to search and the reason it is searched. */
export interface SearchEntry {
  dir: string;
  why: string;
}

const WHERE_FROM = "`sudo apt-get install dataset-fashion-mnist`, or the four .gz files from " +
  "https://github.com/zalandoresearch/fashion-mnist";

/** The finder and loader bound to one runtime (see the module doc). */
export function fashionMnistFinder(host: Host) {
  /** The folders searched, in order, each with the reason it is searched. */
  function searchPath(): SearchEntry[] {
    const env = host.env("FASHION_MNIST_DIR");
    return [
      ...(env ? [{ dir: env, why: "FASHION_MNIST_DIR" }] : []),
      { dir: `${host.root}data`, why: "the repository's data/ folder" },
      { dir: DEBIAN_DIR, why: "Debian's dataset-fashion-mnist" },
    ];
  }

  /**
   * The first folder of `path` that holds all four files; otherwise a {@link DataMissingError}
   * that says how to get them (and, for FASHION_MNIST_DIR, which files it lacks).
   */
  async function findFashionMnist(path = searchPath()): Promise<string> {
    const names = [...Object.values(FASHION_FILES.train), ...Object.values(FASHION_FILES.test)];
    for (const { dir, why } of path) {
      const found = await Promise.all(names.map((n) => host.isFile(`${dir}/${n}`)));
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

  /** The "train" (60,000) or "test" (10,000) split, images N×784 in [0, 1] and labels 0…9. */
  async function loadFashionMnist(split: "train" | "test", o: LoadOptions = {}): Promise<Dataset> {
    const dir = await findFashionMnist();
    const read = async (name: string) => {
      const path = `${dir}/${name}`;
      return { name: path, bytes: await host.readFile(path) };
    };
    const files = FASHION_FILES[split];
    return fashionMnist(await read(files.images), await read(files.labels), o);
  }

  return { searchPath, findFashionMnist, loadFashionMnist };
}
