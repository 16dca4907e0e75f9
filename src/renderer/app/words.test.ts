import { test } from 'node:test';
import assert from 'node:assert/strict';
import { windowTitle } from './title.ts';
import { networkLine } from '../features/contacts/NetworkStatus.tsx';
import { torProgressText } from '../features/onboarding/TorProgress.tsx';
import { acceptInputOf } from '../features/invite/accept-input.ts';
import { deliveryWord } from '../features/session/delivery.ts';
import { userWords } from '../components/user-words.ts';

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
