import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareBytes } from '../../protocol/index.ts';
import { preferLink } from './tie-break.ts';
import { identity } from './test-support.ts';

const one = await identity(1);
const two = await identity(2);
// Name the two so that `low` has the smaller identity key, whatever the seeds give.
const [low, high] = compareBytes(one.publicKey, two.publicKey) < 0 ? [one, two] : [two, one];

test('tie-break: both sides pick the same link from their own point of view', () => {
  const lowView = { ours: { initiator: true }, theirs: { initiator: false } };
  const highView = { ours: { initiator: true }, theirs: { initiator: false } };
  // low's view: keep the one low dialed (ours), in either arrival order.
  assert.equal(preferLink(lowView.ours, lowView.theirs, low.publicKey, high.publicKey), lowView.ours);
  assert.equal(preferLink(lowView.theirs, lowView.ours, low.publicKey, high.publicKey), lowView.ours);
  // high's view: keep the one low dialed (theirs), in either arrival order.
  assert.equal(preferLink(highView.ours, highView.theirs, high.publicKey, low.publicKey), highView.theirs);
  assert.equal(preferLink(highView.theirs, highView.ours, high.publicKey, low.publicKey), highView.theirs);
  // Same dialer twice: the newer one wins (the dialer redialed because the old one died).
  const older = { initiator: true };
  const newer = { initiator: true };
  assert.equal(preferLink(older, newer, low.publicKey, high.publicKey), newer);
});
