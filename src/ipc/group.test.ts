// The group chat contract: outputs equal the core's types (tsc fails on drift), texts are valid
// exactly when the group frame encoder takes them, inputs are strict, a contact code gives the
// member key the core uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { z } from 'zod';
import type * as Group from '../main/group/group-sessions.ts';
import {
  CHANNELS, EVENT, MAX_GROUP_BODY_BYTES, MAX_INVITE_ALLOW_LIST, groupBodySchema, groupEventSchema, groupListSchema, groupRoute, groupTitleSchema,
  memberKeyOfContactCode, sessionInfoSchema, sessionInvitationInfoSchema, sessionMessageInfoSchema,
  invitePolicySchema,
} from './index.ts';
import {
  MAX_GROUP_BODY_BYTES as PROTOCOL_MAX_GROUP_BODY_BYTES, decodeContactCode, encodeContactCode, encodeGroupFrame, identityFromSeed,
  isProtocolError, ready, toHex,
} from '../protocol/index.ts';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <A, B>(ok: Same<A, B>): Same<A, B> => ok;

test('output and event schemas describe exactly the types of src/main/group', () => {
  assert.ok(same<z.output<typeof sessionInfoSchema>, Group.SessionInfo>(true));
  assert.ok(same<z.output<typeof sessionInvitationInfoSchema>, Group.SessionInvitationInfo>(true));
  assert.ok(same<z.output<typeof sessionMessageInfoSchema>, Group.SessionMessageInfo>(true));
  assert.ok(same<z.output<typeof groupEventSchema>, Group.GroupEvent>(true));
  assert.ok(same<z.output<typeof groupListSchema>, { sessions: Group.SessionInfo[]; invitations: Group.SessionInvitationInfo[] }>(true));
  assert.ok(same<z.output<typeof invitePolicySchema>, ReturnType<Group.GroupSessions['invitePolicy']>>(true));
  assert.equal(MAX_GROUP_BODY_BYTES, PROTOCOL_MAX_GROUP_BODY_BYTES);
});

/** Whether the group frame encoder takes `title` in an invite and `body` in a message. */
function encoderTakes(frame: { title: string } | { body: string }): boolean {
  const sessionId = new Uint8Array(16);
  try {
    if ('title' in frame) encodeGroupFrame({ type: 'invite', sessionId, title: frame.title, members: [{ member: new Uint8Array(32).fill(1), clientAuthKey: new Uint8Array(32).fill(2) }] });
    else encodeGroupFrame({ type: 'message', sessionId, id: new Uint8Array(16), lamport: 1, sentAt: 0, body: frame.body });
    return true;
  } catch (err) {
    if (!isProtocolError(err)) throw err;
    return false;
  }
}

test('titles and bodies: the schema takes a text exactly when the group frame encoder does', () => {
  const titles = ['Weekend plans', 'x'.repeat(64), 'x'.repeat(65), '😀'.repeat(64), '😀'.repeat(65), 'tab\there', 'new\nline', 'A\u0085B', '\ud800', 'émigré'];
  for (const title of titles) {
    assert.equal(groupTitleSchema.safeParse(title).success, encoderTakes({ title }), JSON.stringify(title).slice(0, 40));
  }
  const bodies = [
    'hello', 'line one\nline two\r\n\tindented', 'a\u0000b', 'esc\u001b[31m', 'del\u007f', '\ud800',
    'x'.repeat(MAX_GROUP_BODY_BYTES), 'x'.repeat(MAX_GROUP_BODY_BYTES + 1), 'é'.repeat(MAX_GROUP_BODY_BYTES / 2), 'é'.repeat(MAX_GROUP_BODY_BYTES / 2 + 1),
  ];
  for (const body of bodies) {
    assert.equal(groupBodySchema.safeParse(body).success, encoderTakes({ body }), `${JSON.stringify(body.slice(0, 12))} (${body.length})`);
  }
  // Where the two may differ, the schema is the stricter: a title is trimmed and must not be empty.
  assert.equal(groupTitleSchema.parse('  Weekend  '), 'Weekend');
  assert.equal(groupTitleSchema.safeParse('   ').success, false);
  assert.equal(groupBodySchema.safeParse('').success, false);
  const tooLong = groupBodySchema.safeParse('é'.repeat(MAX_GROUP_BODY_BYTES / 2 + 1));
  assert.match(tooLong.error!.issues[0]!.message, /longer than/);
});

