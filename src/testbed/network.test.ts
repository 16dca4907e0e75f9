import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveChildCount } from './child-guard.ts';
import { startTorNetwork } from './network.ts';

// The happy path needs a whole Tor network and runs in the int suite (shared testbed) and in
// `npm run testbed -- --smoke`; these are the failures a unit test can reach without one.

test('a missing tor binary is a coded error and leaves no child behind', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sotto-net-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await assert.rejects(
    startTorNetwork({ dir, torPath: join(dir, 'no-such-tor'), gencertPath: join(dir, 'no-such-gencert') }),
    { name: 'TestbedError', code: 'KEYGEN_FAILED' },
  );
  assert.equal(liveChildCount(), 0);
});

test('an aborted start rejects with ABORTED before spawning anything', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sotto-net-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await assert.rejects(startTorNetwork({ dir, signal: AbortSignal.abort() }), { code: 'ABORTED' });
  assert.equal(liveChildCount(), 0);
});
