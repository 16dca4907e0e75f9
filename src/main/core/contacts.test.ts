// Per-contact features as a user meets them through the SottoCore API and its events (issue 5
// items 3 and 7): receipts and typing opt-ins, block/unblock, delete, history paging and unread
// counts across a restart, passphrase change. Two real cores (real store, real ContactLinks over
// TCP) on loopback services (loopback-services.ts): no tor, each test a second or two.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conversationOrder, decodeContactCode, ready, toHex } from '../../protocol/index.ts';
import { KDF_MINIMAL_FOR_TESTS } from '../store/index.ts';
import { SottoCore, type CoreTimings } from './sotto-core.ts';
import { systemClock } from './clock.ts';
import { LoopbackNetwork } from './loopback-services.ts';
import { EventLog, presenceOf } from './test-support.ts';
import type { CoreEvent, MessageInfo } from './types.ts';

const TIMINGS: Partial<CoreTimings> = { lookupIntervalMs: 100, lookupMaxIntervalMs: 300, connectTimeoutMs: 5_000, expiryCheckMs: 1_000 };

const code = (c: string) => (e: unknown) => (e as { code?: string }).code === c;

interface Side { core: SottoCore; log: EventLog; hex: string; dir: string; passphrase: string; peerId: string }

/**
 * Alice and Bob paired by a sealed invitation and both online; `restart` reopens a side's profile
 * in a new core (same directory, same network) as a relaunched app would.
 */
async function pair(t: { after(fn: () => Promise<void>): void }, prefix: string) {
  await ready();
  const root = await mkdtemp(join(tmpdir(), `sotto-${prefix}-`));
  const net = new LoopbackNetwork();
  const open = (dir: string) => {
    const core = new SottoCore({ profileDir: dir, services: net.services({ clock: systemClock }), kdf: KDF_MINIMAL_FOR_TESTS, timings: TIMINGS });
    return { core, log: new EventLog(core) };
  };
  const make = async (name: string): Promise<Side> => {
    const dir = join(root, name);
    const { core, log } = open(dir);
    await core.createProfile({ displayName: name, passphrase: `pw-${name}` });
    return { core, log, dir, passphrase: `pw-${name}`, hex: toHex(decodeContactCode(core.profile().contactCode)), peerId: '' };
  };
  const A = await make('alice');
  const B = await make('bob');
  const all = [A, B];
  t.after(async () => { await Promise.allSettled(all.map((s) => s.core.close())); await rm(root, { recursive: true, force: true }); });
  const inv = await A.core.createInvitation({ kind: 'sealed', contactCode: B.core.profile().contactCode });
  B.peerId = (await B.core.acceptInvitation({ link: inv.link })).contact.id;
  A.peerId = inv.contactId!;
  await Promise.all([A.log.wait(presenceOf(A.peerId, 'online'), 10_000, 0), B.log.wait(presenceOf(B.peerId, 'online'), 10_000, 0)]);
  const restart = async (s: Side, passphrase = s.passphrase): Promise<Side> => {
    await s.core.close();
    const { core, log } = open(s.dir);
    const next = { ...s, core, log };
    all.push(next);
    await core.unlock({ passphrase });
    return next;
  };
  return { A, B, net, restart };
}

/** Sends `body` from one side and waits until the other side has it. */
async function deliver(from: Side, to: Side, body: string): Promise<MessageInfo> {
  const m = await from.core.sendMessage({ contactId: from.peerId, body });
  await to.log.wait((e) => e.type === 'message' && e.message.id === m.id, 5_000, 0);
  return m;
}

/**
 * Frames on one link arrive in order: once a message sent after X has arrived, X (had it been
 * sent) has arrived too. And X was handled before it: a message is reported after its commit,
 * which is deferred past the turn it arrived in (CommitBatch), while a receipt's or typing
 * frame's handling ends within the turn it arrived in.
 */
async function drain(from: Side, to: Side): Promise<void> {
  await deliver(from, to, 'sentinel');
}

const statusOf = (s: Side, id: string, status: string) => (e: CoreEvent): boolean =>
  e.type === 'message-status' && e.contactId === s.peerId && e.messageId === id && e.status === status;

