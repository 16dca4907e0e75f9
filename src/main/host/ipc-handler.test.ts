// The main-side IPC handler against a real core (loopback services): parsing, codes, outputs that
// match the contract, settings that never show the SMTP password, host channels, group chats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHANNELS, EVENT, errorInfoSchema, type ChannelName, type Result, type SottoEvent } from '../../ipc/index.ts';
import type { IpcHandler } from './ipc-handler.ts';
import { loopbackCores } from './test-support.ts';
import { UiSettings } from './ui-settings.ts';
import { EventLog, until } from '../core/test-support.ts';
import { groupMember, pairSettled } from '../group/test-support.ts';

/** Calls and checks the answer against the channel's output schema. */
async function call(h: IpcHandler, channel: ChannelName, input?: unknown): Promise<Result<unknown>> {
  const r = await h.handle(channel, input);
  if (r.ok) {
    const checked = CHANNELS[channel].output.safeParse(r.value);
    assert.ok(checked.success, `${channel} output does not match the contract: ${checked.error?.message}`);
  }
  return r;
}

function value<T = unknown>(r: Result<unknown>): T {
  assert.ok(r.ok, `expected ok, got ${JSON.stringify(r)}`);
  return r.value as T;
}

function code(r: Result<unknown>): string {
  assert.ok(!r.ok, `expected an error, got ${JSON.stringify(r).slice(0, 200)}`);
  return r.error.code;
}

test('bad calls get coded errors and the core stays usable', async (t) => {
  const [a] = await loopbackCores(t, ['ana']);
  const h = a!.handler;
  assert.equal(code(await h.handle('nope', {})), 'IPC_UNKNOWN_CHANNEL');
  assert.equal(code(await h.handle('__proto__', {})), 'IPC_UNKNOWN_CHANNEL');
  assert.equal(code(await h.handle(42, {})), 'IPC_UNKNOWN_CHANNEL');
  const wrong = await h.handle('createProfile', { displayName: 7, passphrase: 'x' });
  assert.equal(code(wrong), 'IPC_BAD_INPUT');
  assert.match(!wrong.ok ? wrong.error.message : '', /displayName/);
  assert.equal(code(await h.handle('status', { extra: 1 })), 'IPC_BAD_INPUT');
  assert.equal(code(await call(h, 'unlock', { passphrase: 'x' })), 'NO_PROFILE', 'core errors keep their code');
  assert.equal(code(await call(h, 'listContacts')), 'LOCKED');
  const created = value<{ displayName: string }>(await call(h, 'createProfile', { displayName: ' Ana ', passphrase: 'pw' }));
  assert.equal(created.displayName, 'Ana');
  assert.equal(value<{ phase: string }>(await call(h, 'status')).phase, 'running');
  assert.equal(value(await call(h, 'lock')), null, 'nothing becomes null');
});

test('wrong passphrases: the wait the store imposes reaches the window as retryAfterMs', async (t) => {
  const [a] = await loopbackCores(t, ['ana']);
  const h = a!.handler;
  value(await call(h, 'createProfile', { displayName: 'Ana', passphrase: 'pw' }));
  value(await call(h, 'lock'));
  const tries = [];
  for (let i = 0; i < 4; i++) tries.push(await call(h, 'unlock', { passphrase: `wrong ${i}` }));
  const errors = tries.map((r) => (r.ok ? null : r.error));
  assert.deepEqual(errors.slice(0, 2).map((e) => e && [e.code, e.retryAfterMs]), [['WRONG_PASSPHRASE', undefined], ['WRONG_PASSPHRASE', undefined]]);
  assert.equal(errors[2]?.code, 'WRONG_PASSPHRASE');
  assert.equal(errors[2]?.retryAfterMs, 1000, 'the third wrong try says how long the next one waits');
  assert.equal(errors[3]?.code, 'UNLOCK_DELAYED');
  assert.ok(errors[3]?.retryAfterMs !== undefined && errors[3].retryAfterMs > 0 && errors[3].retryAfterMs <= 1000, JSON.stringify(errors[3]));
  assert.equal(errorInfoSchema.parse(errors[3]).retryAfterMs, errors[3]?.retryAfterMs, 'the contract carries the wait to the window');
});

test('events of the core reach every listener; one throwing listener does not stop the others', async (t) => {
  const [a] = await loopbackCores(t, ['ana']);
  const seen: SottoEvent[] = [];
  a!.handler.onEvent(() => { throw new Error('a broken window'); });
  a!.handler.onEvent((e) => seen.push(e));
  value(await call(a!.handler, 'createProfile', { displayName: 'Ana', passphrase: 'pw' }));
  assert.ok(seen.some((e) => e.type === 'status' && e.status.phase === 'running'));
});

