// Group chats on the shared testbed (issue 12): five cores with their own profiles and tors, the
// real registry through the gateways, links over onion services. Contacts: A-B, B-C, C-D, C-E and
// no others, so most pairs of members reach each other only over session endpoints (reachable only
// with the members' session client-auth keys). The tests run in order on one session: each starts
// from where the previous one left it. A sixth profile F, never invited, is a contact of B and C
// and, at the end, tries its way in with copied and forged tickets.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  encodeGroupFrame, fromHex, identityFromSeed, issueSessionTicket, ready, toHex,
  type GroupFrame, type GroupMembersFrame, type SessionEndpoint, type SessionTicket,
} from '../../protocol/index.ts';
import { makeCore, removeDir, testbed, until, type TestCore } from '../core/test-support.ts';
import {
  chatRound, dialSessionEndpoint, groupMember, hangUp, inviteAndJoin, joinWhenInvited, pairSettled, seenAt, sessionMemory,
  tapGroupFrames, untilView, waitGroup, writeOnContactLink, type GroupMember,
} from './test-support.ts';

const WAIT_MS = 60_000;
let cores: TestCore[] = [];
let A: GroupMember, B: GroupMember, C: GroupMember, D: GroupMember, E: GroupMember, F: GroupMember;
let sessionId = '';
/** Wire taps on the newcomers C and E: the member lists they were handed (tickets, endpoints). */
let tapC: ReturnType<typeof tapGroupFrames>, tapE: ReturnType<typeof tapGroupFrames>;