test('read receipts are the reader\'s opt-in per contact: off by default (ack only), on -> the sender sees "read", off again -> nothing', async (t) => {
  const { A, B } = await pair(t, 'receipts');
  assert.equal((await A.core.getContact({ id: A.peerId })).receipts, false, 'off by default');
  assert.equal((await B.core.getContact({ id: B.peerId })).receipts, false);

  // Off: Bob reads, Alice only learns that the message arrived (ack).
  const m1 = await deliver(A, B, 'one');
  await A.log.wait(statusOf(A, m1.id, 'acked'), 5_000, 0);
  assert.deepEqual(await B.core.markRead({ contactId: B.peerId }), { unread: 0 });
  await drain(B, A);
  assert.equal(A.log.events.some(statusOf(A, m1.id, 'read')), false, 'no read receipt while Bob has receipts off');
  assert.equal((await A.core.history({ contactId: A.peerId })).messages.find((m) => m.id === m1.id)?.status, 'acked');

  // Bob turns receipts on for Alice (Alice's own flag stays off: it governs what Alice sends).
  assert.equal((await B.core.updateContact({ id: B.peerId, receipts: true })).receipts, true);
  const m2 = await deliver(A, B, 'two');
  await A.log.wait(statusOf(A, m2.id, 'acked'), 5_000, 0);
  await B.core.markRead({ contactId: B.peerId });
  await A.log.wait(statusOf(A, m2.id, 'read'), 5_000, 0);
  assert.equal((await A.core.history({ contactId: A.peerId })).messages.find((m) => m.id === m2.id)?.status, 'read', 'persisted at the sender');

  // And off again.
  await B.core.updateContact({ id: B.peerId, receipts: false });
  const m3 = await deliver(A, B, 'three');
  await A.log.wait(statusOf(A, m3.id, 'acked'), 5_000, 0);
  await B.core.markRead({ contactId: B.peerId });
  await drain(B, A);
  assert.equal(A.log.events.some(statusOf(A, m3.id, 'read')), false, 'receipts stop once Bob turns them off');
  assert.equal((await A.core.history({ contactId: A.peerId })).messages.find((m) => m.id === m3.id)?.status, 'acked');
});

test('typing indicators need both opt-ins: the typer sends only if it allows typing for that contact, the other shows them only if it does too', async (t) => {
  const { A, B } = await pair(t, 'typing');
  const typingAt = (s: Side, since: number) => s.log.events.slice(since).filter((e) => e.type === 'typing');

  // Both off (default): nothing.
  let mb = B.log.mark;
  A.core.setTyping({ contactId: A.peerId, active: true });
  await drain(A, B);
  assert.deepEqual(typingAt(B, mb), [], 'default: no typing event');

  // Only the typer opted in: the receiver, who has not, shows nothing.
  await A.core.updateContact({ id: A.peerId, typing: true });
  mb = B.log.mark;
  A.core.setTyping({ contactId: A.peerId, active: true });
  await drain(A, B);
  assert.deepEqual(typingAt(B, mb), [], 'receiver has typing off for the sender');

  // Only the receiver opted in: the typer, who has not, sends nothing.
  await A.core.updateContact({ id: A.peerId, typing: false });
  await B.core.updateContact({ id: B.peerId, typing: true });
  mb = B.log.mark;
  A.core.setTyping({ contactId: A.peerId, active: true });
  await drain(A, B);
  assert.deepEqual(typingAt(B, mb), [], 'typer has typing off for the receiver');

  // Both on: start and stop arrive, in order, for the right contact.
  await A.core.updateContact({ id: A.peerId, typing: true });
  mb = B.log.mark;
  A.core.setTyping({ contactId: A.peerId, active: true });
  A.core.setTyping({ contactId: A.peerId, active: false });
  await B.log.wait((e) => e.type === 'typing' && !e.active, 5_000, mb);
  assert.deepEqual(typingAt(B, mb), [
    { type: 'typing', contactId: B.peerId, active: true },
    { type: 'typing', contactId: B.peerId, active: false },
  ]);
  // The other direction is governed by the same two flags, now both on.
  const ma = A.log.mark;
  B.core.setTyping({ contactId: B.peerId, active: true });
  await A.log.wait((e) => e.type === 'typing' && e.contactId === A.peerId && e.active, 5_000, ma);

  assert.throws(() => A.core.setTyping({ contactId: A.peerId, active: 'yes' as unknown as boolean }), code('BAD_INPUT'));
});

