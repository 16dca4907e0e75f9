import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageInfo } from '../../../src/renderer/ipc/contract.ts';
import { contact } from '../../../src/renderer/features/contacts/test-contacts.ts';
import { createSottoStore } from '../../../src/renderer/store/index.ts';
import { applyEvent } from '../../../src/renderer/store/events.ts';
import { selectTotalUnread } from '../../../src/renderer/store/selectors.ts';
import { noticeWords } from '../../../src/renderer/components/user-words.ts';
import { contactName } from '../../../src/renderer/features/contacts/presence.ts';

function msg(seq: number, over: Partial<MessageInfo> = {}): MessageInfo {
  return {
    id: `m${seq}`, contactId: 'id-Bob', conversationId: 'c', direction: 'in', body: `#${seq}`,
    sentAt: seq * 1000, receivedAt: null, status: 'received', seq, ...over,
  };
}

test('pages and live messages merge by id in seq order', () => {
  const store = createSottoStore();
  applyEvent({ type: 'message', message: msg(12) }, store);
  store.getState().addPage('id-Bob', { messages: [msg(10), msg(11), msg(12)], nextBefore: 10 });
  store.getState().addPage('id-Bob', { messages: [msg(8), msg(9)], nextBefore: null });
  applyEvent({ type: 'message', message: msg(13) }, store);
  applyEvent({ type: 'message', message: msg(13) }, store); // the same message twice (send answer + event)
  const c = store.getState().conversations['id-Bob'];
  assert.deepEqual(c?.messages.map((m) => m.seq), [8, 9, 10, 11, 12, 13]);
  assert.equal(c?.nextBefore, null);
  assert.equal(c?.loaded, true);
});

test('message-status updates one message; events for unknown contacts change nothing', () => {
  const store = createSottoStore();
  store.getState().addMessage(msg(1, { direction: 'out', status: 'queued' }));
  applyEvent({ type: 'message-status', contactId: 'id-Bob', messageId: 'm1', status: 'acked' }, store);
  assert.equal(store.getState().conversations['id-Bob']?.messages[0]?.status, 'acked');
  const before = store.getState().contacts;
  applyEvent({ type: 'presence', contactId: 'nobody', state: 'online', text: '' }, store);
  applyEvent({ type: 'unread', contactId: 'nobody', count: 3 }, store);
  assert.equal(store.getState().contacts, before);
});

test('presence, unread, typing and removal follow the events; unread total is derived', () => {
  const store = createSottoStore();
  applyEvent({ type: 'contact', contact: contact('Bob') }, store);
  applyEvent({ type: 'contact', contact: contact('Chen', { unread: 1 }) }, store);
  applyEvent({ type: 'presence', contactId: 'id-Bob', state: 'away', text: 'lunch' }, store);
  applyEvent({ type: 'unread', contactId: 'id-Bob', count: 2 }, store);
  applyEvent({ type: 'typing', contactId: 'id-Bob', active: true }, store);
  let s = store.getState();
  assert.deepEqual(s.contacts['id-Bob']?.presence, { state: 'away', text: 'lunch' });
  assert.equal(selectTotalUnread(s), 3);
  assert.equal(s.typing['id-Bob'], true);
  applyEvent({ type: 'presence', contactId: 'id-Bob', state: 'offline', text: '' }, store);
  assert.equal(store.getState().typing['id-Bob'], false, 'going offline ends typing');
  applyEvent({ type: 'contact-removed', contactId: 'id-Bob' }, store);
  s = store.getState();
  assert.equal(s.contacts['id-Bob'], undefined);
  assert.equal(selectTotalUnread(s), 1);
});

test('tor progress below 100 means not ready (the progress screen comes back)', () => {
  const store = createSottoStore();
  applyEvent({ type: 'tor-bootstrap', progress: 100, summary: 'Done' }, store);
  assert.equal(store.getState().tor.ready, true);
  applyEvent({ type: 'tor-bootstrap', progress: 45, summary: 'Loading relay descriptors' }, store);
  assert.deepEqual(store.getState().tor, { progress: 45, summary: 'Loading relay descriptors', ready: false });
});

test('a conversation keeps the core\'s order (sender time, then id), not arrival order, and its cursor as given', () => {
  const store = createSottoStore();
  // Messages that crossed: m21 arrived after m20 (higher seq) but was sent earlier.
  const page = { messages: [msg(21, { sentAt: 5_000 }), msg(20, { sentAt: 9_000 }), msg(19, { id: 'b', sentAt: 4_000 }), msg(18, { id: 'a', sentAt: 4_000 })], nextBefore: 18 };
  store.getState().addPage('id-Bob', page);
  assert.deepEqual(store.getState().conversations['id-Bob']?.messages.map((m) => m.id), ['a', 'b', 'm21', 'm20']);
  assert.equal(store.getState().conversations['id-Bob']?.nextBefore, 18, 'the cursor is passed back as the core gave it');
  // A live message sent before the newest one shown goes in its place, not at the end.
  applyEvent({ type: 'message', message: msg(22, { sentAt: 6_000 }) }, store);
  assert.deepEqual(store.getState().conversations['id-Bob']?.messages.map((m) => m.id), ['a', 'b', 'm21', 'm22', 'm20']);
  store.getState().addPage('id-Bob', { messages: [msg(17, { sentAt: 4_500 })], nextBefore: null });
  assert.deepEqual(store.getState().conversations['id-Bob']?.messages.map((m) => m.id), ['a', 'b', 'm17', 'm21', 'm22', 'm20']);
  assert.equal(store.getState().conversations['id-Bob']?.nextBefore, null);
});

test('a warning that changes what the person can do is kept as a notice naming the contact; background ones are not', () => {
  const store = createSottoStore();
  store.getState().setContacts([contact('Ana')]);
  applyEvent({ type: 'warning', code: 'LOOKUP_FAILED', message: 'gateway down', contactId: 'id-Ana' }, store);
  assert.equal(store.getState().notice, null, 'background trouble stays in the debug log');
  applyEvent({ type: 'warning', code: 'CONTACT_REVOKED', message: 'm', contactId: 'id-Ana' }, store);
  applyEvent({ type: 'contact-removed', contactId: 'id-Ana' }, store);
  const notice = store.getState().notice;
  assert.equal(notice?.code, 'CONTACT_REVOKED');
  assert.equal(noticeWords(notice.code, notice.contact ? contactName(notice.contact) : null), 'Ana removed you from their contacts, so you can no longer reach each other.');
  applyEvent({ type: 'warning', code: 'INVITATION_TAKEN', message: 'm', contactId: 'gone' }, store);
  assert.equal(noticeWords('INVITATION_TAKEN', store.getState().notice?.contact?.nickname ?? null), 'Someone else already used this invitation. Ask for a new one.');
  // The local test network's owner quit (src/main/console/testbed-end.ts): nobody can reach us now.
  applyEvent({ type: 'warning', code: 'TESTBED_GONE', message: 'm' }, store);
  assert.equal(store.getState().notice?.code, 'TESTBED_GONE');
  assert.match(noticeWords('TESTBED_GONE', null), /^The local test network has stopped/);
});
