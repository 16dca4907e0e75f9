// A revoke during a dual-dial race (issue 9 item 4): both sides dial at once, each holds two real
// links for a moment, and the tie-break (DESIGN D6: keep the link dialed by the smaller identity
// key) drops one. A revoke whose leave went out on the link the peer then drops must still reach
// the peer: the link that survives there gets the leave when it comes up on the revoking side.
// Real stores, real links over loopback TCP (channel-pair.ts); the channels are not started, so the
// test hands each link to a channel itself, in the order the race produced.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { compareBytes, fromHex } from '../../protocol/index.ts';
import { channelPair } from './channel-pair.ts';

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Two channels without a link and two crossed dials, attached by nobody yet: `kept` is dialed by
 * the side with the smaller identity key (`small`), the one the tie-break keeps; `dropped` by `big`.
 */
async function crossedDials(t: TestContext) {
  const pair = await channelPair({ linked: false });
  t.after(() => pair.close());
  // Each side's record holds the other's key.
  const aKey = fromHex(pair.b.channel.record.identityPk, 32);
  const bKey = fromHex(pair.a.channel.record.identityPk, 32);
  const [small, big] = compareBytes(aKey, bKey) < 0 ? ['a', 'b'] as const : ['b', 'a'] as const;
  return { pair, small, big, kept: await pair.link(small), dropped: await pair.link(big) };
}

test('both sides keep the link dialed by the smaller key, and of two dials by one side the newer', async (t) => {
  const { pair, small, big, kept, dropped } = await crossedDials(t);
  // Seen in opposite orders on the two sides.
  pair[big].channel.attach(dropped[big], 'main');
  pair[big].channel.attach(kept[big], 'main');
  pair[small].channel.attach(kept[small], 'main');
  pair[small].channel.attach(dropped[small], 'main');
  // Cutting the kept link's far end takes each side offline only if that is the link it holds.
  kept[small].close('normal');
  await until('the larger side loses the link it kept', () => !pair[big].channel.linkUp);
  await until('the smaller side loses the link it kept', () => !pair[small].channel.linkUp);

  // A re-dial by one side (it thinks the old link died): the new link replaces the old one.
  const older = await pair.link(big);
  const newer = await pair.link(big);
  for (const link of [older, newer]) for (const s of ['a', 'b'] as const) pair[s].channel.attach(link[s], 'main');
  newer[small].close('normal');
  await until('the newer link was the one kept', () => !pair[big].channel.linkUp && !pair[small].channel.linkUp);
});

test('a revoke sent on the link the tie-break drops still reaches the revoked side', async (t) => {
  const { pair, small, big, kept, dropped } = await crossedDials(t);

  // The revoking (smaller) side has only the doomed link so far; the other side saw both and kept
  // the smaller side's dial, closing the doomed one as a duplicate (it reads nothing more on it).
  pair[small].channel.attach(dropped[small], 'main');
  pair[big].channel.attach(dropped[big], 'main');
  pair[big].channel.attach(kept[big], 'main');
  assert.equal(pair[big].channel.linkUp, true);

  // The revoke: its leave goes out on the doomed link, which the other side no longer reads.
  await pair[small].channel.stop({ dropEntries: false, bye: 'revoked' });
  // The surviving dial's handshake finishes only now on the revoking side (the rendezvous hands
  // it up after a revoke: rendezvous.test.ts).
  pair[small].channel.attach(kept[small], 'main');

  const revoked = pair[big];
  // The leave and then the bye arrive in order on one link: once it is down, the leave was read.
  await until('the surviving link closes', () => !revoked.channel.linkUp);
  assert.equal(revoked.revoked, 1, 'the revoked side was told, once');
});

test('links coming up after a plain stop (quit) are closed without a leave', async (t) => {
  const pair = await channelPair({ linked: false });
  t.after(() => pair.close());
  const late = await pair.link('a');
  await pair.a.channel.stop({ dropEntries: false, bye: 'shutdown' });
  pair.b.channel.attach(late.b, 'main');
  pair.a.channel.attach(late.a, 'main');
  await until('the link closes', () => !pair.b.channel.linkUp);
  assert.equal(pair.b.revoked, 0, 'a quit is not a revoke');
  assert.equal(pair.b.received.get('session'), undefined);
});