test('block: the blocked contact sees us offline, finds no entry or endpoint and cannot deliver; unblock restores presence and the queued message', async (t) => {
  const { A, B, net } = await pair(t, 'block');
  assert.equal(net.footprint(A.hex).endpoints.length, 1);
  // Let the pairing settle first: both sides dial at once, and for a few ms each may hold a
  // different link whose other end still waits for hello. A block inside that window shows Bob
  // one "online" blip of ~1 ms (the pending end opens with Alice's bye right behind the hello).
  await deliver(A, B, 'settle');
  await deliver(B, A, 'settled');

  const mb = B.log.mark;
  const blocked = await A.core.blockContact({ id: A.peerId });
  assert.equal(blocked.phase, 'blocked');
  assert.equal(blocked.presence.state, 'offline');
  await B.log.wait(presenceOf(B.peerId, 'offline'), 5_000, mb);
  assert.deepEqual(net.footprint(A.hex), { endpoints: [], entries: [] }, 'nothing of Alice left for Bob to find or dial');
  await assert.rejects(A.core.sendMessage({ contactId: A.peerId, body: 'x' }), code('CONTACT_STATE'));
  await assert.rejects(A.core.blockContact({ id: A.peerId }), code('CONTACT_STATE'));

  // Bob writes anyway: it stays in his outbox, Alice never sees it.
  const ma = A.log.mark;
  const queued = await B.core.sendMessage({ contactId: B.peerId, body: 'are you there?' });
  await net.afterSweeps([A.hex, B.hex], 5); // five lookups by each: what they found was dialed
  assert.equal(A.log.events.slice(ma).some((e) => e.type === 'message'), false);
  assert.equal(A.log.events.slice(ma).some(presenceOf(A.peerId, 'online')), false, 'blocked contact never shows online');
  assert.equal((await B.core.history({ contactId: B.peerId })).messages.find((m) => m.id === queued.id)?.status, 'queued');
  assert.equal(B.log.events.slice(mb).some(presenceOf(B.peerId, 'online')), false, 'Bob sees Alice offline throughout');
  assert.equal((await B.core.getContact({ id: B.peerId })).presence.state, 'offline');

  // Unblock: both online again, Bob's outbox goes through, and Alice can write.
  const mb2 = B.log.mark;
  const ma2 = A.log.mark;
  assert.equal((await A.core.unblockContact({ id: A.peerId })).phase, 'confirmed');
  await Promise.all([A.log.wait(presenceOf(A.peerId, 'online'), 10_000, ma2), B.log.wait(presenceOf(B.peerId, 'online'), 10_000, mb2)]);
  await A.log.wait((e) => e.type === 'message' && e.message.id === queued.id, 5_000, ma2);
  await B.log.wait(statusOf(B, queued.id, 'acked'), 5_000, mb2);
  await deliver(A, B, 'back');
  await assert.rejects(A.core.unblockContact({ id: A.peerId }), code('CONTACT_STATE'));
});

