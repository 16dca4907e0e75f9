// The invitation workflow as users meet it, on loopback services (real cores, real store, real
// ContactLinks over TCP; no tor): a link someone else already used says INVITATION_TAKEN and leaves
// nothing behind; a later invitation between the same two people re-keys the old record (after a
// revoke, after a failed attempt); after confirmation a later redeemer learns "taken" from the
// inviter's tombstone (the loopback registry keeps written records like the DHT); a finished
// invitation keeps neither s nor its link, whichever
// way it finished (confirm, decline, cancel, expiry). The same claims on the testbed:
// invitations.int.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeInvitation, ready, toHex } from '../../protocol/index.ts';
import { KDF_MINIMAL_FOR_TESTS, unlockProfile } from '../store/index.ts';
import { SottoCore, type CoreTimings } from './sotto-core.ts';
import { systemClock } from './clock.ts';
import { LoopbackNetwork } from './loopback-services.ts';
import { EventLog, presenceOf, until } from './test-support.ts';
import type { CoreEvent } from './types.ts';

const TIMINGS: Partial<CoreTimings> = { lookupIntervalMs: 100, lookupMaxIntervalMs: 300, connectTimeoutMs: 5_000, expiryCheckMs: 200 };

const errorCode = (c: string) => (e: unknown): boolean => (e as { code?: string }).code === c;
const warned = (code: string) => (e: CoreEvent): boolean => e.type === 'warning' && e.code === code;

interface Person { core: SottoCore; log: EventLog; dir: string; passphrase: string }

async function people(t: { after(fn: () => Promise<void>): void }, names: string[]): Promise<Person[]> {
  await ready();
  const root = await mkdtemp(join(tmpdir(), 'sotto-invitations-'));
  const net = new LoopbackNetwork();
  const all: Person[] = [];
  t.after(async () => { await Promise.allSettled(all.map((p) => p.core.close())); await rm(root, { recursive: true, force: true }); });
  for (const name of names) {
    const dir = join(root, name);
    const core = new SottoCore({ profileDir: dir, services: net.services({ clock: systemClock }), kdf: KDF_MINIMAL_FOR_TESTS, timings: TIMINGS });
    const p = { core, log: new EventLog(core), dir, passphrase: `pw-${name}` };
    await core.createProfile({ displayName: name, passphrase: p.passphrase });
    all.push(p);
  }
  return all;
}

/** The inviter's stored invitation records, read as someone with the passphrase would (core closed). */
async function storedInvitations(p: Person): Promise<string[]> {
  await p.core.close();
  const store = await unlockProfile(p.dir, p.passphrase);
  try {
    return (await store.invitations.list()).map((r) => JSON.stringify(r.record));
  } finally {
    store.lock();
  }
}

function secretOf(link: string): string {
  const inv = decodeInvitation(link);
  assert.equal(inv.form, 'open');
  return toHex((inv as { secret: Uint8Array }).secret);
}

test('a used open link: the next redeemer hears INVITATION_TAKEN at once, keeps no pending contact, and may be invited again', async (t) => {
  const [A, B, C] = await people(t, ['alice', 'bob', 'carol']);
  const inv = await A!.core.createInvitation({ kind: 'open' });
  await B!.core.acceptInvitation({ link: inv.link });
  await A!.log.wait((e) => e.type === 'invitation-redeemed', 10_000, 0);

  // Carol comes while Alice is still deciding about Bob: the live session under s turns her away.
  // (After confirmation nothing answers under s at all: docs/THREAT-MODEL.md "Invitation-mail reader".)
  const carols = (await C!.core.acceptInvitation({ link: inv.link })).contact;
  assert.equal(carols.phase, 'pending');
  const taken = await C!.log.wait(warned('INVITATION_TAKEN'), 10_000, 0);
  assert.ok(taken.type === 'warning' && taken.message.includes('alice'), 'the warning names the inviter, in words');
  await until(() => C!.log.events.some((e) => e.type === 'contact-removed' && e.contactId === carols.id), 5_000, 'pending contact removed');
  assert.equal((await C!.core.listContacts()).length, 0);
  await assert.rejects(C!.core.acceptInvitation({ link: inv.link }), errorCode('INVITATION_TAKEN'));
  const bob = await A!.core.confirmInvitation({ id: inv.id });
  await A!.log.wait(presenceOf(bob.id, 'online'), 10_000, 0);
  assert.equal((await A!.core.getContact({ id: bob.id })).phase, 'confirmed', "Bob's contact is untouched");
  await B!.log.wait((e) => e.type === 'contact' && e.contact.phase === 'confirmed', 10_000, 0);

  // The same two people, a new invitation: it works.
  const sealed = await A!.core.createInvitation({ kind: 'sealed', contactCode: C!.core.profile().contactCode });
  const carolSeesAlice = (await C!.core.acceptInvitation({ link: sealed.link })).contact.id;
  await Promise.all([A!.log.wait(presenceOf(sealed.contactId!, 'online'), 10_000, 0), C!.log.wait(presenceOf(carolSeesAlice, 'online'), 10_000, 0)]);
});

