import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSottoStore } from '../../../src/renderer/store/index.ts';
import { applyEvent } from '../../../src/renderer/store/events.ts';
import type { GroupInfo, GroupMessage } from '../../../src/renderer/store/group-sessions-slice.ts';

const SID = 'ab'.repeat(16);
const ANA = 'a1'.repeat(32);
const BEN = 'b2'.repeat(32);
const CHEN = 'c3'.repeat(32);

function info(members: string[], over: Partial<GroupInfo> = {}): GroupInfo {
  return { sessionId: SID, title: 'Weekend plans', members, coordinator: members[0]!, state: 'active', ...over };
}
function msg(id: string, sender: string, lamport: number): GroupMessage {
  return { id, sender, body: `#${id}`, sentAt: lamport * 1000, lamport };
}

test('events build a chat: messages take the place the core gives them, each once', () => {
  const store = createSottoStore();
  applyEvent({ type: 'session-joined', session: info([ANA, BEN]), unreached: [CHEN] }, store);
  applyEvent({ type: 'session-message', sessionId: SID, message: msg('m2', ANA, 2), index: 0 }, store);
  applyEvent({ type: 'session-message', sessionId: SID, message: msg('m3', BEN, 3), index: 1 }, store);
  // A message ordered before the others arrived late: the core says it goes first.
  applyEvent({ type: 'session-message', sessionId: SID, message: msg('m1', BEN, 1), index: 0 }, store);
  applyEvent({ type: 'session-message', sessionId: SID, message: msg('m3', BEN, 3), index: 2 }, store);
  const chat = store.getState().groups[SID]!;
  assert.deepEqual(chat.messages.map((m) => m.id), ['m1', 'm2', 'm3']);
  assert.deepEqual(chat.unreached, [CHEN]);
  // The send answer (no index) of a message the event already placed changes nothing.
  store.getState().addGroupMessage(SID, msg('m2', ANA, 2));
  assert.equal(store.getState().groups[SID]!.messages.length, 3);
  // A member list change keeps the messages; a message for a chat we are not in is dropped.
  applyEvent({ type: 'session-members', session: info([BEN, CHEN], { coordinator: BEN }) }, store);
  assert.equal(store.getState().groups[SID]!.info.coordinator, BEN);
  assert.equal(store.getState().groups[SID]!.messages.length, 3);
  applyEvent({ type: 'session-message', sessionId: 'cd'.repeat(16), message: msg('x', ANA, 1), index: 0 }, store);
  assert.equal(store.getState().groups['cd'.repeat(16)], undefined);
  applyEvent({ type: 'session-left', sessionId: SID }, store);
  assert.deepEqual(store.getState().groups, {});
});

test('an invitation waits for the answer, goes once we joined, and a join the inviter never answered fails', () => {
  const store = createSottoStore();
  applyEvent({ type: 'session-invitation', invitation: { sessionId: SID, inviter: ANA, title: 'T', members: [ANA, BEN] } }, store);
  assert.equal(store.getState().groupInvitations[SID]?.answer, 'open');
  store.getState().setGroupInvitationAnswer(SID, 'joining');
  applyEvent({ type: 'session-warning', sessionId: SID, code: 'JOIN_UNANSWERED', message: 'm' }, store);
  assert.equal(store.getState().groupInvitations[SID]?.answer, 'failed');
  applyEvent({ type: 'session-warning', sessionId: null, code: 'NO_LINK', message: 'm' }, store);
  applyEvent({ type: 'session-invitation-refused', sessionId: 'cd'.repeat(16), inviter: CHEN }, store);
  assert.deepEqual(Object.keys(store.getState().groupInvitations), [SID], 'a refusal the preference made is not shown');
  applyEvent({ type: 'session-joined', session: info([ANA, BEN, CHEN]), unreached: [] }, store);
  assert.deepEqual(store.getState().groupInvitations, {});
  // An invitation to a chat we are in already is not offered.
  applyEvent({ type: 'session-invitation', invitation: { sessionId: SID, inviter: ANA, title: 'T', members: [ANA] } }, store);
  assert.deepEqual(store.getState().groupInvitations, {});
});

test('the list read again keeps messages shown until they are read again, and answers already given', () => {
  const store = createSottoStore();
  store.getState().upsertGroup(info([ANA]));
  store.getState().setGroupMessages(SID, [msg('m1', ANA, 1)]);
  store.getState().addGroupInvitation({ sessionId: 'cd'.repeat(16), inviter: BEN, title: 'U', members: [BEN] });
  store.getState().setGroupInvitationAnswer('cd'.repeat(16), 'joining');
  store.getState().setGroupList({
    sessions: [info([ANA, BEN])],
    invitations: [{ sessionId: 'cd'.repeat(16), inviter: BEN, title: 'U', members: [BEN] }],
  });
  const s = store.getState();
  assert.deepEqual(s.groups[SID]!.info.members, [ANA, BEN]);
  assert.deepEqual(s.groups[SID]!.messages.map((m) => m.id), ['m1']);
  assert.equal(s.groups[SID]!.loaded, false, 'the window reads the messages again');
  assert.equal(s.groupInvitations['cd'.repeat(16)]!.answer, 'joining');
});

test('invitations this window sends go one at a time; a final answer frees the next', () => {
  const store = createSottoStore();
  store.getState().upsertGroup(info([ANA]));
  store.getState().queueGroupInvites(SID, [BEN, CHEN, BEN, ANA]);
  assert.deepEqual(store.getState().groupInvites[SID]!.queue, [BEN, CHEN], 'no member, no one twice');
  assert.equal(store.getState().takeNextGroupInvite(SID), BEN);
  assert.equal(store.getState().takeNextGroupInvite(SID), null, 'one runs');
  applyEvent({ type: 'session-invite', sessionId: SID, invitee: BEN, result: 'sent' }, store);
  assert.equal(store.getState().groupInvites[SID]!.outcomes[BEN]!.outcome, 'asked');
  assert.equal(store.getState().takeNextGroupInvite(SID), null, 'asked is not an answer yet');
  applyEvent({ type: 'session-members', session: info([ANA, BEN]) }, store);
  assert.equal(store.getState().groupInvites[SID]!.outcomes[BEN]!.outcome, 'joined');
  assert.equal(store.getState().takeNextGroupInvite(SID), CHEN);
  applyEvent({ type: 'session-invite', sessionId: SID, invitee: CHEN, result: 'rejected' }, store);
  const run = store.getState().groupInvites[SID]!;
  assert.equal(run.outcomes[CHEN]!.outcome, 'declined');
  assert.equal(run.current, null);
  assert.equal(store.getState().takeNextGroupInvite(SID), null, 'the queue is empty');
  // Someone another member invited is not one of ours: nothing to record.
  applyEvent({ type: 'session-invite', sessionId: SID, invitee: 'dd'.repeat(32), result: 'expired' }, store);
  assert.equal(store.getState().groupInvites[SID], run);
});