test('delete: contact, history and every entry and endpoint of the pairing are gone; a later message from the ex-contact is not accepted', async (t) => {
  const { A, B, net } = await pair(t, 'delete');
  await deliver(A, B, 'hello bob');
  await deliver(B, A, 'hello alice');
  assert.equal((await B.core.history({ contactId: B.peerId })).messages.length, 2);

  const ma = A.log.mark;
  const mb = B.log.mark;
  await B.core.deleteContact({ id: B.peerId });
  await B.log.wait((e) => e.type === 'contact-removed' && e.contactId === B.peerId, 1_000, mb);
  assert.deepEqual(await B.core.listContacts(), []);
  await assert.rejects(B.core.getContact({ id: B.peerId }), code('NOT_FOUND'));
  assert.deepEqual((await B.core.history({ contactId: B.peerId })).messages, [], 'the conversation is deleted');
  await assert.rejects(B.core.sendMessage({ contactId: B.peerId, body: 'x' }), code('NOT_FOUND'));
  await assert.rejects(B.core.deleteContact({ id: B.peerId }), code('NOT_FOUND'));
  assert.deepEqual(net.footprint(B.hex), { endpoints: [], entries: [] }, 'no entry of Bob opens for this pairing any more, no endpoint answers');
  await A.log.wait(presenceOf(A.peerId, 'offline'), 5_000, ma);
  // Alice is told (the leave before the bye, docs/PROTOCOL.md): her record of Bob becomes revoked.
  await A.log.wait((e) => e.type === 'contact' && e.contact.id === A.peerId && e.contact.phase === 'revoked', 5_000, ma);

  // Alice (who still lists Bob) cannot write to him, nothing reaches Bob, and Bob dials no one.
  const dialsBefore = net.dials.length;
  await assert.rejects(A.core.sendMessage({ contactId: A.peerId, body: 'still there?' }), code('CONTACT_STATE'));
  await net.afterSweeps([A.hex, B.hex], 5);
  assert.equal(B.log.events.slice(mb).some((e) => e.type === 'message'), false);
  assert.equal(net.dials.slice(dialsBefore).some((d) => d.from === B.hex), false, 'Bob no longer looks for Alice');
  assert.equal(net.dials.slice(dialsBefore).some((d) => d.from === A.hex && d.ok), false, 'Alice finds no endpoint of Bob');
  assert.equal((await A.core.getContact({ id: A.peerId })).presence.state, 'offline');
  assert.deepEqual(await B.core.listContacts(), []);
});

test('history pages newest first with before/limit, and unread counts survive a restart of the receiver until markRead', async (t) => {
  const { A, B, restart } = await pair(t, 'history');
  const sent: MessageInfo[] = [];
  for (let i = 0; i < 5; i++) sent.push(await deliver(A, B, `a${i}`));
  const mine = await deliver(B, A, 'b0'); // outgoing: never unread
  for (let i = 5; i < 7; i++) sent.push(await deliver(A, B, `a${i}`));
  await B.log.wait((e) => e.type === 'unread' && e.contactId === B.peerId && e.count === 7, 5_000, 0);
  assert.equal((await B.core.getContact({ id: B.peerId })).unread, 7);
  await assert.rejects(B.core.history({ contactId: B.peerId, limit: 0 }), code('BAD_INPUT'), 'refused at the core boundary, before the store');
  await assert.rejects(B.core.history({ contactId: B.peerId, before: 'x' as unknown as number }), code('BAD_INPUT'));

  const B2 = await restart(B);
  const after = await B2.core.listContacts();
  assert.equal(after.length, 1);
  assert.equal(after[0]!.unread, 7, 'unread count survives the restart');

  // Page through 8 messages 3 at a time: 3 + 3 + 2, pages cut by arrival (seq), no gaps, no
  // repeats, each page newest first in conversation order (the sender's time, then the id: a
  // message sent within the same millisecond as the one it answers may sort either way).
  const newestFirst = (ms: MessageInfo[]): string[] => [...ms].sort(conversationOrder).reverse().map((m) => m.id);
  const ids: string[] = [];
  let before: number | undefined;
  const sizes: number[] = [];
  for (;;) {
    const page = await B2.core.history({ contactId: B2.peerId, limit: 3, ...(before === undefined ? {} : { before }) });
    sizes.push(page.messages.length);
    ids.push(...page.messages.map((m) => m.id));
    assert.deepEqual(page.messages.map((m) => m.id), newestFirst(page.messages), 'newest first within a page');
    if (page.nextBefore === null) break;
    assert.equal(page.nextBefore, Math.min(...page.messages.map((m) => m.seq)), 'nextBefore is the oldest seq of the page');
    before = page.nextBefore;
  }
  assert.deepEqual(sizes, [3, 3, 2]);
  assert.deepEqual([...ids].sort(), [...sent, mine].map((m) => m.id).sort(), 'every message once');
  const full = (await B2.core.history({ contactId: B2.peerId })).messages;
  assert.deepEqual(full.map((m) => m.id), newestFirst([...sent, mine]));
  assert.equal(full.find((m) => m.id === mine.id)?.direction, 'out');
  assert.equal(full.find((m) => m.id === mine.id)?.status, 'acked', 'outgoing status survives too');

  // The restarted Bob still receives (and counts) new messages.
  const m = B2.log.mark;
  await deliver(A, B2, 'after restart');
  await B2.log.wait((e) => e.type === 'unread' && e.contactId === B2.peerId && e.count === 8, 5_000, m);

  assert.deepEqual(await B2.core.markRead({ contactId: B2.peerId }), { unread: 0 });
  await B2.log.wait((e) => e.type === 'unread' && e.contactId === B2.peerId && e.count === 0, 1_000, m);
  assert.equal((await B2.core.history({ contactId: B2.peerId, limit: 1 })).messages[0]!.status, 'read');
  const B3 = await restart(B2);
  assert.equal((await B3.core.getContact({ id: B3.peerId })).unread, 0, 'read state survives the restart');
});

