// Wrong passphrases are slowed down and the count survives a restart (issue 9 item 9); a strong
// enough new passphrase is required (passphrase-strength.ts).
import { test } from 'node:test';
import { MIN_PASSPHRASE_SCORE as CONTRACT_MIN_PASSPHRASE_SCORE } from '../../ipc/text.ts';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkNewPassphrase, createProfile, FREE_FAILURES, isStoreError, KDF_MINIMAL_FOR_TESTS, MIN_PASSPHRASE_SCORE, passphraseStrength, unlockDelayMs,
  UNLOCK_FAILURES_FILE, unlockProfile,
} from './index.ts';

test('unlock: after the free tries each wrong passphrase doubles the wait, counted on disk, cleared by the right one', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sotto-throttle-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  (await createProfile(dir, { name: 'a', passphrase: 'the right one', kdf: KDF_MINIMAL_FOR_TESTS })).lock();
  let now = 1_000_000;
  const clock = { now: () => now };
  for (let i = 1; i <= FREE_FAILURES; i++) {
    await assert.rejects(unlockProfile(dir, 'wrong', clock), (e: unknown) => isStoreError(e, 'WRONG_PASSPHRASE'));
  }
  // The third failure already set a 1 s wait; each call is a fresh process reading the same file.
  await assert.rejects(unlockProfile(dir, 'the right one', clock), (e: unknown) => {
    assert.ok(isStoreError(e, 'UNLOCK_DELAYED'));
    assert.equal((e as { retryAfterMs?: number }).retryAfterMs, 1000);
    assert.match((e as Error).message, /try again in 1 s/);
    return true;
  });
  now += 1000;
  await assert.rejects(unlockProfile(dir, 'wrong again', clock), (e: unknown) => {
    assert.ok(isStoreError(e, 'WRONG_PASSPHRASE'));
    assert.match((e as Error).message, /next one is possible in 2 s/);
    return true;
  });
  now += 1999;
  await assert.rejects(unlockProfile(dir, 'the right one', clock), (e: unknown) => isStoreError(e, 'UNLOCK_DELAYED'));
  now += 1;
  const store = await unlockProfile(dir, 'the right one', clock);
  store.lock();
  assert.equal(existsSync(join(dir, UNLOCK_FAILURES_FILE)), false, 'the right passphrase clears the count');
  assert.deepEqual([0, 1, 2, 3, 4, 5, 20].map(unlockDelayMs), [0, 0, 0, 1000, 2000, 4000, 15 * 60_000]);
});

test('passphrase strength: shown as words; a weak new passphrase is WEAK_PASSPHRASE with a hint', async () => {
  const weak = await passphraseStrength('pw');
  assert.equal(weak.acceptable, false);
  assert.equal(weak.label, 'very weak');
  await assert.rejects(checkNewPassphrase('password1', { minScore: 3 }), (e: unknown) => isStoreError(e, 'WEAK_PASSPHRASE') && /too easy to guess/.test((e as Error).message));
  await assert.rejects(checkNewPassphrase('alice1990', { minScore: 3, userInputs: ['alice'] }), (e: unknown) => isStoreError(e, 'WEAK_PASSPHRASE'));
  const good = await checkNewPassphrase('sam has many friends indeed', { minScore: 3 });
  assert.equal(good.acceptable, true);
  assert.ok(good.score >= 3);
  assert.ok((await passphraseStrength('x'.repeat(10_000))).acceptable, 'very long input is bounded, not slow');
});

test('the store refuses below the contract\'s minimum score, the number the renderer warns with', async () => {
  assert.equal(MIN_PASSPHRASE_SCORE, CONTRACT_MIN_PASSPHRASE_SCORE);
  const fair = await passphraseStrength('correct horse');
  assert.equal(fair.acceptable, fair.score >= CONTRACT_MIN_PASSPHRASE_SCORE);
});
