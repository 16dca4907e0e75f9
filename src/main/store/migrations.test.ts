import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProfile, unlockProfile } from './profile.ts';
import { isStoreError } from './errors.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';
import { bytesColumn } from './session.ts';
import { contact, FAST_KDF, message, snapshot, tempDir } from './testing.ts';

/** A realistic v2: adds a table and rewrites every encrypted contact row (open, change, seal). */
function contactsV2(calls: { n: number }): Migration {
  return {
    version: 2,
    description: 'test: contact records gain `pinned`; a table of drafts',
    up({ db, cipher }) {
      calls.n++;
      db.exec('CREATE TABLE drafts (ref BLOB PRIMARY KEY, box BLOB NOT NULL) WITHOUT ROWID');
      for (const row of db.all('SELECT ref, box FROM contacts')) {
        const ref = bytesColumn(row.ref)!;
        const entry = cipher.open('contacts', [ref], row.box) as { id: string; record: Record<string, unknown> };
        entry.record.pinned = false;
        db.run('UPDATE contacts SET box = ? WHERE ref = ?', [cipher.seal('contacts', [ref], entry), ref]);
      }
    },
  };
}

test('an older profile is migrated on unlock, once, with its encrypted rows rewritten', async (t) => {
  const dir = tempDir(t);
  const v1 = await createProfile(dir, { name: 'A', passphrase: 'p', kdf: FAST_KDF });
  assert.equal(v1.schemaVersion, 1);
  await v1.contacts.put('c1', contact({ nickname: 'Bob' }));
  await v1.messages.append(message('m1', { contactId: 'c1' }));
  v1.lock();

  const calls = { n: 0 };
  const v2list = [...MIGRATIONS, contactsV2(calls)];
  const v2 = await unlockProfile(dir, 'p', { migrations: v2list });
  assert.equal(v2.schemaVersion, 2);
  assert.equal(calls.n, 1);
  assert.deepEqual(await v2.contacts.get('c1'), { ...contact({ nickname: 'Bob' }), pinned: false });
  assert.deepEqual((await v2.messages.listOutbox('c1')).map((m) => m.id), ['m1']);
  v2.lock();

  const again = await unlockProfile(dir, 'p', { migrations: v2list });
  assert.equal(calls.n, 1, 'a migration runs once');
  again.lock();
});

test('a profile newer than this build is refused and not touched', async (t) => {
  const dir = tempDir(t);
  const calls = { n: 0 };
  const newer = await createProfile(dir, { name: 'A', passphrase: 'p', kdf: FAST_KDF, migrations: [...MIGRATIONS, contactsV2(calls)] });
  await newer.contacts.put('c1', contact());
  newer.lock();
  const before = snapshot(dir);
  await assert.rejects(unlockProfile(dir, 'p'), (e: unknown) => isStoreError(e, 'NEWER_SCHEMA'));
  // Even the wrong passphrase gets the version error first: no key derivation, no write.
  await assert.rejects(unlockProfile(dir, 'wrong'), (e: unknown) => isStoreError(e, 'NEWER_SCHEMA'));
  assert.deepEqual(snapshot(dir), before);
});

test('a failing migration is rolled back; earlier ones stay committed', async (t) => {
  const dir = tempDir(t);
  (await createProfile(dir, { name: 'A', passphrase: 'p', kdf: FAST_KDF })).lock();
  const calls = { n: 0 };
  const broken: Migration = {
    version: 3,
    description: 'test: fails halfway',
    up({ db }) {
      db.exec('CREATE TABLE half_done (x INTEGER)');
      throw new Error('disk gremlin');
    },
  };
  await assert.rejects(unlockProfile(dir, 'p', { migrations: [...MIGRATIONS, contactsV2(calls), broken] }),
    (e: unknown) => isStoreError(e, 'MIGRATION_FAILED') && /version 3/.test(e.message));
  // Version 2 was committed, version 3 was not: the file opens with a v2 build and has no trace of v3.
  const v2 = await unlockProfile(dir, 'p', { migrations: [...MIGRATIONS, contactsV2(calls)] });
  assert.equal(v2.schemaVersion, 2);
  assert.equal(calls.n, 1);
  v2.lock();
  await assert.rejects(unlockProfile(dir, 'p'), (e: unknown) => isStoreError(e, 'NEWER_SCHEMA'));
});

test('migration lists must be numbered 1..n', async (t) => {
  const bad: Migration[] = [{ ...MIGRATIONS[0]!, version: 2 }];
  await assert.rejects(createProfile(tempDir(t), { name: 'A', passphrase: 'p', kdf: FAST_KDF, migrations: bad }),
    (e: unknown) => isStoreError(e, 'INVALID_ARGUMENT'));
});
