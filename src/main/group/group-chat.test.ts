// Group chats as users meet them through SottoCore (issue 12): real cores, real stores, real
// ContactLinks over TCP, on loopback services (src/main/core/loopback-services.ts; no tor). Members
// here are contacts of each other, so every frame rides an existing contact link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeContactCode, ready, toHex } from '../../protocol/index.ts';
import { KDF_MINIMAL_FOR_TESTS } from '../store/index.ts';
import { SottoCore, type CoreTimings } from '../core/sotto-core.ts';
import { systemClock } from '../core/clock.ts';
import { LoopbackNetwork } from '../core/loopback-services.ts';
import { EventLog, presenceOf, until } from '../core/test-support.ts';
import type { GroupEvent, SessionMessageInfo } from './group-sessions.ts';

const TIMINGS: Partial<CoreTimings> = { lookupIntervalMs: 100, lookupMaxIntervalMs: 300, connectTimeoutMs: 5_000, expiryCheckMs: 1_000 };

interface Member { name: string; core: SottoCore; log: EventLog; hex: string; group: GroupEvent[] }

async function mesh(t: { after(fn: () => Promise<void>): void }, names: string[], pairs: [string, string][]): Promise<Map<string, Member>> {
  await ready();
  const root = await mkdtemp(join(tmpdir(), 'sotto-group-'));
  const net = new LoopbackNetwork();
  const members = new Map<string, Member>();
  t.after(async () => {
    await Promise.allSettled([...members.values()].map((m) => m.core.close()));
    await rm(root, { recursive: true, force: true });
  });
  for (const name of names) {
    const core = new SottoCore({ profileDir: join(root, name), services: net.services({ clock: systemClock }), kdf: KDF_MINIMAL_FOR_TESTS, timings: TIMINGS });
    const log = new EventLog(core);
    await core.createProfile({ displayName: name, passphrase: `pw-${name}` });
    const group: GroupEvent[] = [];
    core.onGroupEvent((e) => group.push(e));
    members.set(name, { name, core, log, hex: toHex(decodeContactCode(core.profile().contactCode)), group });
  }
  for (const [x, y] of pairs) {
    const X = members.get(x)!;
    const Y = members.get(y)!;
    const inv = await X.core.createInvitation({ kind: 'sealed', contactCode: Y.core.profile().contactCode });
    const accepted = await Y.core.acceptInvitation({ link: inv.link });
    await Promise.all([X.log.wait(presenceOf(inv.contactId!, 'online'), 10_000, 0), Y.log.wait(presenceOf(accepted.contact.id, 'online'), 10_000, 0)]);
    // Both may have dialed: one link is closed as a duplicate and what was written on it alone is
    // lost (docs/ARCHITECTURE.md, the dual-dial gap). A message acked each way means the link
    // that stays has carried traffic both ways.
    for (const [from, contactId] of [[X, inv.contactId!], [Y, accepted.contact.id]] as const) {
      const sent = await from.core.sendMessage({ contactId, body: 'hi' });
      await from.log.wait((e) => e.type === 'message-status' && e.messageId === sent.id && e.status === 'acked', 10_000, 0);
    }
  }
  return members;
}

function waitGroup<T extends GroupEvent>(m: Member, match: (e: GroupEvent) => e is T, what: string): Promise<T> {
  return until(() => m.group.some(match), 10_000, `${m.name}: ${what}`).then(() => m.group.find(match) as T);
}

const invitationTo = (e: GroupEvent): e is Extract<GroupEvent, { type: 'session-invitation' }> => e.type === 'session-invitation';
const joined = (e: GroupEvent): e is Extract<GroupEvent, { type: 'session-joined' }> => e.type === 'session-joined';

/** `inviter` invites `invitee` into `sessionId`; the invitee's user clicks join. */
async function inviteAndJoin(inviter: Member, invitee: Member, sessionId: string): Promise<void> {
  inviter.core.groupSessions().invite(sessionId, invitee.hex);
  const inv = await waitGroup(invitee, (e): e is Extract<GroupEvent, { type: 'session-invitation' }> => invitationTo(e) && e.invitation.sessionId === sessionId, 'invitation');
  assert.equal(inv.invitation.inviter, inviter.hex);
  invitee.core.groupSessions().answer(sessionId, true);
  await waitGroup(invitee, (e): e is Extract<GroupEvent, { type: 'session-joined' }> => joined(e) && e.session.sessionId === sessionId, 'joined');
}

