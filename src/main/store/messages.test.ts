import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProfile, unlockProfile, type ProfileStore } from './profile.ts';
import { isStoreError } from './errors.ts';
import { FAST_KDF, message, tempDir } from './testing.ts';

async function open(t: { after(fn: () => void): void }): Promise<{ store: ProfileStore; dir: string }> {
  const dir = tempDir(t);
  const store = await createProfile(dir, { name: 'A', passphrase: 'p', kdf: FAST_KDF });
  t.after(() => store.lock());
  return { store, dir };
}

test('append is idempotent per (contact, id): a re-sent message is stored once', async (t) => {
  const { store } = await open(t);
  assert.equal(await store.messages.append(message('m1')), true);
  assert.equal(await store.messages.append(message('m1', { body: 'changed' })), false);
  assert.equal((await store.messages.get('contact-1', 'm1'))?.body, 'body of m1', 'the duplicate wrote nothing');
  // The same id from another contact is another message (a peer cannot shadow someone else's ids).
  assert.equal(await store.messages.append(message('m1', { contactId: 'contact-2' })), true);
  assert.equal((await store.messages.history('contact-1', { limit: 10 })).length, 1);
});

test('outbox: queued and sent messages in order until acked; survives reopen', async (t) => {
  const { store, dir } = await open(t);
  for (const id of ['a', 'b', 'c', 'd']) await store.messages.append(message(id));
  await store.messages.append(message('in1', { direction: 'in', status: 'received' }));
  await store.messages.append(message('other', { contactId: 'contact-2' }));
  await store.messages.updateStatus('contact-1', 'a', 'sent');
  await store.messages.updateStatus('contact-1', 'b', 'acked');
  assert.deepEqual((await store.messages.listOutbox('contact-1')).map((m) => [m.id, m.status]),
    [['a', 'sent'], ['c', 'queued'], ['d', 'queued']]);
  store.lock();
  const again = await unlockProfile(dir, 'p');
  t.after(() => again.lock());
  assert.deepEqual((await again.messages.listOutbox('contact-1')).map((m) => m.id), ['a', 'c', 'd']);
  assert.deepEqual((await again.messages.listOutbox('contact-2')).map((m) => m.id), ['other']);
  assert.deepEqual(await again.messages.listOutbox('nobody'), []);
});

test('status only moves forward and must fit the direction', async (t) => {
  const { store } = await open(t);
  await store.messages.append(message('m'));
  assert.equal((await store.messages.updateStatus('contact-1', 'm', 'acked')).status, 'acked');
  // A late 'sent' (send callback after the ack arrived) must not put the message back in the outbox.
  assert.equal((await store.messages.updateStatus('contact-1', 'm', 'sent')).status, 'acked');
  assert.deepEqual(await store.messages.listOutbox('contact-1'), []);
  assert.equal((await store.messages.updateStatus('contact-1', 'm', 'read')).status, 'read');
  await assert.rejects(store.messages.updateStatus('contact-1', 'm', 'received'), (e: unknown) => isStoreError(e, 'INVALID_ARGUMENT'));
  await assert.rejects(store.messages.updateStatus('contact-1', 'nope', 'sent'), (e: unknown) => isStoreError(e, 'NOT_FOUND'));
  await assert.rejects(store.messages.updateStatus('contact-1', 'm', 'bogus' as never), (e: unknown) => isStoreError(e, 'INVALID_ARGUMENT'));
  await assert.rejects(store.messages.append(message('x', { direction: 'in', status: 'queued' })), (e: unknown) => isStoreError(e, 'INVALID_ARGUMENT'));
  await assert.rejects(store.messages.append(message('x', { body: 'y'.repeat(64 * 1024 + 1) })), (e: unknown) => isStoreError(e, 'INVALID_ARGUMENT'));
  await assert.rejects(store.messages.append({ id: 'x' } as never), (e: unknown) => isStoreError(e, 'INVALID_ARGUMENT'));
});

