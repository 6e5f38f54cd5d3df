/**
 * A Python benchmark process kept running for the whole benchmark, so that its measurements
 * can take turns with this process's own: one JSON request a line on its stdin, one JSON answer
 * a line on its stdout (bench/bench_numpy.py, bench/bench_torch.py).
 *
 * @module
 */

/** Threads: one, for OpenBLAS, OpenMP and MKL alike. */
const ONE_THREAD = { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };

export class PythonBench {
  readonly python: string;
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #lines: AsyncIterator<string>;

  private constructor(python: string, child: Deno.ChildProcess) {
    this.python = python;
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#lines = lines(child.stdout.pipeThrough(new TextDecoderStream()))[Symbol.asyncIterator]();
  }

  /**
   * Starts `script` (in bench/) with the first of `candidates` that can import `module`, on
   * one thread; a string saying why when none can.
   */
  static async start(
    candidates: string[],
    module: string,
    script: string,
  ): Promise<PythonBench | string> {
    const path = new URL(`./${script}`, import.meta.url).pathname;
    const env = Deno.env.toObject();
    // OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for these commands only, so OpenBLAS
    // chooses the kernel for this processor (some machines set them for older builds).
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    Object.assign(env, ONE_THREAD);
    for (const python of candidates) {
      try {
        const probe = await new Deno.Command(python, {
          args: ["-c", `import ${module}`],
          env,
          clearEnv: true,
          stdout: "null",
          stderr: "null",
        }).output();
        if (!probe.success) continue;
        const child = new Deno.Command(python, {
          args: [path],
          env,
          clearEnv: true,
          stdin: "piped",
          stdout: "piped",
        }).spawn();
        return new PythonBench(python, child);
      } catch {
        // this python is not installed: try the next one
      }
    }
    return `no python with ${module} found (tried ${candidates.join(", ")})`;
  }

  /** Sends one request and waits for its answer. */
  async ask<T>(request: Record<string, unknown>): Promise<T> {
    await this.#writer.write(new TextEncoder().encode(JSON.stringify(request) + "\n"));
    const { value, done } = await this.#lines.next();
    if (done) throw new Error(`${this.python}: the benchmark process ended`);
    return JSON.parse(value);
  }

  async close(): Promise<void> {
    await this.#writer.close();
    await this.#child.status;
  }
}

async function* lines(text: ReadableStream<string>): AsyncGenerator<string> {
  let buffer = "";
  for await (const chunk of text) {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
    }
  }
}
