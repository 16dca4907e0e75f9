// Argon2id in a worker thread (issue 11 item 5): the same key as on this thread, and this thread's
// event loop keeps turning while the worker derives (it did not turn at all before: the whole
// derivation was one synchronous call). How long each turn may take is the benchmark's business
// (bench/store.bench.ts), not a test's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KDF_INTERACTIVE, newKdfParams, sodiumReady } from './crypto.ts';
import { deriveKekOffThread } from './kdf-worker.ts';

const seeded = (n: number): Uint8Array => new Uint8Array(n).map((_, i) => (i * 7 + 3) & 0xff);

test('the worker derives the same KEK as this thread', async () => {
  await sodiumReady();
  const params = newKdfParams({ opslimit: 2, memlimit: 8 * 1024 * 1024 }, seeded);
  const pass = new TextEncoder().encode('correct horse battery staple');
  const here = await deriveKekOffThread(pass, params, { offThread: false });
  const there = await deriveKekOffThread(pass, params);
  assert.equal(there.length, 32);
  assert.deepEqual(there, here);
  assert.equal(new TextDecoder().decode(pass), 'correct horse battery staple', 'the caller keeps its passphrase bytes');
  const other = await deriveKekOffThread(new TextEncoder().encode('another one'), params);
  assert.notDeepEqual(other, here);
});

test('this thread keeps running while the worker derives an INTERACTIVE key', async () => {
  await sodiumReady();
  const params = newKdfParams(KDF_INTERACTIVE, seeded);
  let turns = 0;
  let running = true;
  const spin = (): void => { if (running) { turns++; setImmediate(spin); } };
  spin();
  const offThread = await deriveKekOffThread(new TextEncoder().encode('pw'), params);
  running = false;
  const whileOffThread = turns;
  turns = 0;
  running = true;
  spin();
  await deriveKekOffThread(new TextEncoder().encode('pw'), params, { offThread: false });
  running = false;
  assert.ok(whileOffThread > 10, `the event loop turned ${whileOffThread} times during the worker's derivation`);
  assert.ok(turns <= 2, `on this thread the derivation is one blocking call (${turns} turns)`);
  assert.equal(offThread.length, 32);
});