test('inputs are strict: ids in the core\'s form, no unknown keys, a bad body is refused', () => {
  const sessionId = 'ab'.repeat(16);
  const invitee = 'cd'.repeat(32);
  assert.equal(CHANNELS.groupInvite.input.safeParse({ sessionId, invitee }).success, true);
  assert.equal(CHANNELS.groupInvite.input.safeParse({ sessionId, invitee: invitee.toUpperCase() }).success, false, 'upper-case hex is not the core\'s form');
  assert.equal(CHANNELS.groupInvite.input.safeParse({ sessionId, invitee: invitee.slice(2) }).success, false);
  assert.equal(CHANNELS.groupSend.input.safeParse({ sessionId, body: 'hi', extra: 1 }).success, false);
  assert.equal(CHANNELS.groupSend.input.safeParse({ sessionId, body: 'bell\u0007' }).success, false);
  assert.equal(CHANNELS.groupSend.input.safeParse({ sessionId: '../x', body: 'hi' }).success, false);
  assert.equal(CHANNELS.groupAnswer.input.safeParse({ sessionId, join: 'yes' }).success, false);
  assert.equal(CHANNELS.groupCreate.input.safeParse({}).success, true, 'the title may be left out');
  assert.equal(CHANNELS.groupCreate.input.safeParse({ title: '' }).success, false);
  assert.equal(CHANNELS.groupList.input.safeParse(undefined).success, true);
  assert.equal(CHANNELS.openGroupWindow.input.safeParse({ sessionId: 'nope' }).success, false);
  assert.equal(groupRoute(sessionId), `#/group/${sessionId}`);
  const policy = (p: unknown): boolean => CHANNELS.groupSetInvitePolicy.input.safeParse({ policy: p }).success;
  assert.equal(policy({ who: 'nobody' }), true);
  assert.equal(policy({ who: 'allow-list', allow: [invitee] }), true);
  assert.equal(policy({ who: 'allow-list' }), false, 'an allow list names its people');
  assert.equal(policy({ who: 'contacts', allow: [invitee] }), false, 'no unknown keys');
  assert.equal(policy({ who: 'everyone' }), false);
  assert.equal(policy({ who: 'allow-list', allow: [invitee.toUpperCase()] }), false);
  assert.equal(policy({ who: 'allow-list', allow: Array.from({ length: MAX_INVITE_ALLOW_LIST + 1 }, () => invitee) }), false);
});

test('events parse their JSON forms through the one event schema', () => {
  const session = { sessionId: 'ab'.repeat(16), title: 'T', members: ['cd'.repeat(32)], coordinator: 'cd'.repeat(32), state: 'active' };
  assert.equal(EVENT.safeParse({ type: 'session-joined', session, unreached: [] }).success, true);
  assert.equal(EVENT.safeParse({ type: 'session-message', sessionId: session.sessionId, index: 0, message: { id: 'x', sender: 'y', body: 'hi', sentAt: 1, lamport: 1 } }).success, true);
  assert.equal(EVENT.safeParse({ type: 'session-invite', sessionId: session.sessionId, invitee: 'x', result: 'maybe' }).success, false);
  assert.equal(EVENT.safeParse({ type: 'session-warning', sessionId: null, code: 'NO_LINK', message: 'm' }).success, true);
});

test('the member key in a contact code is the one the core decodes', async () => {
  await ready();
  for (let i = 0; i < 20; i++) {
    const { publicKey } = identityFromSeed(new Uint8Array(32).fill(i + 1));
    const code = encodeContactCode(publicKey);
    assert.equal(memberKeyOfContactCode(code), toHex(decodeContactCode(code)));
    assert.equal(memberKeyOfContactCode(code.toLowerCase().replace(/-/g, ' ')), toHex(publicKey), 'as a person might paste it');
  }
  assert.equal(memberKeyOfContactCode('not a code'), null);
  assert.equal(memberKeyOfContactCode('1'.repeat(56)), null, 'not base32');
});