test('after confirmation a later redeemer learns "taken" from the tombstone: at once, and after a restart while pending', async (t) => {
  const [A, B, C, D] = await people(t, ['alice', 'bob', 'carol', 'dave']);
  const inv = await A!.core.createInvitation({ kind: 'open' });
  await B!.core.acceptInvitation({ link: inv.link });
  await A!.log.wait((e) => e.type === 'invitation-redeemed', 10_000, 0);
  // Carol redeems while Alice is locked (nothing answers under s), then quits while still pending.
  await A!.core.lock();
  const carols = (await C!.core.acceptInvitation({ link: inv.link })).contact;
  assert.equal(carols.phase, 'pending');
  await C!.core.lock();
  // Alice comes back and confirms Bob: her session under s retires, the tombstone is written once.
  await A!.core.unlock({ passphrase: A!.passphrase });
  const bob = await A!.core.confirmInvitation({ id: inv.id });
  await A!.log.wait(presenceOf(bob.id, 'online'), 10_000, 0);
  await B!.log.wait((e) => e.type === 'contact' && e.contact.phase === 'confirmed', 10_000, 0);
  assert.equal((await B!.core.listContacts())[0]?.phase, 'confirmed', 'Bob read his own tombstone (if at all) as no refusal');

  // Dave comes after the confirmation: "taken" in his first sweep, nothing left behind.
  const daves = (await D!.core.acceptInvitation({ link: inv.link })).contact;
  const taken = await D!.log.wait(warned('INVITATION_TAKEN'), 10_000, 0);
  assert.ok(taken.type === 'warning' && taken.message.includes('alice'));
  await until(() => D!.log.events.some((e) => e.type === 'contact-removed' && e.contactId === daves.id), 5_000, 'pending contact removed');
  assert.equal((await D!.core.listContacts()).length, 0);
  await assert.rejects(D!.core.acceptInvitation({ link: inv.link }), errorCode('INVITATION_TAKEN'));

  // Carol's redemption resumes at her next unlock and reads the tombstone then.
  const carolMark = C!.log.mark;
  await C!.core.unlock({ passphrase: C!.passphrase });
  await C!.log.wait(warned('INVITATION_TAKEN'), 10_000, carolMark);
  await until(() => C!.log.events.slice(carolMark).some((e) => e.type === 'contact-removed' && e.contactId === carols.id), 5_000, 'pending contact removed');
  assert.equal((await C!.core.listContacts()).length, 0, 'no stuck pending contact after the restart');
  assert.equal((await A!.core.getContact({ id: bob.id })).phase, 'confirmed');
});

