/**
 * The course's kernel as a Jupyter front end sees it: a Jupyter server started on the side, and
 * cells run through `@jupyterlab/services` (the kernel client JupyterLab itself uses), with each
 * cell's outputs kept exactly as a front end would show them: only the messages that arrive
 * while the cell's request is still open (before both its reply and its `status: idle`).
 *
 * Used by `deno task bench:outputs` and test/e2e/outputs.test.ts.
 */

import {
  KernelManager,
  type KernelMessage,
  ServerConnection,
  type Session,
  SessionManager,
} from "@jupyterlab/services";
import { courseJupyterEnv, NOTEBOOKS } from "./jupyter.ts";
import { joined, type Output } from "./nbformat.ts";
import type { Page } from "playwright-core";

export interface Server {
  url: string;
  token: string;
  settings: ServerConnection.ISettings;
  stop(): Promise<void>;
}

/** A TCP port that is free now (the system picks it). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Starts classic Jupyter Notebook serving notebooks/ with the course kernel (or the plain one). */
export async function startServer({ plain = false } = {}): Promise<Server> {
  const token = crypto.randomUUID();
  const asRoot = Deno.uid() === 0 ? ["--allow-root"] : [];
  const env = { ...(await courseJupyterEnv({ plain })), JUPYTER_TOKEN: token };
  for (let attempt = 1;; attempt++) {
    const port = freePort();
    const url = `http://127.0.0.1:${port}/`;
    const child = new Deno.Command("jupyter", {
      args: [
        "notebook",
        "--no-browser",
        `--port=${port}`,
        "--port-retries=0",
        `--notebook-dir=${NOTEBOOKS}`,
        ...asRoot,
      ],
      env,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    let exited = false;
    child.status.then(() => exited = true);
    const until = Date.now() + 60_000;
    while (!exited && Date.now() < until) {
      const ok = await fetch(`${url}api/kernelspecs?token=${token}`).then(async (r) => {
        await r.body?.cancel();
        return r.ok;
      }, () => false);
      if (ok) return server(url, token, child);
      await new Promise((r) => setTimeout(r, 250));
    }
    if (!exited) child.kill();
    // The port may have been taken in between: try another one.
    if (attempt === 3) throw new Error(`Jupyter did not start (last tried ${url})`);
  }
}

function server(url: string, token: string, child: Deno.ChildProcess): Server {
  const settings = ServerConnection.makeSettings({
    baseUrl: url,
    wsUrl: url.replace(/^http/, "ws"),
    token,
    WebSocket: globalThis.WebSocket as unknown as typeof WebSocket,
    fetch: globalThis.fetch.bind(globalThis),
  });
  return {
    url,
    token,
    settings,
    async stop() {
      // Shutting down through the API ends the kernels too; a signal would orphan them.
      await fetch(`${url}api/shutdown?token=${token}`, { method: "POST" }).then(
        (r) => r.body?.cancel(),
        () => {},
      );
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await child.status;
      clearTimeout(timer);
    },
  };
}

/** What one cell showed, and which of its messages came too late to be shown. */
export interface CellRun {
  outputs: Output[];
  /** Message types that arrived for the cell after its request had closed. */
  late: string[];
  /** Set when the cell never finished: what was still missing (its reply, its idle). */
  hung?: string;
}

/**
 * Runs `codes` as the cells of notebook `name` (a path under notebooks/, which sets the kernel's
 * folder) in a new session, then ends it. `runAll` sends every request at once, as "Run All"
 * does; otherwise each cell waits for the one before. A cell not finished `timeoutSeconds` after
 * the notebook started is marked `hung` (600 s: at a load average of 100 on 2 cores, notebook 08
 * alone took over 120 s, and cells cut off there were counted as never finished).
 */
export async function runCells(
  server: Server,
  name: string,
  codes: string[],
  { runAll = true, timeoutSeconds = 600 } = {},
): Promise<{ cells: CellRun[]; seconds: number }> {
  const kernels = new KernelManager({ serverSettings: server.settings });
  const sessions = new SessionManager({ kernelManager: kernels, serverSettings: server.settings });
  const cells: CellRun[] = codes.map(() => ({ outputs: [], late: [] }));
  // One clock for the whole notebook, kernel start included: a kernel that never answers
  // kernel_info (seen once on the plain kernel) must not hang the caller either.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutSeconds * 1000);
  });
  const t0 = performance.now();
  const end = async (session?: Session.ISessionConnection) => {
    clearTimeout(timer);
    const seconds = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 200)); // let stragglers be counted as late
    // A kernel that does not shut down within 30 s is left to the server's own shutdown.
    const gone = session?.shutdown().catch(() => {});
    await Promise.race([gone, new Promise((r) => setTimeout(r, 30_000))]);
    sessions.dispose();
    kernels.dispose();
    return { cells, seconds };
  };
  const started = (async () => {
    const session = await sessions.startNew({
      path: name,
      name,
      type: "notebook",
      kernel: { name: "deno" },
    });
    await session.kernel!.info;
    return session;
  })();
  const session = await Promise.race([started, timeout]);
  if (session === "timeout") {
    for (const c of cells) c.hung = "the kernel did not start";
    started.then((s) => s.shutdown()).catch(() => {});
    return end();
  }
  const kernel = session.kernel!;
  const closed = new Map<string, number>();
  kernel.iopubMessage.connect((_, msg) => {
    const cell = closed.get(
      String(msg.parent_header && "msg_id" in msg.parent_header ? msg.parent_header.msg_id : ""),
    );
    if (cell !== undefined && msg.header.msg_type !== "status") {
      cells[cell].late.push(msg.header.msg_type);
    }
  });
  const execute = async (i: number) => {
    const future = kernel.requestExecute({ code: codes[i], stop_on_error: false });
    let replied = false, idle = false;
    future.onReply = () => void (replied = true);
    future.onIOPub = (msg) => {
      record(cells[i].outputs, msg);
      if (msg.header.msg_type === "status" && "execution_state" in msg.content) {
        idle ||= msg.content.execution_state === "idle";
      }
    };
    if (await Promise.race([future.done.catch(() => {}), timeout]) === "timeout") {
      cells[i].hung = [replied ? "" : "no reply", idle ? "" : "no idle"].filter(Boolean).join(", ");
      return;
    }
    closed.set(future.msg.header.msg_id, i);
  };
  if (runAll) await Promise.all(codes.map((_, i) => execute(i)));
  else for (let i = 0; i < codes.length; i++) await execute(i);
  return end(session);
}