test('settings: the SMTP password is kept but never answered, updates keep it, every window hears of a change', async (t) => {
  const [a] = await loopbackCores(t, ['ana']);
  const h = a!.handler;
  assert.equal(code(await call(h, 'getSettings')), 'LOCKED');
  value(await call(h, 'createProfile', { displayName: 'Ana', passphrase: 'pw' }));
  const defaults = value<{ theme: string; smtp: unknown }>(await call(h, 'getSettings'));
  assert.equal(defaults.theme, 'system');
  assert.equal(defaults.smtp, null);
  assert.equal(code(await call(h, 'sendInvitationEmail', { id: 'x', to: 'b@example.org' })), 'SMTP_NOT_SET');

  const events: SottoEvent[] = [];
  h.onEvent((e) => events.push(e));
  const smtp = { host: '127.0.0.1', port: 2525, secure: false, requireTLS: false, user: 'ana', from: 'ana@example.org' };
  const set = await call(h, 'updateSettings', { theme: 'dark', smtp: { ...smtp, password: 'hunter2-secret' } });
  assert.equal(JSON.stringify(set).includes('hunter2'), false);
  assert.deepEqual(value(set), { theme: 'dark', notifications: true, autoAwayMinutes: 10, receiptsDefault: false, typingDefault: false, smtp: { ...smtp, passwordSet: true } });
  const again = await call(h, 'updateSettings', { smtp: { ...smtp, port: 2526 } });
  assert.equal(value<{ smtp: { passwordSet: boolean; port: number } }>(again).smtp.passwordSet, true, 'no password given: kept');
  assert.equal((await new UiSettings(() => a!.core.settingsStore()).stored()).smtp?.password, 'hunter2-secret', 'kept in the store');
  assert.equal(JSON.stringify(events).includes('hunter2'), false);
  assert.ok(events.some((e) => e.type === 'settings' && e.settings.theme === 'dark'));
  assert.equal(code(await call(h, 'updateSettings', { theme: 'neon' })), 'IPC_BAD_INPUT');
});

test('host channels: external links only http(s), session windows, activity', async (t) => {
  const [a] = await loopbackCores(t, ['ana']);
  const h = a!.handler;
  assert.equal(code(await call(h, 'openExternal', { url: 'file:///etc/passwd' })), 'IPC_BAD_INPUT');
  assert.equal(code(await call(h, 'openExternal', { url: 'javascript:alert(1)' })), 'IPC_BAD_INPUT');
  value(await call(h, 'openExternal', { url: 'https://example.org/x' }));
  assert.deepEqual(value(await call(h, 'openSession', { contactId: 'abc' })), { route: '#/session/abc', opened: false });
  value(await call(h, 'reportActivity'));
  assert.deepEqual(a!.actions.calls, [
    { name: 'openExternal', arg: 'https://example.org/x' }, { name: 'openSession', arg: 'abc' }, { name: 'activity' },
  ]);
});

test('new contacts get the receipts and typing defaults from the settings', async (t) => {
  const [a, b] = await loopbackCores(t, ['ana', 'bob']);
  value(await call(a!.handler, 'createProfile', { displayName: 'Ana', passphrase: 'pw' }));
  value(await call(b!.handler, 'createProfile', { displayName: 'Bob', passphrase: 'pw' }));
  value(await call(b!.handler, 'updateSettings', { receiptsDefault: true, typingDefault: true }));
  const bob = value<{ contactCode: string }>(await call(b!.handler, 'profile'));
  const inv = value<{ link: string }>(await call(a!.handler, 'createInvitation', { kind: 'sealed', contactCode: bob.contactCode }));
  const accepted = value<{ contact: { id: string; receipts: boolean; typing: boolean } }>(await call(b!.handler, 'acceptInvitation', { link: inv.link }));
  assert.equal(accepted.contact.receipts, true);
  assert.equal(accepted.contact.typing, true);
  const stored = value<{ receipts: boolean }>(await call(b!.handler, 'getContact', { id: accepted.contact.id }));
  assert.equal(stored.receipts, true);
  const sent = value<{ body: string }>(await call(b!.handler, 'sendMessage', { contactId: accepted.contact.id, body: 'hi Ana' }));
  assert.equal(sent.body, 'hi Ana');
  assert.equal(code(await call(b!.handler, 'sendMessage', { contactId: accepted.contact.id, body: 'bell\u0007' })), 'IPC_BAD_INPUT');
});

