// Child process of crash.test.ts: opens a profile and appends messages in a loop, printing
// "committed <id>" after each append has resolved, until it is killed with SIGKILL.
import { createProfile, profileExists, unlockProfile } from './profile.ts';
import { FAST_KDF, message } from './testing.ts';

const [dir, round] = process.argv.slice(2);
if (dir === undefined || round === undefined) throw new Error('usage: crash-writer.ts <dir> <round>');

const store = profileExists(dir)
  ? await unlockProfile(dir, 'p')
  : await createProfile(dir, { name: 'A', passphrase: 'p', kdf: FAST_KDF });
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  const id = `${round}-${i}`;
  await store.messages.append(message(id, { contactId: 'c1', body: `crash test ${id}` }));
  // Some status churn so the conversation summary is rewritten too.
  if (i % 3 === 2) await store.messages.updateStatus('c1', `${round}-${i - 1}`, 'acked');
  process.stdout.write(`committed ${id}\n`);
}
