/**
 * The processes that run or read learner code (sandboxes, the type check), and how they end
 * with the grader, on every path:
 *
 * - each is started under `setpriv --pdeathsig KILL`, so the kernel kills it the moment the
 *   grader's process ends, however it ends (even by SIGKILL);
 * - each gets a CPU-time and a memory limit through `prlimit` (typed arrays live outside the
 *   V8 heap, so the heap flag alone does not bound memory), so a process that outlives the
 *   grader anyway cannot spin for long;
 * - every live one is listed here, and {@link endWithProcess} (the CLI's) kills them all on
 *   Ctrl-C, SIGTERM, SIGHUP and on any exit, and runs the clean-ups registered with
 *   {@link atExit} (the graded files' temporary folders).
 *
 * Where `setpriv` or `prlimit` is missing (not Linux), the list and the wall-clock limits of
 * the callers remain.
 */

/** Whether `cmd ...args true` runs here (the wrapper exists and knows the option). */
async function works(cmd: string, args: string[]): Promise<boolean> {
  try {
    return (await new Deno.Command(cmd, { args: [...args, "true"], stdout: "null", stderr: "null" })
      .output()).success;
  } catch {
    return false;
  }
}

const HAS = {
  setpriv: await works("setpriv", ["--pdeathsig", "KILL"]),
  prlimit: await works("prlimit", ["--cpu=1", "--data=1073741824"]),
};

export interface ProcessLimits {
  cpuSeconds: number;
  dataMb: number;
}

const live = new Set<Deno.ChildProcess>();

/** Starts `deno ...args` with its stdio piped, under the limits, ending with the grader. */
export function spawnDeno(args: string[], limits: ProcessLimits): Deno.ChildProcess {
  const wrap: string[] = [];
  if (HAS.setpriv) wrap.push("setpriv", "--pdeathsig", "KILL");
  if (HAS.prlimit) {
    // Soft limit: SIGXCPU, which says what happened; the hard one (SIGKILL) 5 s later.
    const cpu = `--cpu=${limits.cpuSeconds}:${limits.cpuSeconds + 5}`;
    wrap.push("prlimit", cpu, `--data=${limits.dataMb * 1024 * 1024}`);
  }
  const [cmd, ...rest] = [...wrap, Deno.execPath(), ...args];
  const child = new Deno.Command(cmd, {
    args: rest,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  live.add(child);
  child.status.finally(() => live.delete(child));
  return child;
}

/** Kills `child` at once; a process already gone is fine. */
export function kill(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch {
    // already exited
  }
}

const cleanups = new Set<() => void>();

/** Runs `task` if the process ends before the returned function is called. */
export function atExit(task: () => void): () => void {
  cleanups.add(task);
  return () => cleanups.delete(task);
}

/** Kills every learner process still running and runs the pending clean-ups. */
export function killAll(): void {
  for (const child of live) kill(child);
  for (const task of cleanups) {
    try {
      task();
    } catch {
      // best effort: the process is ending
    }
  }
  cleanups.clear();
}

/** How many learner processes are running (for tests). */
export function liveCount(): number {
  return live.size;
}

const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;

/**
 * For a command-line process: kill every learner process when this one ends, on a signal
 * (then exit as the signal would: 128 + its number) or on any exit.
 */
export function endWithProcess(): void {
  globalThis.addEventListener("unload", killAll);
  for (const [name, number] of Object.entries(SIGNALS)) {
    Deno.addSignalListener(name as Deno.Signal, () => {
      killAll();
      Deno.exit(128 + number);
    });
  }
}
