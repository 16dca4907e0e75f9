// The confirm dialog's facts as a person reads them: the redeemer's fingerprint and the pair's
// safety number (the e2e journey compares them with what the other side shows).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redeemerFacts } from './ConfirmRedeemerDialog.tsx';

test('the confirm dialog lists name, fingerprint and safety number', () => {
  const facts = redeemerFacts({ displayName: '', contactCode: 'code', fingerprint: '1234 5678', safetyNumber: '11111 22222' });
  assert.deepEqual(facts, [['Name', 'Someone', false], ['Fingerprint', '1234 5678', true], ['Safety number', '11111 22222', true]]);
});