test('changePassphrase: a wrong current passphrase is refused and changes nothing; afterwards the old one is refused, the new one unlocks, data intact', async (t) => {
  const { A, B, restart } = await pair(t, 'passphrase');
  const m = await deliver(A, B, 'keep me');
  await assert.rejects(B.core.changePassphrase({ current: 'not it', next: 'x' }), code('WRONG_PASSPHRASE'));
  await assert.rejects(B.core.changePassphrase({ current: B.passphrase, next: 42 as unknown as string }), code('BAD_INPUT'));
  await B.core.changePassphrase({ current: B.passphrase, next: 'correct horse battery staple' });

  await B.core.lock();
  assert.equal(B.core.status().phase, 'locked');
  await assert.rejects(B.core.unlock({ passphrase: B.passphrase }), code('WRONG_PASSPHRASE'));
  assert.equal(B.core.status().phase, 'locked', 'a refused unlock leaves the core locked');
  await B.core.unlock({ passphrase: 'correct horse battery staple' });
  assert.equal(B.core.profile().displayName, 'bob');
  assert.equal((await B.core.history({ contactId: B.peerId })).messages[0]?.id, m.id);

  // A fresh core on the same profile directory: same answers.
  const ma = A.log.mark;
  const B2 = await restart(B, 'correct horse battery staple');
  const contacts = await B2.core.listContacts();
  assert.equal(contacts.length, 1);
  assert.equal(contacts[0]!.id, B.peerId);
  assert.equal(toHex(decodeContactCode(B2.core.profile().contactCode)), B.hex, 'same identity');
  await A.log.wait(presenceOf(A.peerId, 'online'), 10_000, ma);
  await deliver(A, B2, 'after the change');
  await B2.core.close();
  const B3 = { ...B2, core: new SottoCore({ profileDir: B2.dir, services: async () => { throw new Error('not reached'); }, kdf: KDF_MINIMAL_FOR_TESTS }) };
  await assert.rejects(B3.core.unlock({ passphrase: B.passphrase }), code('WRONG_PASSPHRASE'));
});

test('lock right after unlock returns (regression: a rendezvous stopped while its server was still binding hung shutdown)', async (t) => {
  const { B } = await pair(t, 'relock');
  // Measured before the fix: the first or second round hung for good (Node's server.close()
  // before 'listening' fires neither 'listening' nor 'error', so the background start never ended).
  for (let round = 0; round < 5; round++) {
    await B.core.lock();
    await B.core.unlock({ passphrase: B.passphrase });
    await B.core.listContacts(); // lets the background start reach the endpoint server's listen
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      B.core.lock().then(() => 'locked'),
      new Promise<string>((resolve) => { timer = setTimeout(() => resolve('hung'), 3_000); }),
    ]);
    clearTimeout(timer);
    assert.equal(outcome, 'locked', `round ${round}`);
    await B.core.unlock({ passphrase: B.passphrase });
  }
  assert.equal(B.core.status().phase, 'running');
});
