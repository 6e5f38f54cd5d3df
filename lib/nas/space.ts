/**
 * The architecture search space of this course: a DARTS-style **cell**, a small directed acyclic
 * graph whose node 0 is the cell's input and whose nodes 1…K each sum one operation per incoming
 * edge, `x_i = Σ_{j<i} op_{j→i}(x_j)`; the cell's output is the sum of nodes 1…K (DARTS
 * concatenates them; a sum keeps the width). Each edge chooses one of {@link NAS_OPS}.
 *
 * An architecture is one operation index per edge ({@link Architecture}). For the search
 * strategies the cell is also an ordinary search space of `lib/search/` with one categorical
 * parameter per edge, named `"0→1"`, `"0→2"`, …, so every sampler and the trial record are the
 * ones hyper-parameter search uses ({@link cellSearchSpace}, {@link configOf},
 * {@link architectureOf}).
 *
 * @module
 */

import { categorical, type Config, type SearchSpace, space } from "../search/space.ts";
import { NAS_OPS, type OpName, opNamed } from "./ops.ts";

/** One operation index (into `ops`) per edge, in the order of `edges`. */
export type Architecture = readonly number[];

/** A cell: `nodes` intermediate nodes, its `edges` `[from, to]`, and the candidate `ops`. */
export interface CellSpace {
  readonly nodes: number;
  readonly ops: readonly OpName[];
  readonly edges: readonly (readonly [number, number])[];
}

/** Options of {@link cellSpace}. */
export interface CellSpaceOptions {
  /** Intermediate nodes K (default 2): K(K+1)/2 edges. */
  nodes?: number;
  /** The candidate operations (default all of {@link NAS_OPS}). */
  ops?: readonly OpName[];
}

/** The cell with `nodes` intermediate nodes, every edge choosing among `ops`. */
export function cellSpace(o: CellSpaceOptions = {}): CellSpace {
  const { nodes = 2, ops = NAS_OPS } = o;
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 6) {
    throw new RangeError(`cellSpace: nodes must be a whole number in [1, 6], got ${nodes}`);
  }
  if (!Array.isArray(ops) || ops.length < 2 || new Set(ops).size !== ops.length) {
    throw new RangeError("cellSpace: ops must list at least two distinct operations");
  }
  ops.forEach(opNamed);
  const edges: [number, number][] = [];
  for (let i = 1; i <= nodes; i++) for (let j = 0; j < i; j++) edges.push([j, i]);
  return { nodes, ops, edges };
}

/** The name of edge `[j, i]` as a search parameter: `"j→i"`. */
export const edgeName = ([j, i]: readonly [number, number]): string => `${j}→${i}`;

/** The cell as a search space: one categorical parameter per edge, its choices the op names. */
export function cellSearchSpace(cell: CellSpace): SearchSpace {
  return space(Object.fromEntries(cell.edges.map((e) => [edgeName(e), categorical(cell.ops)])));
}

/** How many architectures the cell holds: ops^edges. */
export function spaceSize(cell: CellSpace): number {
  return cell.ops.length ** cell.edges.length;
}

/** Throws unless `arch` has one valid operation index per edge of `cell`. */
export function checkArchitecture(op: string, cell: CellSpace, arch: Architecture): void {
  if (!Array.isArray(arch) || arch.length !== cell.edges.length) {
    throw new RangeError(
      `${op}: an architecture needs ${cell.edges.length} operation indices, one per edge, got ${
        Array.isArray(arch) ? arch.length : typeof arch
      }`,
    );
  }
  arch.forEach((k, e) => {
    if (!Number.isInteger(k) || k < 0 || k >= cell.ops.length) {
      throw new RangeError(
        `${op}: edge ${edgeName(cell.edges[e])} needs an index in [0, ${
          cell.ops.length - 1
        }], got ${k}`,
      );
    }
  });
}

/** The configuration (edge name → op name) of an architecture. */
export function configOf(cell: CellSpace, arch: Architecture): Config {
  checkArchitecture("configOf", cell, arch);
  return Object.fromEntries(cell.edges.map((e, k) => [edgeName(e), cell.ops[arch[k]]]));
}

/** The architecture (op index per edge) of a configuration of {@link cellSearchSpace}. */
export function architectureOf(cell: CellSpace, config: Config): number[] {
  return cell.edges.map((e) => {
    const k = cell.ops.indexOf(config?.[edgeName(e)] as OpName);
    if (k < 0) {
      throw new RangeError(
        `architectureOf: edge ${edgeName(e)} must be one of ${cell.ops.join(", ")}, got ${
          JSON.stringify(config?.[edgeName(e)])
        }`,
      );
    }
    return k;
  });
}

/** Every architecture of the cell, the last edge varying fastest. */
export function allArchitectures(cell: CellSpace): number[][] {
  let out: number[][] = [[]];
  for (const _ of cell.edges) out = out.flatMap((a) => cell.ops.map((_, k) => [...a, k]));
  return out;
}

/** The architecture as text, e.g. `0→1 relu, 0→2 skip, 1→2 none`. */
export function describe(cell: CellSpace, arch: Architecture): string {
  checkArchitecture("describe", cell, arch);
  return cell.edges.map((e, k) => `${edgeName(e)} ${cell.ops[arch[k]]}`).join(", ");
}