test('the confirm dialog\'s redeemer carries the safety number both sides can read out', async (t) => {
  const [a, b] = await loopbackCores(t, ['ana', 'bob']);
  value(await call(a!.handler, 'createProfile', { displayName: 'Ana', passphrase: 'pw' }));
  value(await call(b!.handler, 'createProfile', { displayName: 'Bob', passphrase: 'pw' }));
  const inv = value<{ id: string; link: string }>(await call(a!.handler, 'createInvitation', { kind: 'open' }));
  const accepted = value<{ contact: { id: string; safetyNumber: string } }>(await call(b!.handler, 'acceptInvitation', { link: inv.link }));
  type Listed = { id: string; redeemer: { fingerprint: string; safetyNumber?: string } | null };
  const deadline = Date.now() + 20_000;
  let redeemer: Listed['redeemer'] = null;
  while (!redeemer && Date.now() < deadline) {
    redeemer = value<Listed[]>(await call(a!.handler, 'listInvitations')).find((i) => i.id === inv.id)?.redeemer ?? null;
    if (!redeemer) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(redeemer, 'the redeemer reached the inviter');
  assert.equal(redeemer.fingerprint, value<{ fingerprint: string }>(await call(b!.handler, 'profile')).fingerprint);
  assert.match(accepted.contact.safetyNumber, /\d/);
  assert.equal(redeemer.safetyNumber, accepted.contact.safetyNumber, "the inviter's number is the one the redeemer sees");
});

const WAIT_MS = 15_000;

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

  const created = CHANNELS.groupCreate.output.parse(value(await call(A, 'groupCreate', { title: '  Weekend plans ' })));
  assert.equal(created.title, 'Weekend plans', 'the title is trimmed by its schema');
  assert.deepEqual(created.members, [a.hex]);
  const sessionId = created.sessionId;
  assert.equal(code(await call(A, 'groupInvite', { sessionId, invitee: b.hex.toUpperCase() })), 'IPC_BAD_INPUT');
  assert.equal(code(await call(A, 'groupCreate', { title: 'two\nlines' })), 'IPC_BAD_INPUT');
  assert.equal(value(await call(A, 'groupInvite', { sessionId, invitee: b.hex })), null);
  assert.equal(code(await call(A, 'groupInvite', { sessionId, invitee: b.hex })), 'SESSION_BUSY', 'one invitation at a time');

  const invitation = await eventOf(heardB, 'session-invitation', 'Ben hears the invitation');
  assert.deepEqual(invitation.invitation, { sessionId, inviter: a.hex, title: 'Weekend plans', members: [a.hex] });
  assert.deepEqual(CHANNELS.groupList.output.parse(value(await call(B, 'groupList'))).invitations, [invitation.invitation]);
  assert.equal(value(await call(B, 'groupAnswer', { sessionId, join: true })), null);
  const joined = await eventOf(heardB, 'session-joined', 'Ben joins');
  assert.deepEqual(joined.session.members, [a.hex, b.hex]);
  assert.equal(joined.session.coordinator, a.hex);
  assert.equal((await eventOf(heardA, 'session-invite', 'Ana hears the invitation went out')).result, 'sent');
  await until(() => heardA.some((e) => e.type === 'session-members' && e.session.members.includes(b.hex)), WAIT_MS, 'Ana sees Ben join');

  assert.equal(code(await call(A, 'groupSend', { sessionId, body: 'bell\u0007' })), 'IPC_BAD_INPUT');
  const sent = CHANNELS.groupSend.output.parse(value(await call(A, 'groupSend', { sessionId, body: 'who is in for Saturday?' })));
  const got = await eventOf(heardB, 'session-message', 'Ben hears the message');
  assert.equal(got.message.id, sent.id);
  assert.equal(got.index, 0);
  const onB = CHANNELS.groupMessages.output.parse(value(await call(B, 'groupMessages', { sessionId })));
  assert.deepEqual(onB.map((m) => m.body), ['who is in for Saturday?'], 'the refused message was never sent');

  assert.deepEqual(value(await call(A, 'openGroupWindow', { sessionId })), { route: `#/group/${sessionId}`, opened: false }, 'the renderer opens it');
  assert.equal(value(await call(B, 'groupLeave', { sessionId })), null);
  await eventOf(heardB, 'session-left', 'Ben hears he left');
  await until(() => heardA.some((e) => e.type === 'session-members' && !e.session.members.includes(b.hex)), WAIT_MS, 'Ana sees Ben leave');
  assert.equal(code(await call(B, 'groupMessages', { sessionId })), 'NO_SESSION');
  assert.equal(code(await call(B, 'groupAnswer', { sessionId, join: true })), 'NO_INVITATION');

  // Who may invite me: saved through the channel, read back; a policy that does not check changes nothing.
  assert.deepEqual(value(await call(B, 'groupInvitePolicy')), { who: 'contacts' });
  assert.equal(value(await call(B, 'groupSetInvitePolicy', { policy: { who: 'allow-list', allow: [a.hex] } })), null);
  assert.equal(code(await call(B, 'groupSetInvitePolicy', { policy: { who: 'everyone' } })), 'IPC_BAD_INPUT');
  assert.deepEqual(value(await call(B, 'groupInvitePolicy')), { who: 'allow-list', allow: [a.hex] });
});
