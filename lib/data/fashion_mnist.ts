/**
 * Fashion-MNIST from its four standard IDX files, given as bytes.
 *
 * Fashion-MNIST (Zalando Research, 2017) holds 70,000 greyscale photos of clothes, 28×28
 * pixels, in ten classes: 60,000 for training and 10,000 for testing. It is a drop-in
 * replacement for handwritten-digit MNIST that a linear model does not already solve.
 *
 * The IDX format is a header and raw bytes: two zero bytes, a type byte (0x08 for unsigned
 * bytes), the number of dimensions d, then d big-endian 32-bit sizes, then the values in
 * row-major order. The image files have d = 3 (N × 28 × 28), the label files d = 1 (N). The
 * distributed files are gzipped; this module gunzips them with the platform's
 * `DecompressionStream` (Deno, Node ≥ 18 and browsers have it), so it reads no file itself:
 * the runtime side that finds the files lives in `tools/fashion_mnist.ts`.
 *
 * @module
 */

import { Matrix } from "../core/matrix.ts";
import type { Dataset } from "./synthetic.ts";

/** The ten class names, in label order (0 = "T-shirt/top", …, 9 = "Ankle boot"). */
export const FASHION_LABELS: readonly string[] = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

/** The file names of the standard distribution, per split. */
export const FASHION_FILES = {
  train: { images: "train-images-idx3-ubyte.gz", labels: "train-labels-idx1-ubyte.gz" },
  test: { images: "t10k-images-idx3-ubyte.gz", labels: "t10k-labels-idx1-ubyte.gz" },
} as const;

/** A file's bytes and the name to use for it in error messages. */
export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

/** Thrown for a data file that cannot be what it claims to be; the message names the file. */
export class DataFileError extends Error {
  override name = "DataFileError";
}

/** True when `bytes` start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips `file` with `DecompressionStream("gzip")`; bytes that are not gzip pass unchanged. */
export async function gunzip(file: NamedBytes): Promise<Uint8Array> {
  if (!isGzip(file.bytes)) return file.bytes;
  try {
    const stream = new Blob([file.bytes as Uint8Array<ArrayBuffer>]).stream()
      .pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new DataFileError(
      `${file.name}: the gzip data is damaged or truncated (${(e as Error).message})`,
    );
  }
}

/** An IDX array of unsigned bytes: its sizes and its values in row-major order. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/**
 * Parses an (already gunzipped) IDX file of unsigned bytes. `expectedDims` is 1 for labels
 * and 3 for images; a file with another number of dimensions (a label file given for images,
 * say) is refused, as is a header whose sizes do not match the length of the data.
 */
export function parseIdx(file: NamedBytes, expectedDims: number): IdxArray {
  const { name, bytes } = file;
  const want = `0x0000080${expectedDims}`;
  if (bytes.length < 4) {
    throw new DataFileError(`${name}: ${bytes.length} bytes is too short for an IDX header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const magicHex = `0x${magic.toString(16).padStart(8, "0")}`;
  if (magic >>> 8 !== 0x08) {
    throw new DataFileError(
      `${name}: wrong magic number ${magicHex}, expected ${want} (not an IDX file of bytes)`,
    );
  }
  const d = magic & 0xff;
  if (d !== expectedDims) {
    const what = d === 1 ? "a label file" : d === 3 ? "an image file" : `${d} dimensions`;
    throw new DataFileError(
      `${name}: wrong magic number ${magicHex} (${what}), expected ${want} (${
        expectedDims === 1 ? "labels" : "images"
      })`,
    );
  }
  const header = 4 + 4 * d;
  if (bytes.length < header) {
    throw new DataFileError(`${name}: truncated in its header (${bytes.length} bytes)`);
  }
  const dims = Array.from({ length: d }, (_, i) => view.getUint32(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  const have = bytes.length - header;
  if (have < size) {
    throw new DataFileError(
      `${name}: truncated: the header promises ${dims.join("×")} = ${size} values, ` +
        `the file holds ${have}`,
    );
  }
  if (have > size) {
    throw new DataFileError(
      `${name}: ${have - size} bytes beyond the ${dims.join("×")} values its header promises`,
    );
  }
  return { dims, data: bytes.subarray(header) };
}

/** Options of {@link fashionMnist}. */
export interface FashionMnistOptions {
  /** Keep only the first `limit` examples (the files are not sorted by class). */
  limit?: number;
}

/**
 * A Fashion-MNIST split from its image and label files (gzipped or not): `x` is N×784, one
 * image per row, pixels scaled from 0…255 to [0, 1] (as torchvision's `ToTensor`), row by row
 * (pixel (r, c) is column 28·r + c); `y[n]` is the class of row n, 0…9 (see
 * {@link FASHION_LABELS}).
 *
 * Throws a {@link DataFileError} naming the file for damaged gzip data, a wrong magic number,
 * a truncated file, labels outside 0…9, or image and label files of different lengths.
 */
export async function fashionMnist(
  images: NamedBytes,
  labels: NamedBytes,
  o: FashionMnistOptions = {},
): Promise<Dataset> {
  const img = parseIdx({ name: images.name, bytes: await gunzip(images) }, 3);
  const lab = parseIdx({ name: labels.name, bytes: await gunzip(labels) }, 1);
  const [n, rows, cols] = img.dims;
  if (lab.dims[0] !== n) {
    throw new DataFileError(
      `${images.name} holds ${n} images but ${labels.name} holds ${lab.dims[0]} labels`,
    );
  }
  const { limit = n } = o;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`fashionMnist: limit must be a positive integer, got ${limit}`);
  }
  const count = Math.min(limit, n), d = rows * cols;
  const y = Array.from(lab.data.subarray(0, count));
  const bad = y.findIndex((c) => c >= FASHION_LABELS.length);
  if (bad >= 0) {
    throw new DataFileError(`${labels.name}: label ${bad} is ${y[bad]}, expected 0…9`);
  }
  const scaled = Float64Array.from({ length: 256 }, (_, v) => v / 255);
  const x = new Matrix(count, d);
  const src = img.data, dst = x.data;
  for (let k = 0; k < count * d; k++) dst[k] = scaled[src[k]];
  return { x, y };
}
