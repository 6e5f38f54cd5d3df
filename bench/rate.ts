/** Calls `f` repeatedly for about `seconds` (after a warm-up of three calls); calls a second. */
export function rate(f: () => void, seconds: number): number {
  for (let i = 0; i < 3; i++) f();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < seconds * 1000) {
    f();
    n++;
    t = performance.now();
  }
  return n / ((t - t0) / 1000);
}
