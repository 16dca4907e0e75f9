// Notifications and the tray as a person meets them: a message from someone notifies unless in do
// not disturb, switched off, or that conversation is on screen; the tray counts unread messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SottoEvent } from '../ipc/index.ts';
import { Notifier } from './notifier.ts';
import { TrayStatus } from './tray.ts';
import { FakeTray } from './fake-electron.ts';

const message = (contactId: string, direction: 'in' | 'out', body = 'hello there'): SottoEvent => ({
  type: 'message',
  message: { id: 'm', contactId, conversationId: 'c', direction, body, sentAt: 1, receivedAt: 2, status: 'received', seq: 1 },
});
const status = (effective: 'online' | 'dnd'): SottoEvent => ({
  type: 'status', status: { phase: 'running', tor: { progress: 100, summary: 'done', ready: true }, presence: { state: effective, effective, text: '', idleMinutes: 0 } },
});

test('notifications: incoming only, not in do not disturb, not when switched off, not for the conversation on screen', async () => {
  const shown: { title: string; body: string; onClick: () => void }[] = [];
  const opened: string[] = [];
  let enabled = true;
  let focused = '';
  const n = new Notifier({
    notify: (x) => shown.push(x), enabled: async () => enabled, nameOf: async (id) => `name of ${id}`,
    sessionFocused: (id) => id === focused, openSession: (id) => opened.push(id), openMain: () => opened.push('main'),
  });
  assert.equal(await n.onEvent(message('bob', 'in', 'x'.repeat(500))), true);
  assert.equal(shown[0]!.title, 'name of bob');
  assert.ok(shown[0]!.body.length <= 120, 'a preview, not the whole message');
  shown[0]!.onClick();
  assert.deepEqual(opened, ['bob']);
  assert.equal(await n.onEvent(message('bob', 'out')), false);
  focused = 'bob';
  assert.equal(await n.onEvent(message('bob', 'in')), false);
  focused = '';
  await n.onEvent(status('dnd'));
  assert.equal(await n.onEvent(message('bob', 'in')), false);
  await n.onEvent(status('online'));
  enabled = false;
  assert.equal(await n.onEvent(message('bob', 'in')), false);
  enabled = true;
  const redeemed: SottoEvent = {
    type: 'invitation-redeemed',
    invitation: { id: 'i', kind: 'open', state: 'awaiting-confirmation', link: 'l', createdAt: 1, expiresAt: 2, contactId: null, redeemer: { displayName: 'Dara', contactCode: 'c', fingerprint: 'f', safetyNumber: 's' } },
  };
  assert.equal(await n.onEvent(redeemed), true);
  assert.equal(shown.at(-1)!.title, 'Dara wants to connect');
});

test('the tray shows the own status and the unread total', () => {
  const tray = new FakeTray();
  const states: string[] = [];
  const t = new TrayStatus({ tray, setState: (s) => states.push(s), open: () => undefined, quit: () => undefined });
  assert.equal(tray.tooltip, 'Sotto: Locked');
  assert.equal(tray.menu.some((i) => i.label === 'Busy'), false, 'no status menu while locked');
  t.onEvent(status('online'));
  t.onEvent({ type: 'unread', contactId: 'a', count: 2 });
  t.onEvent({ type: 'unread', contactId: 'b', count: 1 });
  assert.equal(tray.tooltip, 'Sotto: Online, 3 unread');
  t.onEvent({ type: 'unread', contactId: 'a', count: 0 });
  t.onEvent({ type: 'contact-removed', contactId: 'b' });
  assert.equal(tray.tooltip, 'Sotto: Online');
  tray.menu.find((i) => i.label === 'Do not disturb')!.click!();
  assert.deepEqual(states, ['dnd']);
  assert.equal(tray.menu.find((i) => i.label === 'Online')!.checked, true);
});
