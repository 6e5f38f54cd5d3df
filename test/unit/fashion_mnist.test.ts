/**
 * The Fashion-MNIST loader: IDX parsing on small files built here (gzipped and not), each kind
 * of bad file, the runtime side that finds the files, and the real files against values read
 * independently with numpy (test/reference/gen_data.py). The real files come from Debian's
 * `dataset-fashion-mnist`, which .ci/run installs.
 */

import { afterEach, describe, expect, it } from "vitest";
import {
  DataFileError,
  FASHION_FILES,
  FASHION_LABELS,
  fashionMnist,
  gunzip,
  isGzip,
  parseIdx,
} from "../../lib/data/fashion_mnist.ts";
import { standardizer } from "../../lib/data/standardize.ts";
import {
  DataMissingError,
  findFashionMnist,
  loadFashionMnist,
  searchPath,
} from "../../tools/fashion_mnist.ts";
import reference from "../reference/data.json" with { type: "json" };

/** An IDX file of unsigned bytes with the given sizes; `magic` overrides the type/dims word. */
function idx(dims: number[], values: number[], magic = 0x0800 | dims.length): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + values.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(values, 4 + 4 * dims.length);
  return out;
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// Three 2×2 images and their labels.
const PIXELS = [0, 255, 51, 102, /**/ 1, 2, 3, 4, /**/ 255, 255, 0, 0];
const images = { name: "imgs", bytes: idx([3, 2, 2], PIXELS) };
const labels = { name: "labs", bytes: idx([3], [9, 0, 4]) };

describe("parseIdx", () => {
  it("reads the sizes from the header and returns the values after it", () => {
    const { dims, data } = parseIdx(images, 3);
    expect(dims).toEqual([3, 2, 2]);
    expect(Array.from(data)).toEqual(PIXELS);
  });

  it("refuses a wrong magic number, naming the file and what it found", () => {
    const bad = { name: "x.idx", bytes: idx([3], [1, 2, 3], 0x08030000) };
    expect(() => parseIdx(bad, 1)).toThrow(DataFileError);
    expect(() => parseIdx(bad, 1)).toThrow(
      /^x\.idx: wrong magic number 0x08030000, expected 0x00000801/,
    );
    expect(() => parseIdx({ name: "a", bytes: idx([3], [1, 2, 3], 0x0d01) }, 1)).toThrow(
      /^a: wrong magic number 0x00000d01/,
    );
  });

  it("says when a label file is given for images and the other way round", () => {
    expect(() => parseIdx({ name: "labels.gz", bytes: labels.bytes }, 3)).toThrow(
      /^labels\.gz: wrong magic number 0x00000801 \(a label file\), expected 0x00000803 \(images\)/,
    );
    expect(() => parseIdx({ name: "imgs.gz", bytes: images.bytes }, 1)).toThrow(
      /\(an image file\), expected 0x00000801 \(labels\)/,
    );
  });

  it("refuses truncated files and trailing bytes, with the counts", () => {
    const cut = { name: "cut", bytes: images.bytes.subarray(0, images.bytes.length - 5) };
    expect(() => parseIdx(cut, 3)).toThrow(
      /^cut: truncated: the header promises 3×2×2 = 12 values, the file holds 7$/,
    );
    expect(() => parseIdx({ name: "h", bytes: images.bytes.subarray(0, 9) }, 3)).toThrow(
      /^h: truncated in its header/,
    );
    expect(() => parseIdx({ name: "tiny", bytes: new Uint8Array(2) }, 1)).toThrow(
      /^tiny: 2 bytes is too short for an IDX header/,
    );
    const long = { name: "long", bytes: idx([2], [1, 2, 3]) };
    expect(() => parseIdx(long, 1)).toThrow(/^long: 1 bytes beyond the 2 values/);
  });
});

describe("gunzip", () => {
  it("undoes gzip, and passes bytes that are not gzip unchanged", async () => {
    const packed = await gzip(images.bytes);
    expect(isGzip(packed)).toBe(true);
    expect(isGzip(images.bytes)).toBe(false);
    expect(await gunzip({ name: "p", bytes: packed })).toEqual(images.bytes);
    expect(await gunzip(images)).toBe(images.bytes);
  });

  it("names the file whose gzip data is cut short", async () => {
    const packed = await gzip(idx([3, 2, 2], PIXELS));
    const cut = { name: "train-images-idx3-ubyte.gz", bytes: packed.subarray(0, 20) };
    await expect(gunzip(cut)).rejects.toThrow(
      /^train-images-idx3-ubyte\.gz: the gzip data is damaged or truncated/,
    );
  });
});

describe("fashionMnist", () => {
  it("scales pixels to [0, 1], one image per row in row-major order", async () => {
    const { x, y } = await fashionMnist(images, labels);
    expect(x.shape).toEqual([3, 4]);
    expect(y).toEqual([9, 0, 4]);
    expect(x.row(0)).toEqual([0, 1, 51 / 255, 102 / 255]);
    expect(x.get(2, 1)).toBe(1); // image 2, pixel (row 0, column 1)
  });

  it("reads gzipped files the same way, and keeps the first `limit` examples", async () => {
    const packed = { name: "i.gz", bytes: await gzip(images.bytes) };
    const plain = await fashionMnist(images, labels);
    const zipped = await fashionMnist(packed, { name: "l.gz", bytes: await gzip(labels.bytes) });
    expect(Array.from(zipped.x.data)).toEqual(Array.from(plain.x.data));
    const two = await fashionMnist(images, labels, { limit: 2 });
    expect(two.x.shape).toEqual([2, 4]);
    expect(two.y).toEqual([9, 0]);
    await expect(fashionMnist(images, labels, { limit: 0 })).rejects.toThrow(
      /^fashionMnist: limit must be a positive integer/,
    );
  });

  it("refuses image and label files of different lengths, naming both", async () => {
    const four = { name: "four-labels.gz", bytes: idx([4], [1, 2, 3, 4]) };
    await expect(fashionMnist(images, four)).rejects.toThrow(
      /^imgs holds 3 images but four-labels\.gz holds 4 labels$/,
    );
  });

  it("refuses a label outside 0…9, naming the file and the example", async () => {
    const bad = { name: "labs.gz", bytes: idx([3], [1, 10, 2]) };
    await expect(fashionMnist(images, bad)).rejects.toThrow(
      /^labs\.gz: label 1 is 10, expected 0…9$/,
    );
  });
});

