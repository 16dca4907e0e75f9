// Group chats as users meet them through SottoCore (issue 12): real cores, real stores, real
// ContactLinks over TCP, on loopback services (src/main/core/loopback-services.ts; no tor). Members
// here are contacts of each other, so every frame rides an existing contact link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ready, toHex } from '../../protocol/index.ts';
import { KDF_MINIMAL_FOR_TESTS } from '../store/index.ts';
import { SottoCore, type CoreTimings } from '../core/sotto-core.ts';
import { systemClock } from '../core/clock.ts';
import { LoopbackNetwork } from '../core/loopback-services.ts';
import { EventLog, until } from '../core/test-support.ts';
import { chatRound, groupMember, inviteAndJoin, pairSettled, screen, untilView, waitGroup, type GroupMember } from './test-support.ts';

const TIMINGS: Partial<CoreTimings> = {
  lookupIntervalMs: 100, lookupMaxIntervalMs: 300, connectTimeoutMs: 5_000, expiryCheckMs: 1_000, sessionEndpointRetireMs: 300,
};
const WAIT_MS = 10_000;

interface Mesh { net: LoopbackNetwork; get(name: string): GroupMember }

async function mesh(t: { after(fn: () => Promise<void>): void }, names: string[], pairs: [string, string][]): Promise<Mesh> {
  await ready();
  const root = await mkdtemp(join(tmpdir(), 'sotto-group-'));
  const net = new LoopbackNetwork();
  const members: GroupMember[] = [];
  t.after(async () => {
    await Promise.allSettled(members.map((m) => m.core.close()));
    await rm(root, { recursive: true, force: true });
  });
  for (const name of names) {
    const core = new SottoCore({ profileDir: join(root, name), services: net.services({ clock: systemClock }), kdf: KDF_MINIMAL_FOR_TESTS, timings: TIMINGS });
    const log = new EventLog(core);
    await core.createProfile({ displayName: name, passphrase: `pw-${name}` });
    members.push(groupMember(name, core, log));
  }
  const byName = (n: string): GroupMember => members.find((m) => m.name === n)!;
  for (const [x, y] of pairs) await pairSettled(byName(x), byName(y), WAIT_MS);
  return { net, get: byName };
}

test('A starts a group chat, B joins, B invites C; all write and every screen shows each message once, in one order; A leaves, B and C go on', async (t) => {
  const ms = await mesh(t, ['A', 'B', 'C'], [['A', 'B'], ['B', 'C'], ['A', 'C']]);
  const [A, B, C] = [ms.get('A'), ms.get('B'), ms.get('C')];
  const session = A.core.groupSessions().create('Friday plans');
  await inviteAndJoin(A, B, session.sessionId, WAIT_MS);
  await inviteAndJoin(B, C, session.sessionId, WAIT_MS);
  for (const m of [A, B, C]) await until(() => m.core.groupSessions().list()[0]?.members.length === 3, WAIT_MS, `${m.name} sees three members`);
  await chatRound([A, B, C], session.sessionId, 2, WAIT_MS);
  // The coordinator leaves: the next longest-standing member (B) takes over.
  A.core.groupSessions().leave(session.sessionId);
  await untilView([B, C], session.sessionId, { members: 2, coordinator: B }, WAIT_MS);
  C.core.groupSessions().send(session.sessionId, 'still here');
  const names = new Map([A, B, C].map((m) => [m.hex, m.name]));
  await until(() => screen(B, session.sessionId, names).includes('C: still here'), WAIT_MS, 'B gets C\'s message after A left');
  assert.throws(() => A.core.groupSessions().messages(session.sessionId), (e: unknown) => (e as { code?: string }).code === 'NO_SESSION');
});

test('invite preference "nobody": the invitation is rejected without asking; a reject frees the token for the next invite', async (t) => {
  const ms = await mesh(t, ['A', 'B', 'D'], [['A', 'B'], ['A', 'D']]);
  const [A, B, D] = [ms.get('A'), ms.get('B'), ms.get('D')];
  await D.core.groupSessions().setInvitePolicy({ who: 'nobody' });
  const session = A.core.groupSessions().create('x');
  A.core.groupSessions().invite(session.sessionId, D.hex);
  await waitGroup(A, 'session-invite', (e) => e.result === 'rejected' && e.invitee === D.hex, WAIT_MS);
  assert.ok(D.group.some((e) => e.type === 'session-invitation-refused'));
  assert.ok(!D.group.some((e) => e.type === 'session-invitation'), 'D\'s user was not asked');
  await inviteAndJoin(A, B, session.sessionId, WAIT_MS);
  assert.deepEqual(A.core.groupSessions().list()[0]!.members.sort(), [A.hex, B.hex].sort());
});

test('closing a profile leaves its sessions: the others see it go', async (t) => {
  const ms = await mesh(t, ['A', 'B'], [['A', 'B']]);
  const [A, B] = [ms.get('A'), ms.get('B')];
  const session = A.core.groupSessions().create('y');
  await inviteAndJoin(A, B, session.sessionId, WAIT_MS);
  await B.core.close();
  await until(() => A.core.groupSessions().list()[0]?.members.length === 1, WAIT_MS, 'A sees B leave');
  assert.throws(() => B.core.groupSessions(), (e: unknown) => (e as { code?: string }).code === 'NOT_RUNNING');
});