test('history pages newest first and continues with `before` (the smallest seq of a page)', async (t) => {
  const { store } = await open(t);
  for (let i = 0; i < 25; i++) {
    await store.messages.append(message(`m${i}`, { sentAt: 1_700_000_000_000 + i }));
    await store.messages.append(message(`noise${i}`, { contactId: 'contact-2' }));
  }
  const seen: string[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await store.messages.history('contact-1', before === undefined ? { limit: 10 } : { before, limit: 10 });
    if (page.length === 0) break;
    for (let i = 1; i < page.length; i++) assert.ok(page[i - 1]!.sentAt > page[i]!.sentAt, 'newest first');
    seen.push(...page.map((m) => m.id));
    before = Math.min(...page.map((m) => m.seq));
  }
  assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => `m${24 - i}`));
  await assert.rejects(store.messages.history('contact-1', { limit: 0 }), (e: unknown) => isStoreError(e, 'INVALID_ARGUMENT'));
  await assert.rejects(store.messages.history('contact-1', { limit: 10, before: -1 }), (e: unknown) => isStoreError(e, 'INVALID_ARGUMENT'));
});

test('history: one order for crossing messages whatever order they arrived in (sender time, then id)', async (t) => {
  const { store } = await open(t);
  const t0 = 1_700_000_000_000;
  // Alice's side stores her message first, Bob's side his; the same second, and the same ms.
  const mine = message('aa'.repeat(16), { sentAt: t0 + 5 });
  const theirs = message('bb'.repeat(16), { sentAt: t0 + 5, direction: 'in', status: 'received' });
  const earlier = message('cc'.repeat(16), { sentAt: t0 + 1, direction: 'in', status: 'received' });
  for (const m of [mine, theirs, earlier]) await store.messages.append(m);
  const aliceSide = (await store.messages.history('contact-1', { limit: 10 })).map((m) => m.id);
  await store.messages.deleteConversation('contact-1');
  for (const m of [earlier, theirs, mine].reverse()) await store.messages.append(m);
  const bobSide = (await store.messages.history('contact-1', { limit: 10 })).map((m) => m.id);
  assert.deepEqual(aliceSide, bobSide);
  assert.deepEqual(aliceSide, [theirs.id, mine.id, earlier.id], 'newest first: sender time, then id');
});

test('unread counts per contact; markRead; deleteConversation', async (t) => {
  const { store, dir } = await open(t);
  for (let i = 0; i < 3; i++) await store.messages.append(message(`a${i}`, { direction: 'in', status: 'received' }));
  for (let i = 0; i < 2; i++) await store.messages.append(message(`b${i}`, { contactId: 'contact-2', direction: 'in', status: 'received' }));
  await store.messages.append(message('mine'));
  assert.deepEqual(await store.messages.unreadCounts(), { 'contact-1': 3, 'contact-2': 2 });
  await store.messages.updateStatus('contact-1', 'a1', 'read');
  assert.equal(await store.messages.unreadCount('contact-1'), 2);
  store.lock();
  const again = await unlockProfile(dir, 'p');
  t.after(() => again.lock());
  assert.deepEqual(await again.messages.unreadCounts(), { 'contact-1': 2, 'contact-2': 2 });
  assert.equal(await again.messages.markRead('contact-1'), 2);
  assert.deepEqual(await again.messages.unreadCounts(), { 'contact-2': 2 });
  assert.ok((await again.messages.history('contact-1', { limit: 10 })).filter((m) => m.direction === 'in').every((m) => m.status === 'read'));
  assert.equal(await again.messages.deleteConversation('contact-2'), 2);
  assert.deepEqual(await again.messages.unreadCounts(), {});
  assert.deepEqual(await again.messages.history('contact-2', { limit: 10 }), []);
  // Sequence numbers never repeat after deletes (they are part of each row's associated data).
  await again.messages.append(message('last', { contactId: 'contact-3' }));
  const lastSeq = (await again.messages.get('contact-3', 'last'))!.seq;
  await again.messages.deleteConversation('contact-3');
  await again.messages.append(message('after', { contactId: 'contact-3' }));
  assert.equal((await again.messages.get('contact-3', 'after'))!.seq, lastSeq + 1);
});