test('a revoke is told to the revoked side; then the same two people pair again: each old record replaced, nickname and history kept', async (t) => {
  const [A, B] = await people(t, ['alice', 'bob']);
  const first = await A!.core.createInvitation({ kind: 'sealed', contactCode: B!.core.profile().contactCode });
  const bobSeesAlice = (await B!.core.acceptInvitation({ link: first.link })).contact.id;
  await A!.log.wait(presenceOf(first.contactId!, 'online'), 10_000, 0);
  await A!.core.sendMessage({ contactId: first.contactId!, body: 'before the revoke' });
  await until(() => B!.log.events.some((e) => e.type === 'message' && e.message.body === 'before the revoke'), 10_000, 'message');

  const revokedMark = B!.log.mark;
  await A!.core.revokeContact({ id: first.contactId! });
  // The revoked side is told over the link (bye 'revoked'), in words, and sees Alice offline.
  const told = await B!.log.wait(warned('CONTACT_REVOKED'), 10_000, revokedMark);
  assert.ok(told.type === 'warning' && /alice removed you/.test(told.message));
  const bobsView = await B!.core.getContact({ id: bobSeesAlice });
  assert.equal(bobsView.phase, 'revoked');
  assert.equal(bobsView.presence.state, 'offline');
  await assert.rejects(B!.core.sendMessage({ contactId: bobSeesAlice, body: 'hello?' }), errorCode('CONTACT_STATE'));
  // A revoked contact is no reason to refuse a new invitation (it was ALREADY_CONTACT).
  await B!.core.updateContact({ id: bobSeesAlice, nickname: 'Alice L' });
  const second = await A!.core.createInvitation({ kind: 'sealed', contactCode: B!.core.profile().contactCode });
  assert.notEqual(second.contactId, first.contactId, 'a fresh record replaces the revoked one');
  assert.deepEqual((await A!.core.listContacts()).map((c) => c.id), [second.contactId]);
  const aMark = A!.log.mark;
  const bMark = B!.log.mark;
  const again = await B!.core.acceptInvitation({ link: second.link });
  assert.equal(again.contact.nickname, 'Alice L', "Bob's own name for Alice is kept");
  await Promise.all([A!.log.wait(presenceOf(second.contactId!, 'online'), 10_000, aMark), B!.log.wait(presenceOf(again.contact.id, 'online'), 10_000, bMark)]);
  assert.equal((await A!.core.getContact({ id: second.contactId! })).phase, 'confirmed');
  assert.deepEqual((await B!.core.listContacts()).map((c) => c.id), [again.contact.id], 'not doubled');
  for (const [core, id] of [[A!.core, second.contactId!], [B!.core, again.contact.id]] as const) {
    assert.deepEqual((await core.history({ contactId: id })).messages.map((m) => m.body), ['before the revoke'], 'history carried over');
  }
});

test('s and the link leave the inviter\'s records on confirm, decline, cancel and expiry', async (t) => {
  const [A, B, C] = await people(t, ['alice', 'bob', 'carol']);
  const secrets: string[] = [];
  const links: string[] = [];
  const open = async (opts: { ttlMs?: number } = {}) => {
    const inv = await A!.core.createInvitation({ kind: 'open' }, opts);
    secrets.push(secretOf(inv.link));
    links.push(inv.link);
    return inv;
  };
  // confirm
  const confirmed = await open();
  await B!.core.acceptInvitation({ link: confirmed.link });
  await A!.log.wait((e) => e.type === 'invitation-redeemed' && e.invitation.id === confirmed.id, 10_000, 0);
  await A!.core.confirmInvitation({ id: confirmed.id });
  // decline: the redeemer hears it in words
  const declined = await open();
  await C!.core.acceptInvitation({ link: declined.link });
  await A!.log.wait((e) => e.type === 'invitation-redeemed' && e.invitation.id === declined.id, 10_000, 0);
  await A!.core.declineInvitation({ id: declined.id });
  const words = await C!.log.wait(warned('INVITATION_DECLINED'), 10_000, 0);
  assert.ok(words.type === 'warning' && /alice declined/.test(words.message));
  // cancel
  const cancelled = await open();
  await A!.core.cancelInvitation({ id: cancelled.id });
  // expiry
  const expiring = await open({ ttlMs: 300 });
  await A!.log.wait((e) => e.type === 'invitation' && e.invitation.id === expiring.id && e.invitation.state === 'expired', 10_000, 0);

  const shown = await A!.core.listInvitations();
  assert.deepEqual(shown.map((i) => [i.state, i.link]).sort(),
    [['cancelled', ''], ['cancelled', ''], ['expired', ''], ['redeemed', '']], 'no finished invitation shows its link');
  const records = await storedInvitations(A!);
  assert.equal(records.length, 4);
  for (const r of records) {
    for (const s of secrets) assert.ok(!r.includes(s), `s still stored: ${r}`);
    for (const l of links) assert.ok(!r.includes(l), `link still stored: ${r}`);
  }
});
