/** The parts of Jupyter's notebook format (nbformat 4) that the tools read. */

export type SlideType = "slide" | "subslide" | "fragment" | "-" | "skip" | "notes";

export interface Output {
  output_type: string;
  name?: string;
  data?: Record<string, unknown>;
  text?: string | string[];
  ename?: string;
  evalue?: string;
}

export interface Cell {
  cell_type: "markdown" | "code" | "raw";
  source: string | string[];
  metadata: { slideshow?: { slide_type?: SlideType }; tags?: string[] };
  outputs?: Output[];
}

export interface Notebook {
  cells: Cell[];
}

/** nbformat stores text as a string or as a list of lines. */
export const joined = (s: string | string[] | undefined): string =>
  Array.isArray(s) ? s.join("") : s ?? "";
