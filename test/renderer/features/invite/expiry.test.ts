import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expiryWords } from '../../../../src/renderer/features/invite/expiry.ts';

const now = new Date(2026, 10, 24, 9, 30).getTime(); // a Tuesday morning, local time

test('expiry in words: today, tomorrow, weekday, date, expired', () => {
  assert.match(expiryWords(new Date(2026, 10, 24, 18, 0).getTime(), now, 'en-GB'), /^This invitation works once and expires today at 18:00\.$/);
  assert.match(expiryWords(new Date(2026, 10, 25, 9, 0).getTime(), now, 'en-GB'), /expires tomorrow at 09:00\.$/);
  assert.match(expiryWords(new Date(2026, 10, 28, 9, 0).getTime(), now, 'en-GB'), /expires on Saturday at 09:00\.$/);
  assert.match(expiryWords(new Date(2026, 11, 10, 9, 0).getTime(), now, 'en-GB'), /expires on 10 December\.$/);
  assert.equal(expiryWords(now - 1, now), 'This invitation has expired.');
});
