import { test } from 'node:test';
import assert from 'node:assert/strict';
import { windowTitle } from '../../../src/renderer/app/title.ts';
import { networkLine } from '../../../src/renderer/features/contacts/NetworkStatus.tsx';
import { torProgressText } from '../../../src/renderer/features/onboarding/TorProgress.tsx';
import { acceptInputOf } from '../../../src/renderer/features/invite/accept-input.ts';
import { deliveryWord } from '../../../src/renderer/features/session/delivery.ts';
import { userWords, waitWords } from '../../../src/renderer/components/user-words.ts';
import { unwrap } from '../../../src/renderer/ipc/call.ts';

test('window titles carry the unread count', () => {
  assert.equal(windowTitle(null, 0), 'Sotto');
  assert.equal(windowTitle(null, 3), '(3) Sotto');
  assert.equal(windowTitle('Bob', 2), '(2) Bob — Sotto');
});

test('network line and tor progress in words', () => {
  assert.equal(networkLine({ ready: true, progress: 100 }), 'Tor: connected');
  assert.equal(networkLine({ ready: false, progress: 44.6 }), 'Tor: connecting… 45%');
  assert.equal(torProgressText(0, 'not started'), 'Starting Tor…');
  assert.equal(torProgressText(45, 'Loading relay descriptors'), 'Connecting to Tor… 45% · Loading relay descriptors');
});

test('a pasted link goes as a link, a pasted mail as text', () => {
  assert.deepEqual(acceptInputOf('  sotto://invite/v1#abc \n'), { link: 'sotto://invite/v1#abc' });
  const mail = 'Hi!\nJoin me: sotto://invite/v1#abc\nBob';
  assert.deepEqual(acceptInputOf(mail), { text: mail });
});

test('delivery words and error words', () => {
  assert.deepEqual((['queued', 'sent', 'acked', 'read', 'received'] as const).map(deliveryWord), ['sending', 'sent', 'delivered', 'read', '']);
  assert.match(userWords('WRONG_PASSPHRASE'), /didn't unlock/);
  assert.equal(userWords('SOMETHING_NEW'), 'Something went wrong.');
});

test('the core\'s newer codes have words, and a wait the host reports is said in time', async () => {
  assert.equal(userWords('INVITATION_TAKEN'), 'Someone else already used this invitation. Ask for a new one.');
  for (const code of ['CONTACT_REVOKED', 'WEAK_PASSPHRASE', 'UNLOCK_DELAYED', 'SMTP_INSECURE']) {
    assert.notEqual(userWords(code), 'Something went wrong.', code);
    assert.doesNotMatch(userWords(code), /[A-Z]{2,}_/, `${code} is said in words`);
  }
  assert.deepEqual([999, 1000, 1001, 45_000, 60_000, 185_000].map(waitWords), ['1 second', '1 second', '2 seconds', '45 seconds', '1 minute', '3 minutes 5 seconds']);
  const delayed = await unwrap(Promise.resolve({ ok: false as const, error: { code: 'UNLOCK_DELAYED', message: 'm', retryAfterMs: 4_000 } })).catch((e: unknown) => e);
  assert.ok(delayed instanceof Error && 'retryAfterMs' in delayed && delayed.retryAfterMs === 4_000, 'the wait survives unwrap');
  assert.equal(userWords('UNLOCK_DELAYED', 4_000), 'Too many wrong passphrases. Try again in 4 seconds.');
  assert.match(userWords('WRONG_PASSPHRASE', 2_000), /try again in 2 seconds/);
  assert.equal(userWords('UNLOCK_DELAYED'), 'Too many wrong passphrases. Wait a little, then try again.');
});
