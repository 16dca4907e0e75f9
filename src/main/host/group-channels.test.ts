// The group chat channels through the IPC handler, as two windows use them: real cores on
// loopback services (no tor), every call checked against the contract's output schema, every
// group event arriving through the handler's event stream (src/ipc/group.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHANNELS, EVENT, type ChannelName, type Result, type SottoEvent } from '../../ipc/index.ts';
import type { IpcHandler } from './ipc-handler.ts';
import { loopbackCores } from './test-support.ts';
import { EventLog, until } from '../core/test-support.ts';
import { groupMember, pairSettled } from '../group/test-support.ts';

const WAIT_MS = 15_000;

async function call(h: IpcHandler, channel: ChannelName, input?: unknown): Promise<Result<unknown>> {
  const r = await h.handle(channel, input);
  if (r.ok) {
    const checked = CHANNELS[channel].output.safeParse(r.value);
    assert.ok(checked.success, `${channel} output does not match the contract: ${checked.error?.message}`);
  }
  return r;
}

function value<T>(r: Result<unknown>, parse: (v: unknown) => T): T {
  assert.ok(r.ok, `expected ok, got ${JSON.stringify(r)}`);
  return parse(r.value);
}

function code(r: Result<unknown>): string {
  assert.ok(!r.ok, `expected an error, got ${JSON.stringify(r).slice(0, 200)}`);
  return r.error.code;
}

/** The events a window hears, each parsed with the contract's event schema as the bridge does. */
function heard(h: IpcHandler): SottoEvent[] {
  const events: SottoEvent[] = [];
  h.onEvent((e) => {
    const parsed = EVENT.safeParse(JSON.parse(JSON.stringify(e)));
    assert.ok(parsed.success, `event ${e.type} does not match the contract: ${parsed.error?.message}`);
    events.push(parsed.data);
  });
  return events;
}

async function eventOf<T extends SottoEvent['type']>(events: SottoEvent[], type: T, what: string): Promise<Extract<SottoEvent, { type: T }>> {
  const find = () => events.find((e): e is Extract<SottoEvent, { type: T }> => e.type === type);
  await until(() => find() !== undefined, WAIT_MS, what);
  return find()!;
}

test('group chat channels: locked is coded, bad input loses nothing, invite / join / write / leave reach the other window', async (t) => {
  const [ana, ben] = await loopbackCores(t, ['ana', 'ben']);
  const A = ana!.handler;
  const B = ben!.handler;
  assert.equal(code(await call(A, 'groupList')), 'NOT_RUNNING', 'no group chats while locked');

  for (const side of [ana!, ben!]) await side.core.createProfile({ displayName: side.name, passphrase: `pw-${side.name}` });
  const [a, b] = [groupMember('Ana', ana!.core, new EventLog(ana!.core)), groupMember('Ben', ben!.core, new EventLog(ben!.core))];
  await pairSettled(a, b, WAIT_MS);
  const heardA = heard(A);
  const heardB = heard(B);

  const created = value(await call(A, 'groupCreate', { title: '  Weekend plans ' }), (v) => CHANNELS.groupCreate.output.parse(v));
  assert.equal(created.title, 'Weekend plans', 'the title is trimmed by its schema');
  assert.deepEqual(created.members, [a.hex]);
  const sessionId = created.sessionId;
  assert.equal(code(await call(A, 'groupInvite', { sessionId, invitee: b.hex.toUpperCase() })), 'IPC_BAD_INPUT');
  assert.equal(code(await call(A, 'groupCreate', { title: 'two\nlines' })), 'IPC_BAD_INPUT');
  assert.equal(value(await call(A, 'groupInvite', { sessionId, invitee: b.hex }), (v) => v), null);
  assert.equal(code(await call(A, 'groupInvite', { sessionId, invitee: b.hex })), 'SESSION_BUSY', 'one invitation at a time');

  const invitation = await eventOf(heardB, 'session-invitation', 'Ben hears the invitation');
  assert.deepEqual(invitation.invitation, { sessionId, inviter: a.hex, title: 'Weekend plans', members: [a.hex] });
  assert.deepEqual(value(await call(B, 'groupList'), (v) => CHANNELS.groupList.output.parse(v)).invitations, [invitation.invitation]);
  assert.equal(value(await call(B, 'groupAnswer', { sessionId, join: true }), (v) => v), null);
  const joined = await eventOf(heardB, 'session-joined', 'Ben joins');
  assert.deepEqual(joined.session.members, [a.hex, b.hex]);
  assert.equal(joined.session.coordinator, a.hex);
  assert.equal((await eventOf(heardA, 'session-invite', 'Ana hears the invitation went out')).result, 'sent');
  await until(() => heardA.some((e) => e.type === 'session-members' && e.session.members.includes(b.hex)), WAIT_MS, 'Ana sees Ben join');

  assert.equal(code(await call(A, 'groupSend', { sessionId, body: 'bell\u0007' })), 'IPC_BAD_INPUT');
  const sent = value(await call(A, 'groupSend', { sessionId, body: 'who is in for Saturday?' }), (v) => CHANNELS.groupSend.output.parse(v));
  const got = await eventOf(heardB, 'session-message', 'Ben hears the message');
  assert.equal(got.message.id, sent.id);
  assert.equal(got.index, 0);
  const onB = value(await call(B, 'groupMessages', { sessionId }), (v) => CHANNELS.groupMessages.output.parse(v));
  assert.deepEqual(onB.map((m) => m.body), ['who is in for Saturday?'], 'the refused message was never sent');

  assert.deepEqual(value(await call(A, 'openGroupWindow', { sessionId }), (v) => v), { route: `#/group/${sessionId}`, opened: false }, 'the renderer opens it');
  assert.equal(value(await call(B, 'groupLeave', { sessionId }), (v) => v), null);
  await eventOf(heardB, 'session-left', 'Ben hears he left');
  await until(() => heardA.some((e) => e.type === 'session-members' && !e.session.members.includes(b.hex)), WAIT_MS, 'Ana sees Ben leave');
  assert.equal(code(await call(B, 'groupMessages', { sessionId })), 'NO_SESSION');
  assert.equal(code(await call(B, 'groupAnswer', { sessionId, join: true })), 'NO_INVITATION');
});