const screen = (m: Member, sessionId: string, names: Map<string, string>): string[] =>
  m.core.groupSessions().messages(sessionId).map((x: SessionMessageInfo) => `${names.get(x.sender)}: ${x.body}`);

test('A starts a group chat, B joins, B invites C; all write and every screen shows each message once, in one order; A leaves, B and C go on', async (t) => {
  const ms = await mesh(t, ['A', 'B', 'C'], [['A', 'B'], ['B', 'C'], ['A', 'C']]);
  const [A, B, C] = ['A', 'B', 'C'].map((n) => ms.get(n)!) as [Member, Member, Member];
  const names = new Map([...ms.values()].map((m) => [m.hex, m.name]));
  const session = A.core.groupSessions().create('Friday plans');
  await inviteAndJoin(A, B, session.sessionId);
  await inviteAndJoin(B, C, session.sessionId);
  for (const m of [A, B, C]) {
    await until(() => m.core.groupSessions().list()[0]?.members.length === 3, 10_000, `${m.name} sees three members`);
  }
  // Everyone writes at once, twice: messages cross on the links.
  for (let round = 0; round < 2; round++) for (const m of [A, B, C]) m.core.groupSessions().send(session.sessionId, `${m.name}${round}`);
  for (const m of [A, B, C]) await until(() => m.core.groupSessions().messages(session.sessionId).length === 6, 10_000, `${m.name} has six messages`);
  const order = screen(A, session.sessionId, names);
  assert.deepEqual(screen(B, session.sessionId, names), order);
  assert.deepEqual(screen(C, session.sessionId, names), order);
  for (const m of [A, B, C]) {
    const shown = m.group.filter((e) => e.type === 'session-message').map((e) => e.type === 'session-message' ? e.message.id : '');
    assert.equal(new Set(shown).size, 6, `${m.name}: each message announced once`);
    assert.equal(shown.length, 6, `${m.name}: no message announced twice`);
  }
  // The coordinator leaves: the next longest-standing member (B) takes over.
  A.core.groupSessions().leave(session.sessionId);
  for (const m of [B, C]) {
    await until(() => {
      const s = m.core.groupSessions().list()[0];
      return s !== undefined && s.members.length === 2 && s.coordinator === B.hex;
    }, 10_000, `${m.name} sees A gone and B coordinating`);
  }
  C.core.groupSessions().send(session.sessionId, 'still here');
  await until(() => screen(B, session.sessionId, names).includes('C: still here'), 10_000, 'B gets C\'s message after A left');
  assert.throws(() => A.core.groupSessions().messages(session.sessionId), (e: unknown) => (e as { code?: string }).code === 'NO_SESSION');
});

test('invite preference "nobody": the invitation is rejected without asking; a reject frees the token for the next invite', async (t) => {
  const ms = await mesh(t, ['A', 'B', 'D'], [['A', 'B'], ['A', 'D']]);
  const [A, B, D] = ['A', 'B', 'D'].map((n) => ms.get(n)!) as [Member, Member, Member];
  D.core.groupSessions().setInvitePolicy({ who: 'nobody' });
  const session = A.core.groupSessions().create('x');
  A.core.groupSessions().invite(session.sessionId, D.hex);
  await waitGroup(A, (e): e is Extract<GroupEvent, { type: 'session-invite' }> => e.type === 'session-invite' && e.result === 'rejected', 'rejected');
  assert.ok(D.group.some((e) => e.type === 'session-invitation-refused'));
  assert.ok(!D.group.some(invitationTo), 'D\'s user was not asked');
  await inviteAndJoin(A, B, session.sessionId);
  assert.deepEqual(A.core.groupSessions().list()[0]!.members.sort(), [A.hex, B.hex].sort());
});

test('closing a profile leaves its sessions: the others see it go', async (t) => {
  const ms = await mesh(t, ['A', 'B'], [['A', 'B']]);
  const [A, B] = ['A', 'B'].map((n) => ms.get(n)!) as [Member, Member];
  const session = A.core.groupSessions().create('y');
  await inviteAndJoin(A, B, session.sessionId);
  await B.core.close();
  await until(() => A.core.groupSessions().list()[0]?.members.length === 1, 10_000, 'A sees B leave');
  assert.throws(() => B.core.groupSessions(), (e: unknown) => (e as { code?: string }).code === 'NOT_RUNNING');
});
