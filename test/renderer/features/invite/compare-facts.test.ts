// The numbers two people compare before a confirm, as each side reads them: the inviter's confirm
// dialog (redeemer's fingerprint, safety number) and the invitee's accepted view (own fingerprint,
// the same safety number). The e2e journey compares them across the two windows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redeemerFacts } from '../../../../src/renderer/features/invite/ConfirmRedeemerDialog.tsx';
import { acceptedFacts } from '../../../../src/renderer/features/invite/AcceptDialog.tsx';
import { contact as testContact } from '../../../../src/renderer/features/contacts/test-contacts.ts';

test('the confirm dialog lists name, fingerprint and safety number', () => {
  const facts = redeemerFacts({ displayName: '', contactCode: 'code', fingerprint: '1234 5678', safetyNumber: '11111 22222' });
  assert.deepEqual(facts, [['Name', 'Someone', false], ['Fingerprint', '1234 5678', true], ['Safety number', '11111 22222', true]]);
});

test('the invitee\'s accepted view lists their own fingerprint and the pair\'s safety number', () => {
  const contact = testContact('Ana', { safetyNumber: '11111 22222' });
  assert.deepEqual(acceptedFacts({ kind: 'open', contact }, '9999 8888'), [['Your fingerprint', '9999 8888'], ['Safety number', '11111 22222']]);
  assert.deepEqual(acceptedFacts({ kind: 'sealed', contact }, undefined), [['Safety number', '11111 22222']]);
});
