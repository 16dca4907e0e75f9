// Each spec file records how long it took (e2e/artifacts/wall-times.json), so the renderer bench
// can print the e2e wall time next to its own numbers without running the suite again.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ARTIFACTS_DIR } from './screens.ts';

const FILE = join(ARTIFACTS_DIR, 'wall-times.json');

/** Starts the clock for a spec; call the returned function in its `after` hook. */
export function wallClock(specUrl: string): () => void {
  const started = performance.now();
  return () => {
    let all: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(readFileSync(FILE, 'utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) all = { ...parsed };
    } catch {
      // No earlier run recorded (or an unreadable file): start a new record.
    }
    all[basename(new URL(specUrl).pathname)] = { seconds: Math.round((performance.now() - started) / 100) / 10, at: new Date().toISOString() };
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    writeFileSync(FILE, `${JSON.stringify(all, null, 2)}\n`);
  };
}