describe("the real Fashion-MNIST (Debian's dataset-fashion-mnist)", () => {
  for (const split of ["train", "test"] as const) {
    it(`${split}: counts, labels, pixels, mean and std agree with numpy`, async () => {
      const want = reference.fashion[split];
      const { x, y } = await loadFashionMnist(split);
      expect(x.shape).toEqual([want.count, 784]);
      expect(FASHION_LABELS.map((_, c) => y.filter((v) => v === c).length)).toEqual(want.perClass);
      expect(y.slice(0, 20)).toEqual(want.firstLabels);
      for (const p of want.pixels) expect(x.get(p.row, p.col)).toBe(p.value);
      const s = standardizer(x, { perFeature: false });
      expect(s.mean.data[0]).toBeCloseTo(want.mean, 12);
      expect(s.std.data[0]).toBeCloseTo(want.std, 12);
    }, 30_000);
  }
});

describe("tools/fashion_mnist.ts: finding the files", () => {
  const saved = Deno.env.get("FASHION_MNIST_DIR");
  afterEach(() => {
    if (saved === undefined) Deno.env.delete("FASHION_MNIST_DIR");
    else Deno.env.set("FASHION_MNIST_DIR", saved);
  });

  async function folder(files: Record<string, Uint8Array>): Promise<string> {
    const dir = await Deno.makeTempDir();
    for (const [name, bytes] of Object.entries(files)) {
      await Deno.writeFile(`${dir}/${name}`, bytes);
    }
    return dir;
  }

  async function fourFiles(): Promise<Record<string, Uint8Array>> {
    const img = await gzip(images.bytes), lab = await gzip(labels.bytes);
    return {
      [FASHION_FILES.train.images]: img,
      [FASHION_FILES.train.labels]: lab,
      [FASHION_FILES.test.images]: img,
      [FASHION_FILES.test.labels]: lab,
    };
  }

  it("looks in FASHION_MNIST_DIR first", async () => {
    const dir = await folder(await fourFiles());
    Deno.env.set("FASHION_MNIST_DIR", dir);
    expect(await findFashionMnist()).toBe(dir);
    expect((await loadFashionMnist("test")).y).toEqual([9, 0, 4]);
    await Deno.remove(dir, { recursive: true });
  });

  it("says in one line what is missing and where to get it, with no stack trace", async () => {
    const dir = await folder({});
    Deno.env.set("FASHION_MNIST_DIR", dir);
    const e = await loadFashionMnist("train").catch((e) => e);
    expect(e).toBeInstanceOf(DataMissingError);
    expect(e.message).toMatch(/FASHION_MNIST_DIR=.* lacks train-images-idx3-ubyte\.gz/);
    expect(e.message).toMatch(/apt-get install dataset-fashion-mnist/);
    expect(e.message).toMatch(/https:\/\/github\.com\/zalandoresearch\/fashion-mnist/);
    expect(e.stack).toBe(`DataMissingError: ${e.message}`);
    expect(e.stack.split("\n")).toHaveLength(1);
    await Deno.remove(dir, { recursive: true });
  });

  it("without the files anywhere, names the folders it searched and how to get the data", async () => {
    const dir = await folder({});
    const e = await findFashionMnist([{ dir, why: "a test" }]).catch((e) => e);
    expect(e).toBeInstanceOf(DataMissingError);
    expect(e.message).toBe(
      `Fashion-MNIST not found in ${dir}: get it with \`sudo apt-get install ` +
        "dataset-fashion-mnist`, or the four .gz files from " +
        "https://github.com/zalandoresearch/fashion-mnist into data/ (or a folder named by " +
        "FASHION_MNIST_DIR).",
    );
    await Deno.remove(dir, { recursive: true });
  });

  it("searches FASHION_MNIST_DIR, then data/ in the repository, then Debian's folder", () => {
    Deno.env.set("FASHION_MNIST_DIR", "/somewhere");
    expect(searchPath().map((p) => p.dir)).toEqual([
      "/somewhere",
      new URL("../../data", import.meta.url).pathname,
      "/usr/share/datasets/fashion-mnist",
    ]);
    Deno.env.delete("FASHION_MNIST_DIR");
    expect(searchPath()).toHaveLength(2);
  });

  it("names the file, with its path, when a file is bad", async () => {
    const files = await fourFiles();
    files[FASHION_FILES.train.images] = files[FASHION_FILES.train.images].subarray(0, 25);
    const dir = await folder(files);
    Deno.env.set("FASHION_MNIST_DIR", dir);
    await expect(loadFashionMnist("train")).rejects.toThrow(
      `${dir}/train-images-idx3-ubyte.gz: the gzip data is damaged or truncated`,
    );
    await Deno.remove(dir, { recursive: true });
  });
});
