// What a disk reader gets: no names, bodies, keys or ids in the file, and ciphertexts that only
// open in the row they were written for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProfile, unlockProfile, PROFILE_DB_FILE, type ProfileStore } from './profile.ts';
import { isStoreError } from './errors.ts';
import { openDatabase } from './database.ts';
import { contact, FAST_KDF, message, tempDir } from './testing.ts';

const SECRETS = {
  name: 'Zebediah Quartermaine',
  nickname: 'Philomena Snodgrass',
  body: 'meet me under the old clock tower at midnight',
  identityPk: '9a7b'.repeat(16),
  sharedKey: 'e41d'.repeat(16),
  contactId: 'contact-7f3e2a',
  messageId: 'msg-55d0c1b9',
  settingKey: 'smtp.server.hostname',
  settingValue: 'mail.example-secret.org',
};

function allFileBytes(dir: string): Buffer {
  return Buffer.concat(readdirSync(dir).flatMap((name) => {
    try {
      return [readFileSync(join(dir, name))];
    } catch {
      return []; // the sqlite lock directory
    }
  }));
}

function assertNoPlaintext(bytes: Buffer, where: string): void {
  for (const [what, secret] of Object.entries(SECRETS)) {
    for (const encoding of ['utf8', 'utf16le'] as const) {
      assert.equal(bytes.indexOf(Buffer.from(secret, encoding)), -1, `${what} found in ${where} (${encoding})`);
    }
  }
  // Binary forms of the keys too.
  for (const hex of [SECRETS.identityPk, SECRETS.sharedKey]) {
    assert.equal(bytes.indexOf(Buffer.from(hex, 'hex')), -1, `raw key bytes found in ${where}`);
  }
}

async function fill(store: ProfileStore): Promise<void> {
  await store.contacts.put(SECRETS.contactId, contact({ nickname: SECRETS.nickname, identityPk: SECRETS.identityPk, sharedKey: SECRETS.sharedKey }));
  await store.settings.set(SECRETS.settingKey, SECRETS.settingValue);
  for (let i = 0; i < 20; i++) {
    await store.messages.append(message(`${SECRETS.messageId}-${i}`, { contactId: SECRETS.contactId, body: `${SECRETS.body} ${i}` }));
  }
  await store.messages.append(message(SECRETS.messageId, { contactId: SECRETS.contactId, body: SECRETS.body, direction: 'in', status: 'received' }));
}

test('the raw file (and WAL) never contains names, bodies, keys, ids or setting names', async (t) => {
  const dir = tempDir(t);
  const store = await createProfile(dir, { name: SECRETS.name, passphrase: 'p', kdf: FAST_KDF });
  await fill(store);
  assert.ok(readdirSync(dir).includes(`${PROFILE_DB_FILE}-wal`), 'the WAL is inspected while the profile is open');
  assertNoPlaintext(allFileBytes(dir), 'open profile files');
  await store.messages.updateStatus(SECRETS.contactId, `${SECRETS.messageId}-3`, 'acked');
  await store.messages.deleteConversation(SECRETS.contactId);
  store.lock();
  assertNoPlaintext(allFileBytes(dir), 'closed profile file');
  // Control: the test would see plaintext if it were there.
  assert.notEqual(Buffer.from(`x${SECRETS.body}x`).indexOf(Buffer.from(SECRETS.body)), -1);
});