test('a group message written on a link that dies at once goes again on the next link, and is shown once', async (t) => {
  const ms = await mesh(t, ['A', 'B'], [['A', 'B']]);
  const [A, B] = [ms.get('A'), ms.get('B')];
  const session = A.core.groupSessions().create('z');
  await inviteAndJoin(A, B, session.sessionId, WAIT_MS);
  // Cut every stream, then write in the same tick: the link has not seen its socket close yet, so
  // the frame goes into a dead socket (as on a link replaced by a duplicate right after a write).
  for (const onion of ms.net.onionsWithStreams()) ms.net.dropStreams(onion);
  const sent = A.core.groupSessions().send(session.sessionId, 'through the cut');
  await until(() => B.core.groupSessions().messages(session.sessionId).some((m) => m.id === sent.id), WAIT_MS, 'B gets the message on the next link');
  await chatRound([A, B], session.sessionId, 1, WAIT_MS);
  assert.equal(B.core.groupSessions().messages(session.sessionId).filter((m) => m.id === sent.id).length, 1);
  assert.equal(B.group.filter((e) => e.type === 'session-message' && e.message.id === sent.id).length, 1, 'announced once');
});

test('a session link between members who are not contacts is dialed again when it drops', async (t) => {
  const ms = await mesh(t, ['A', 'B', 'C'], [['A', 'B'], ['B', 'C']]);
  const [A, B, C] = [ms.get('A'), ms.get('B'), ms.get('C')];
  const session = A.core.groupSessions().create('redial');
  await inviteAndJoin(A, B, session.sessionId, WAIT_MS);
  await inviteAndJoin(B, C, session.sessionId, WAIT_MS);
  // A reached C over the endpoint C opened for it (A is the older member, so A dials).
  const owned = new Set(ms.net.footprint(C.hex).endpoints);
  const dialsToC = (): number => ms.net.dials.filter((d) => d.from === A.hex && d.ok && owned.has(d.onion)).length;
  assert.equal(dialsToC(), 1);
  for (const onion of owned) ms.net.dropStreams(onion);
  await until(() => dialsToC() === 2, WAIT_MS, 'A dials C\'s endpoint again');
  await chatRound([A, B, C], session.sessionId, 1, WAIT_MS);
  C.core.groupSessions().leave(session.sessionId);
  await untilView([A, B], session.sessionId, { members: 2, coordinator: A }, WAIT_MS);
  // A is not C's contact: what A dialed of C's is the session endpoint, and leaving removed it.
  const sessionOnions = new Set(ms.net.dials.filter((d) => d.from === A.hex && owned.has(d.onion)).map((d) => d.onion));
  assert.equal(sessionOnions.size, 1);
  await until(() => ms.net.footprint(C.hex).endpoints.every((o) => !sessionOnions.has(o)), WAIT_MS, 'C closes its session endpoint');
});

test('a member that left is not authorized on the endpoints opened for it: they are re-created without its key and the others dial the new address', async (t) => {
  const ms = await mesh(t, ['A', 'B', 'C', 'D'], [['A', 'B'], ['B', 'C'], ['A', 'D']]);
  const [A, B, C, D] = [ms.get('A'), ms.get('B'), ms.get('C'), ms.get('D')];
  // C's endpoints at tor level before any session: its contact endpoints; the rest are session ones.
  const contactEndpointsOfC = new Set(ms.net.footprint(C.hex).endpoints);
  const sessionEndpointsOfC = (): [string, Uint8Array[]][] => [...ms.net.endpoints]
    .filter(([onion, e]) => e.owner === C.hex && !contactEndpointsOfC.has(onion)).map(([onion, e]) => [onion, e.keys]);
  const id = A.core.groupSessions().create('moves').sessionId;
  await inviteAndJoin(A, B, id, WAIT_MS);
  await inviteAndJoin(A, D, id, WAIT_MS); // D opens an endpoint for B
  await inviteAndJoin(B, C, id, WAIT_MS); // C opens one for A and D, the members that are not its contacts
  const [[oldOnion, oldKeys]] = sessionEndpointsOfC() as [[string, Uint8Array[]]];
  assert.equal(oldKeys.length, 2);
  const dialsOfD = (onion: string): number => ms.net.dials.filter((d) => d.from === D.hex && d.ok && d.onion === onion).length;
  assert.equal(dialsOfD(oldOnion), 1, 'D reached C over the session endpoint');

  A.core.groupSessions().leave(id);
  await untilView([B, C, D], id, { members: 3, coordinator: B }, WAIT_MS);
  await until(() => !ms.net.endpoints.has(oldOnion), WAIT_MS, 'the endpoint that authorized A is removed');
  const now = sessionEndpointsOfC();
  assert.equal(now.length, 1, 'one session endpoint of C');
  const [newOnion, newKeys] = now[0]!;
  assert.notEqual(newOnion, oldOnion);
  assert.equal(newKeys.length, 1, 'authorized for D only');
  assert.ok(oldKeys.some((k) => toHex(k) === toHex(newKeys[0]!)));
  await until(() => dialsOfD(newOnion) === 1, WAIT_MS, 'D dials the new address');
  await chatRound([B, C, D], id, 1, WAIT_MS);
});
