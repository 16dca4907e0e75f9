// The testbed an e2e run uses: the one scripts/run-tests.mjs started (SOTTO_TESTBED), never one
// of the spec's own (a second Tor network would not fit a 2-core machine next to the first).
import { existsSync } from 'node:fs';

export function testbedPath(): string {
  const path = process.env.SOTTO_TESTBED;
  if (!path) throw new Error('SOTTO_TESTBED is not set: run e2e through `npm run e2e` (or `npm test`)');
  if (!existsSync(path)) throw new Error(`SOTTO_TESTBED points at ${path}, which does not exist`);
  return path;
}
