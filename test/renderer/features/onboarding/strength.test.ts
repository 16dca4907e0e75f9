// The renderer's early "too easy to guess" uses the contract's minimum score, the number the core
// refuses below (the core's side: src/main/store/unlock-throttle.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_PASSPHRASE_SCORE } from '../../../../src/ipc/text.ts';
import { passphraseStrength } from '../../../../src/renderer/features/onboarding/strength.ts';

test('a passphrase is acceptable exactly from the contract\'s minimum score on', async () => {
  const scores = new Set<number>();
  for (const p of ['pw', 'password1', 'alice1990', 'correct horse', 'sam has many friends indeed', 'lantern quietly orbits marmalade']) {
    const s = await passphraseStrength(p, ['alice']);
    scores.add(s.score);
    assert.equal(s.acceptable, s.score >= MIN_PASSPHRASE_SCORE, `${p}: score ${s.score}`);
  }
  assert.ok([...scores].some((s) => s < MIN_PASSPHRASE_SCORE) && [...scores].some((s) => s >= MIN_PASSPHRASE_SCORE), 'both sides of the line are tried');
  assert.equal(MIN_PASSPHRASE_SCORE, 3);
});
