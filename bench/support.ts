// What every benchmark shares: the percentile they print, and the skip of the testbed benchmarks
// when no shared testbed is running (`npm run bench` runs every file; these print, never assert).

/** The p-th percentile (0..1) of `xs`, nearest rank; NaN when empty. */
export function pct(xs: number[], p: number): number {
  return [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;
}

/** A benchmark over the shared testbed: without SOTTO_TESTBED it says so and exits cleanly. */
export function skipWithoutTestbed(): void {
  if (process.env.SOTTO_TESTBED) return;
  console.log('skipped: needs the shared testbed (SOTTO_TESTBED=<description file>)');
  process.exit(0);
}
