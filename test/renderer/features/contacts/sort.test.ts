import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortContacts } from '../../../../src/renderer/features/contacts/sort.ts';
import { contactAccessibleName, contactName } from '../../../../src/renderer/features/contacts/presence.ts';
import { contact } from '../../../../src/renderer/features/contacts/test-contacts.ts';

test('online first, then away, busy, dnd, offline, pending; by name within a state', () => {
  const list = [
    contact('zed', { presence: { state: 'offline', text: '' } }),
    contact('Dara', { phase: 'pending' }),
    contact('bob', { presence: { state: 'online', text: '' } }),
    contact('Chen', { presence: { state: 'busy', text: '' } }),
    contact('Ana', { presence: { state: 'online', text: '' } }),
    contact('Eve', { presence: { state: 'dnd', text: '' } }),
    contact('Fay', { presence: { state: 'away', text: '' } }),
  ];
  assert.deepEqual(sortContacts(list).map((c) => c.nickname), ['Ana', 'bob', 'Fay', 'Chen', 'Eve', 'zed', 'Dara']);
});

test('search matches name or status text, case-insensitively', () => {
  const list = [contact('Bob', { presence: { state: 'online', text: 'Lunch at 1' } }), contact('Chen')];
  assert.deepEqual(sortContacts(list, 'lunch').map((c) => c.nickname), ['Bob']);
  assert.deepEqual(sortContacts(list, ' CHE ').map((c) => c.nickname), ['Chen']);
  assert.equal(sortContacts(list, 'nobody').length, 0);
});

test('accessible name says presence, text and unread', () => {
  assert.equal(contactAccessibleName(contact('Bob', { presence: { state: 'online', text: 'lunch at 1' }, unread: 2 })), 'Bob, online, lunch at 1, 2 unread');
  assert.equal(contactAccessibleName(contact('Chen', { presence: { state: 'dnd', text: '' } })), 'Chen, do not disturb');
  assert.equal(contactAccessibleName(contact('Dara', { phase: 'pending' })), 'Dara, waiting for confirmation');
});

test('a contact without a nickname is named by its contact code', () => {
  const c = contact('', { contactCode: 'AGNA-CC5D-WNRQ-PEMT' });
  assert.equal(contactName(c), 'Contact AGNA-CC5D');
  assert.equal(contactAccessibleName(c), 'Contact AGNA-CC5D, offline');
});
