// The outbox flush (issue 11 item 3): a burst of k messages on one open link costs k message
// frames and k acks, not k^2/2 (every send used to re-send every unacked message); the flush waits
// for the stream when it is full (back-pressure) and resumes when it drains. Real stores, a real
// link over a loopback TCP pair (channel-pair.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { channelPair, type PairSide } from './channel-pair.ts';

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const drained = (s: PairSide) => async (): Promise<boolean> => (await s.store.messages.listOutbox(s.contactId)).length === 0;

test('a burst of k messages is k message frames and k acks, each stored once', async (t) => {
  const pair = await channelPair();
  t.after(() => pair.close());
  const { a, b } = pair;
  const K = 60;
  // A burst: every send persists and queues before any ack can come back.
  const sent = await Promise.all(Array.from({ length: K }, (_, i) => a.send(`burst ${i}`)));
  await until('every message acked', drained(a));
  assert.equal(b.received.get('message'), K, 'the receiver got each message exactly once');
  assert.equal(a.sends.byType.get('message'), K, 'the sender wrote each message exactly once');
  assert.equal(a.received.get('ack'), K, 'one ack per message');
  const stored = await b.store.messages.history(b.contactId, { limit: 500 });
  assert.deepEqual(stored.map((m) => m.id).sort(), sent.map((m) => m.id).sort());
  const atA = await a.store.messages.history(a.contactId, { limit: 500 });
  assert.ok(atA.every((m) => m.status === 'acked'), 'every message marked delivered');
  // 'sent' is the link's bookkeeping (not written): it was reported once per message.
  const sentEvents = a.events.filter((e) => e.type === 'message-status' && e.status === 'sent');
  assert.equal(sentEvents.length, K);
});

test('a second burst after the first is delivered is not mixed with re-sends of the first', async (t) => {
  const pair = await channelPair();
  t.after(() => pair.close());
  const { a, b } = pair;
  for (const round of [0, 1, 2]) {
    await Promise.all(Array.from({ length: 20 }, (_, i) => a.send(`round ${round} #${i}`)));
    await until(`round ${round} acked`, drained(a));
  }
  assert.equal(b.received.get('message'), 60);
  // And the other direction on the same link, interleaved with acks.
  await Promise.all(Array.from({ length: 20 }, (_, i) => b.send(`back ${i}`)));
  await until('replies acked', drained(b));
  assert.equal(a.received.get('message'), 20);
  assert.equal((await a.store.messages.unreadCount(a.contactId)), 20);
});

test('back-pressure: while the receiver does not read, the flush waits; nothing is dropped', async (t) => {
  const pair = await channelPair();
  t.after(() => pair.close());
  const { a, b } = pair;
  const K = 600;
  const big = 'x'.repeat(16_000);
  pair.sockets.b.pause();
  for (let i = 0; i < K; i++) await a.send(`${i} ${big}`);
  // The kernel and stream buffers fill up; then one send stays pending and the flush stops there.
  await until('a send waiting for the stream to drain', () => a.sends.pending === 1);
  const written = a.sends.byType.get('message') ?? 0;
  assert.ok(written < K, `the flush stopped writing at ${written} of ${K} while the peer did not read`);
  assert.equal(a.sends.maxPending, 1, 'never more than one frame waits on the stream');
  pair.sockets.b.resume();
  await until('every message acked', drained(a), 60_000);
  assert.equal(b.received.get('message'), K);
  assert.equal(await b.store.messages.unreadCount(b.contactId), K, 'each stored once');
});

test('delivered is shown when the ack arrives; a lost `acked` commit means one re-send on the next link, one copy', async (t) => {
  const pair = await channelPair();
  t.after(() => pair.close());
  const { a, b } = pair;
  // Our own `acked` commit fails once (a full disk, a crash before it): the ack was already shown.
  const messages = a.store.messages;
  const update = messages.updateStatusMany.bind(messages);
  let failures = 0;
  messages.updateStatusMany = async (...args) => {
    if (failures++ === 0) throw new Error('disk full');
    return update(...args);
  };
  const m = await a.send('hello');
  const acked = (): boolean => a.events.some((e) => e.type === 'message-status' && e.messageId === m.id && e.status === 'acked');
  await until('acked shown', acked);
  await until('the failed commit reported', () => a.events.some((e) => e.type === 'warning' && e.code === 'OUTBOX'));
  assert.equal((await messages.listOutbox(a.contactId)).length, 1, 'the store still says queued');
  assert.equal(a.sends.byType.get('message'), 1);

  await pair.relink();
  await until('the next link delivers it again and the ack is stored', drained(a));
  assert.equal(a.sends.byType.get('message'), 2, 're-sent once, on the new link');
  assert.equal(b.received.get('message'), 2);
  assert.equal((await b.store.messages.history(b.contactId, { limit: 10 })).length, 1, 'the peer keeps one copy');
  assert.equal((await messages.history(a.contactId, { limit: 10 }))[0]?.status, 'acked');
});
