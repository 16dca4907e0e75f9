// Repeated wrong passphrases are slowed down (issue 9 item 9): after FREE_FAILURES wrong tries in a
// row, each further try waits twice as long as the one before (1 s, 2 s, 4 s, ... at most 15 min).
// The count lives in the profile folder (unlock-failures.json), so quitting and restarting the app
// does not reset it. This slows guessing through the app only; someone who copies the folder
// attacks the key file offline and is slowed by Argon2id alone (docs/THREAT-MODEL.md "Passphrase").
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from './errors.ts';

export const UNLOCK_FAILURES_FILE = 'unlock-failures.json';
export const FREE_FAILURES = 3;
export const MAX_UNLOCK_DELAY_MS = 15 * 60_000;

interface Failures { count: number; lastAt: number }

/** How long to wait after `count` wrong passphrases in a row. */
export function unlockDelayMs(count: number): number {
  if (count < FREE_FAILURES) return 0;
  return Math.min(MAX_UNLOCK_DELAY_MS, 1000 * 2 ** (count - FREE_FAILURES));
}

function read(dir: string): Failures {
  try {
    const v: unknown = JSON.parse(readFileSync(join(dir, UNLOCK_FAILURES_FILE), 'utf8'));
    if (typeof v === 'object' && v !== null && 'count' in v && 'lastAt' in v) {
      const { count, lastAt } = v;
      if (Number.isSafeInteger(count) && Number.isSafeInteger(lastAt)) return { count: count as number, lastAt: lastAt as number };
    }
  } catch {
    // No file (or a damaged one): no failures recorded.
  }
  return { count: 0, lastAt: 0 };
}

/** Throws UNLOCK_DELAYED (with the wait left) while the last failure's delay runs. */
export function checkUnlockAllowed(dir: string, now: number): void {
  const f = read(dir);
  const waitUntil = f.lastAt + unlockDelayMs(f.count);
  // A clock set back must not lock the user out for longer than the longest delay.
  if (now < waitUntil && waitUntil - now <= MAX_UNLOCK_DELAY_MS) throw StoreError.UNLOCK_DELAYED(waitUntil - now);
}

/** Counts a wrong passphrase; returns the wait now due before the next try (0 for none). */
export function recordUnlockFailure(dir: string, now: number): number {
  const count = read(dir).count + 1;
  try {
    writeFileSync(join(dir, UNLOCK_FAILURES_FILE), JSON.stringify({ count, lastAt: now }), { mode: 0o600 });
  } catch {
    // A read-only folder cannot count; the Argon2id cost still applies to every try.
  }
  return unlockDelayMs(count);
}

export function clearUnlockFailures(dir: string): void {
  rmSync(join(dir, UNLOCK_FAILURES_FILE), { force: true });
}