before(async () => {
  await ready();
  const tb = await testbed();
  cores = await Promise.all(['ann', 'ben', 'cat', 'dan', 'eve', 'fay'].map((name) => makeCore(tb, name)));
  [A, B, C, D, E, F] = cores.map((c, i) => groupMember('ABCDEF'[i]!, c.core, c.log)) as [GroupMember, GroupMember, GroupMember, GroupMember, GroupMember, GroupMember];
  tapC = tapGroupFrames(C);
  tapE = tapGroupFrames(E);
  await Promise.all([
    pairSettled(A, B, WAIT_MS), pairSettled(B, C, WAIT_MS), pairSettled(C, D, WAIT_MS), pairSettled(C, E, WAIT_MS),
    pairSettled(F, B, WAIT_MS), pairSettled(F, C, WAIT_MS),
  ]);
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

/** The member list `m` was handed when it joined, as the wire tap saw it. */
function handedOver(tap: ReturnType<typeof tapGroupFrames>, m: GroupMember): GroupMembersFrame {
  const got = tap.find((x) => x.frame.type === 'members' && toHex(x.frame.ticket.member) === m.hex);
  assert.ok(got !== undefined && got.frame.type === 'members', `${m.name}'s member list was tapped`);
  return got.frame;
}

test('F, never invited, shows copied and forged tickets to every member: all refuse, no list changes, nothing F says is shown', async (t) => {
  const t0 = Date.now();
  const members = [A, B, C, D, E];
  const before = members.map((m) => view(m));
  for (const v of before) assert.deepEqual(v, before[0], 'one member list before');
  const marks = members.map((m) => ({ group: m.group.length, log: m.log.mark }));
  const sid = fromHex(sessionId, 16);
  const fKey = fromHex(F.hex, 32);
  // The leak: the member lists C and E were handed (their real tickets, every endpoint), and the
  // session memory of B and D (the endpoints they dial, their session client-auth secrets).
  const ticketOfC = handedOver(tapC, C).ticket;
  const ticketOfE = handedOver(tapE, E).ticket;
  const puppet = identityFromSeed(new Uint8Array(32).fill(0x66)); // a key F made, posing as an issuer
  const selfSigned = issueSessionTicket({ sessionId: sid, member: fKey, issuer: puppet, clientAuthKey: ticketOfE.clientAuthKey, epoch: 99 });
  const swapped: SessionTicket = { ...ticketOfE, member: fKey }; // E's ticket naming F: the signature no longer holds
  const flipped: SessionTicket = { ...ticketOfE, epoch: ticketOfE.epoch ^ 1 }; // E's ticket with one bit of one byte flipped
  const present = (ticket: SessionTicket): GroupFrame => ({ type: 'ticket', sessionId: sid, ticket, endpoint: null });
  const said: GroupFrame = { type: 'message', sessionId: sid, id: new Uint8Array(16).fill(0xf0), lamport: 1_000, sentAt: Date.now(), body: 'F was here' };
  const frames = [present(ticketOfC), present(ticketOfE), present(selfSigned), present(swapped), present(flipped), said].map(encodeGroupFrame);

  // B and C: F's contacts. It writes every frame on its contact link, the message last (links keep order).
  for (const m of [B, C]) for (const frame of frames) assert.ok(writeOnContactLink(F, m, frame), `F has a link to ${m.name}`);
  // A, D and E are no contacts of F: it dials their session endpoints with a copied client-auth
  // secret that endpoint authorizes (contacts A-B, B-C, C-D, C-E: D is a stranger to A and E, so
  // their endpoints authorize D's key; B is a stranger to D), expecting the member's identity.
  const memD = sessionMemory(D, sessionId);
  const memB = sessionMemory(B, sessionId);
  const endpointOf = (known: typeof memD, m: GroupMember): SessionEndpoint => {
    const entry = known.session.memberList.find((x) => toHex(x.member) === m.hex);
    assert.ok(entry?.endpoint, `the leak holds ${m.name}'s endpoint`);
    return entry.endpoint;
  };
  dialSessionEndpoint(F, sessionId, A, endpointOf(memD, A), memD.clientAuth.secretKey, frames);
  dialSessionEndpoint(F, sessionId, E, endpointOf(memD, E), memD.clientAuth.secretKey, frames);
  dialSessionEndpoint(F, sessionId, D, endpointOf(memB, D), memB.clientAuth.secretKey, frames);

  const warnings = (m: GroupMember, i: number, code: string): number =>
    m.group.slice(marks[i]!.group).filter((e) => e.type === 'session-warning' && e.code === code).length;
  for (const [i, m] of [[1, B], [2, C]] as const) {
    await until(() => warnings(m, i, 'NOT_MEMBER') >= 1, WAIT_MS, `${m.name} drops F's message`);
    assert.equal(warnings(m, i, 'WRONG_RECIPIENT'), 2, `${m.name}: the copies of C's and E's tickets`);
    assert.equal(warnings(m, i, 'WRONG_PUBLISHER'), 1, `${m.name}: the ticket F signed`);
    assert.equal(warnings(m, i, 'BAD_SIGNATURE'), 2, `${m.name}: E's ticket naming F, and with a bit flipped`);
  }
  // The endpoints let F's tor in (the secret is real) but complete no handshake with F's identity.
  for (const [i, m] of [[0, A], [3, D], [4, E]] as const) {
    await m.log.wait((e) => e.type === 'warning' && e.code === 'SESSION_HANDSHAKE' && e.message.includes('not accepted'), WAIT_MS, marks[i]!.log);
  }
  await hangUp(F, sessionId);

  members.forEach((m, i) => {
    assert.deepEqual(view(m), before[i], `${m.name}'s member list and coordinator are unchanged`);
    assert.ok(!m.core.groupSessions().messages(sessionId).some((x) => x.sender === F.hex), `${m.name} shows nothing from F`);
    assert.ok(!m.group.slice(marks[i]!.group).some((e) => e.type === 'session-message' || e.type === 'session-members'), `${m.name}: no message or member change announced`);
  });
  assert.equal(seenAt(F, (e) => e.type === 'session-joined'), null, 'F never joined');
  assert.deepEqual(F.core.groupSessions().list(), []);
  members.forEach((m, i) => {
    const group = m.group.slice(marks[i]!.group).flatMap((e) => (e.type === 'session-warning' ? [e.code] : []));
    const core = m.log.events.slice(marks[i]!.log).flatMap((e) => (e.type === 'warning' ? [`${e.code} (${e.message})`] : []));
    t.diagnostic(`${m.name} refused with: ${[...group, ...core].join(', ')}`);
  });
  t.diagnostic(`every member refused F in ${Date.now() - t0} ms`);
});