/** Adds an IOPub message to a cell's outputs as a notebook front end does. */
function record(outputs: Output[], msg: KernelMessage.IIOPubMessage) {
  const c = msg.content as Record<string, unknown>;
  switch (msg.header.msg_type) {
    case "stream": {
      const last = outputs.at(-1);
      // Consecutive text on one stream is shown as one output.
      if (last?.output_type === "stream" && last.name === c.name) {
        last.text = joined(last.text) + String(c.text);
      } else outputs.push({ output_type: "stream", name: String(c.name), text: String(c.text) });
      break;
    }
    case "display_data":
    case "execute_result":
      outputs.push({
        output_type: msg.header.msg_type,
        data: c.data as Record<string, unknown>,
      });
      break;
    case "error":
      outputs.push({ output_type: "error", ename: String(c.ename), evalue: String(c.evalue) });
      break;
    case "clear_output":
      outputs.length = 0;
  }
}

/**
 * A comparable summary of a cell's outputs: each output's type, MIME types and plain text with
 * every number written `#` and runs of spaces as one (HTML views carry per-run element ids, and
 * some tables timings; the text with its numbers blanked still says which cell it belongs to).
 */
export function outputSignature(outputs: Output[]): string {
  return JSON.stringify(outputs.map((o) => {
    const data = o.data ?? {};
    const text = o.output_type === "error"
      ? `${o.ename}: ${o.evalue}`
      : o.output_type === "stream"
      ? joined(o.text)
      : joined(data["text/plain"] as string | string[] | undefined);
    return [
      o.output_type,
      Object.keys(data).sort().join(","),
      text.replace(/\d+(\.\d+)?/g, "#").replace(/\s+/g, " "),
    ];
  }));
}

/**
 * Opens `name` in the classic Notebook UI (a playwright page), runs all cells as a learner does
 * ("Run All") and returns each code cell's outputs as the page holds them. Autosave is turned
 * off first, so the committed notebook is never overwritten with outputs; the kernel's session
 * is deleted afterwards, so each call starts from a fresh kernel.
 */
export async function runInClassicUI(
  page: Page,
  server: { url: string; token: string },
  name: string,
): Promise<Output[][]> {
  await page.goto(`${server.url}notebooks/${name}?token=${server.token}`);
  await page.waitForFunction(
    "window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()",
    null,
    { timeout: 60_000 },
  );
  await page.evaluate("Jupyter.notebook.set_autosave_interval(0)");
  await page.evaluate("Jupyter.notebook.execute_all_cells()");
  // A cell's prompt number comes with its execute_reply (shell channel), which may overtake the
  // cell's last outputs (IOPub): so also wait for the kernel indicator to say idle, as a learner
  // waits for the busy dot to clear before reading the last cell.
  await page.waitForFunction(
    `Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code")
       .every((c) => typeof c.input_prompt_number === "number") &&
     document.querySelector("#kernel_indicator_icon")?.classList.contains("kernel_idle_icon")`,
    null,
    { timeout: 120_000 },
  );
  const outputs = await page.evaluate(
    `Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code").map((c) => c.output_area.toJSON())`,
  ) as Output[][];
  await page.evaluate("new Promise((done) => Jupyter.notebook.session.delete(done, done))");
  return outputs;
}
