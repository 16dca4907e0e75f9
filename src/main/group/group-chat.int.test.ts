// Group chats on the shared testbed (issue 12): five cores with their own profiles and tors, the
// real registry through the gateways, links over onion services. Contacts: A-B, B-C, C-D, C-E and
// no others, so most pairs of members reach each other only over session endpoints (reachable only
// with the members' session client-auth keys). The tests run in order on one session: each starts
// from where the previous one left it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ready } from '../../protocol/index.ts';
import { makeCore, removeDir, testbed, until, type TestCore } from '../core/test-support.ts';
import {
  chatRound, groupMember, inviteAndJoin, joinWhenInvited, pairSettled, seenAt, untilView, waitGroup, type GroupMember,
} from './test-support.ts';

const WAIT_MS = 60_000;
let cores: TestCore[] = [];
let A: GroupMember, B: GroupMember, C: GroupMember, D: GroupMember, E: GroupMember;
let sessionId = '';

before(async () => {
  await ready();
  const tb = await testbed();
  cores = await Promise.all(['ann', 'ben', 'cat', 'dan', 'eve'].map((name) => makeCore(tb, name)));
  [A, B, C, D, E] = cores.map((c, i) => groupMember('ABCDE'[i]!, c.core, c.log)) as [GroupMember, GroupMember, GroupMember, GroupMember, GroupMember];
  await Promise.all([pairSettled(A, B, WAIT_MS), pairSettled(B, C, WAIT_MS), pairSettled(C, D, WAIT_MS), pairSettled(C, E, WAIT_MS)]);
});
after(async () => {
  await Promise.allSettled(cores.map((c) => c.core.close()));
  await Promise.allSettled(cores.map((c) => removeDir(c.dir)));
});

function view(m: GroupMember): { members: string[]; coordinator: string } | undefined {
  const s = m.core.groupSessions().list().find((x) => x.sessionId === sessionId);
  return s && { members: [...s.members].sort(), coordinator: s.coordinator };
}

test('over tor: A starts, B joins, B invites C (not A\'s contact); one order on every screen, each message once', async (t) => {
  const t0 = Date.now();
  sessionId = A.core.groupSessions().create('over tor').sessionId;
  await inviteAndJoin(A, B, sessionId, WAIT_MS);
  await inviteAndJoin(B, C, sessionId, WAIT_MS);
  const joined = await waitGroup(C, 'session-joined', (e) => e.session.sessionId === sessionId, WAIT_MS);
  assert.deepEqual(joined.unreached, [], 'A admitted C over the session endpoint');
  for (const m of [A, B, C]) await until(() => view(m)?.members.length === 3, WAIT_MS, `${m.name} sees three members`);
  const order = await chatRound([A, B, C], sessionId, 2, WAIT_MS);
  assert.equal(order.length, 6);
  t.diagnostic(`C joined and six messages agreed in ${Date.now() - t0} ms`);
});

test('the coordinator A leaves while C\'s token request is in flight: the request goes to B, D joins, the session goes on', async (t) => {
  const t0 = Date.now();
  // Same tick: C's request leaves for A while A is already gone (A's leave names B its successor).
  C.core.groupSessions().invite(sessionId, D.hex);
  A.core.groupSessions().leave(sessionId);
  await joinWhenInvited(C, D, sessionId, WAIT_MS);
  await untilView([B, C, D], sessionId, { members: 3, coordinator: B }, WAIT_MS);
  assert.ok(seenAt(C, (e) => e.type === 'session-invite' && e.invitee === D.hex && e.result === 'sent') !== null, 'C held the token granted by B');
  await chatRound([B, C, D], sessionId, 1, WAIT_MS);
  t.diagnostic(`D joined under B in ${Date.now() - t0} ms`);
});

test('D keeps "contacts only": B (a co-member, not a contact) invites D to another chat and is refused without D being asked', async () => {
  const other = B.core.groupSessions().create('side chat').sessionId;
  B.core.groupSessions().invite(other, D.hex);
  await waitGroup(B, 'session-invite', (e) => e.sessionId === other && e.invitee === D.hex && e.result === 'rejected', WAIT_MS);
  assert.ok(seenAt(D, (e) => e.type === 'session-invitation-refused' && e.sessionId === other && e.inviter === B.hex) !== null);
  assert.equal(seenAt(D, (e) => e.type === 'session-invitation' && e.invitation.sessionId === other), null, 'D\'s user was never asked');
  assert.deepEqual(D.core.groupSessions().invitations(), []);
  B.core.groupSessions().leave(other);
});

test('B and C invite at the same moment: the token serialises them, both newcomers are in, one change at a time, one member list', async (t) => {
  const t0 = Date.now();
  const countsFrom = [B, C, D].map((m) => m.group.length);
  B.core.groupSessions().invite(sessionId, A.hex); // A left before: a new ticket brings it back
  C.core.groupSessions().invite(sessionId, E.hex);
  await Promise.all([joinWhenInvited(B, A, sessionId, WAIT_MS), joinWhenInvited(C, E, sessionId, WAIT_MS)]);
  for (const m of [A, B, C, D, E]) await until(() => view(m)?.members.length === 5, WAIT_MS, `${m.name} sees five members`);
  const lists = [A, B, C, D, E].map((m) => view(m));
  for (const l of lists) assert.deepEqual(l, lists[0], 'every member has the same member list and coordinator');
  // The second invitation went out only after the first newcomer was in (joined and completed).
  const sentA = seenAt(B, (e) => e.type === 'session-invite' && e.invitee === A.hex && e.result === 'sent')!;
  const sentE = seenAt(C, (e) => e.type === 'session-invite' && e.invitee === E.hex && e.result === 'sent')!;
  const [first, second, secondSent] = sentA < sentE ? [A, E, sentE] : [E, A, sentA];
  const firstIn = seenAt(first, (e) => e.type === 'session-joined' && e.session.sessionId === sessionId)!;
  assert.ok(secondSent > firstIn, `${second.name}'s invitation waited for ${first.name}'s join`);
  [B, C, D].forEach((m, i) => {
    const counts = m.group.slice(countsFrom[i]).flatMap((e) => (e.type === 'session-members' && e.session.sessionId === sessionId ? [e.session.members.length] : []));
    counts.forEach((n, k) => assert.ok(n - (k === 0 ? 3 : counts[k - 1]!) <= 1, `${m.name}: one member at a time (${counts.join(',')})`));
  });
  await chatRound([A, B, C, D, E], sessionId, 1, WAIT_MS);
  for (const m of [A, B, C, D, E]) for (const e of m.group) if (e.type === 'session-warning') t.diagnostic(`${m.name} ${e.code} ${e.message}`);
  t.diagnostic(`both newcomers in and a message round agreed in ${Date.now() - t0} ms`);
});