test('plaintext columns are only opaque references and sequence numbers', async (t) => {
  const dir = tempDir(t);
  const store = await createProfile(dir, { name: SECRETS.name, passphrase: 'p', kdf: FAST_KDF });
  await fill(store);
  store.lock();
  const db = openDatabase(join(dir, PROFILE_DB_FILE), { create: false });
  t.after(() => db.close());
  const tables = db.all("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").map((r) => r.name);
  assert.deepEqual(tables, ['contacts', 'conversations', 'identity', 'invitations', 'keyring', 'messages', 'schema_version', 'settings']);
  const columns = (table: string) => db.all(`PRAGMA table_info(${table})`).map((r) => `${String(r.name)}:${String(r.type)}`);
  assert.deepEqual(columns('messages'), ['seq:INTEGER', 'ref:BLOB', 'conversation:BLOB', 'box:BLOB']);
  assert.deepEqual(columns('contacts'), ['ref:BLOB', 'box:BLOB']);
  const contactRef = db.get('SELECT ref FROM contacts')?.ref as Uint8Array;
  const conversation = db.get('SELECT conversation FROM messages LIMIT 1')?.conversation as Uint8Array;
  assert.equal(contactRef.length, 16);
  assert.notDeepEqual(contactRef, conversation, 'a message row does not point at its contact row');
});

test('a ciphertext copied or moved to another row fails with CORRUPT', async (t) => {
  const dir = tempDir(t);
  const store = await createProfile(dir, { name: 'A', passphrase: 'p', kdf: FAST_KDF });
  await store.contacts.put('victim', contact({ nickname: 'Victim' }));
  await store.contacts.put('attacker', contact({ nickname: 'Attacker', phase: 'pending' }));
  await store.messages.append(message('m1', { contactId: 'victim', body: 'first' }));
  await store.messages.append(message('m2', { contactId: 'victim', body: 'second' }));
  await store.settings.set('a', 1);
  store.lock();

  const path = join(dir, PROFILE_DB_FILE);
  const db = openDatabase(path, { create: false });
  const rows = db.all('SELECT ref, box FROM contacts') as { ref: Uint8Array; box: Uint8Array }[];
  // Copy one contact's ciphertext over the other's row.
  db.run('UPDATE contacts SET box = ? WHERE ref = ?', [rows[0]!.box, rows[1]!.ref]);
  // Swap two messages' ciphertexts (a reordering of history).
  const msgs = db.all('SELECT seq, box FROM messages ORDER BY seq') as { seq: number; box: Uint8Array }[];
  db.run('UPDATE messages SET box = ? WHERE seq = ?', [msgs[1]!.box, msgs[0]!.seq]);
  // Move a contact ciphertext into the settings table.
  db.run('UPDATE settings SET box = ?', [rows[0]!.box]);
  db.close();

  const again = await unlockProfile(dir, 'p');
  t.after(() => again.lock());
  const corrupt = (e: unknown) => isStoreError(e, 'CORRUPT');
  await assert.rejects(again.contacts.list(), corrupt);
  const outcomes = await Promise.allSettled([again.contacts.get('victim'), again.contacts.get('attacker')]);
  assert.equal(outcomes.filter((o) => o.status === 'rejected' && corrupt(o.reason)).length, 1, 'exactly the overwritten row fails');
  await assert.rejects(again.messages.history('victim', { limit: 10 }), corrupt);
  await assert.rejects(again.messages.get('victim', 'm1'), corrupt);
  assert.equal((await again.messages.get('victim', 'm2'))?.body, 'second', 'untouched rows still open');
  await assert.rejects(again.settings.get('a'), corrupt);
});

test('after a passphrase change the old wrapped key is gone from the file', async (t) => {
  const dir = tempDir(t);
  (await createProfile(dir, { name: 'A', passphrase: 'old', kdf: FAST_KDF })).lock();
  const path = join(dir, PROFILE_DB_FILE);
  const db = openDatabase(path, { create: false });
  const oldWrapped = db.get('SELECT wrapped_key, salt FROM keyring')!;
  db.close();
  const store = await unlockProfile(dir, 'old');
  await store.changePassphrase('old', 'new');
  const whileOpen = allFileBytes(dir);
  store.lock();
  for (const bytes of [whileOpen, allFileBytes(dir)]) {
    assert.equal(bytes.indexOf(Buffer.from(oldWrapped.wrapped_key as Uint8Array)), -1, 'old wrapped key still on disk');
    assert.equal(bytes.indexOf(Buffer.from(oldWrapped.salt as Uint8Array)), -1, 'old salt still on disk');
  }
});
