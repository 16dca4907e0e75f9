import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { createProfile, unlockProfile, profileExists, PROFILE_DB_FILE } from './profile.ts';
import { isStoreError, type StoreErrorCode } from './errors.ts';
import { openDatabase } from './database.ts';
import { contact, FAST_KDF, snapshot, tempDir } from './testing.ts';
import { UNLOCK_FAILURES_FILE } from './unlock-throttle.ts';

async function rejectsWith(p: Promise<unknown>, code: StoreErrorCode): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isStoreError(err), `expected a StoreError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

test('create, lock, unlock: identity, contacts and settings survive reopen', async (t) => {
  const dir = tempDir(t);
  assert.equal(profileExists(dir), false);
  const seed = new Uint8Array(32).fill(7);
  const store = await createProfile(dir, { name: 'Alice', passphrase: 'correct horse', kdf: FAST_KDF, identitySeed: seed });
  assert.equal(profileExists(dir), true);
  await store.contacts.put('c1', contact({ nickname: 'Bob', extra: { pinned: true } }));
  await store.settings.set('status', { state: 'away', text: 'lunch' });
  store.lock();
  assert.equal(store.locked, true);
  await rejectsWith(store.contacts.list(), 'LOCKED');
  await rejectsWith(store.identity(), 'LOCKED');

  const again = await unlockProfile(dir, 'correct horse');
  t.after(() => again.lock());
  const identity = await again.identity();
  assert.deepEqual(identity.seed, seed);
  assert.equal(identity.displayName, 'Alice');
  const bob = await again.contacts.get('c1');
  assert.equal(bob?.nickname, 'Bob');
  assert.deepEqual(bob?.extra, { pinned: true }, 'extension fields are kept');
  assert.deepEqual(await again.settings.get('status'), { state: 'away', text: 'lunch' });
  assert.equal(await again.settings.get('missing'), undefined);
});

test('identity seed is random by default and the display name can change', async (t) => {
  const a = await createProfile(tempDir(t), { name: 'A', passphrase: 'p', kdf: FAST_KDF });
  const b = await createProfile(tempDir(t), { name: 'B', passphrase: 'p', kdf: FAST_KDF });
  t.after(() => { a.lock(); b.lock(); });
  assert.notDeepEqual((await a.identity()).seed, (await b.identity()).seed);
  await a.setDisplayName('Alice Liddell');
  assert.equal((await a.identity()).displayName, 'Alice Liddell');
});

test('wrong passphrase: WRONG_PASSPHRASE and every file byte-identical (only the failure count is new)', async (t) => {
  const dir = tempDir(t);
  const store = await createProfile(dir, { name: 'Alice', passphrase: 'right', kdf: FAST_KDF });
  await store.contacts.put('c1', contact());
  store.lock();
  const before = snapshot(dir);
  await rejectsWith(unlockProfile(dir, 'wrong'), 'WRONG_PASSPHRASE');
  await rejectsWith(unlockProfile(dir, 'Right'), 'WRONG_PASSPHRASE');
  const { [UNLOCK_FAILURES_FILE]: counted, ...after } = snapshot(dir);
  assert.ok(counted, 'wrong tries are counted (unlock-throttle.ts)');
  assert.deepEqual(after, before);
  const ok = await unlockProfile(dir, 'right');
  ok.lock();
});

test('change passphrase: only the new one opens, data intact, cost can be raised', async (t) => {
  const dir = tempDir(t);
  const store = await createProfile(dir, { name: 'Alice', passphrase: 'old', kdf: FAST_KDF });
  await store.contacts.put('c1', contact());
  await assert.rejects(store.changePassphrase('not old', 'new'), (e: unknown) => isStoreError(e, 'WRONG_PASSPHRASE'));
  const raised = { opslimit: 2, memlimit: 16384 };
  await store.changePassphrase('old', 'new', { kdf: raised });
  assert.deepEqual(await store.kdfCost(), raised);
  assert.ok(await store.contacts.get('c1'), 'session keeps working after the change');
  store.lock();
  // The old wrapped key must not linger anywhere in the file (WAL truncated, page rewritten).
  await rejectsWith(unlockProfile(dir, 'old'), 'WRONG_PASSPHRASE');
  const again = await unlockProfile(dir, 'new');
  t.after(() => again.lock());
  assert.equal((await again.contacts.get('c1'))?.nickname, 'Bob');
  assert.deepEqual(await again.kdfCost(), raised);
});

test('passphrases are NFC-normalised (composed and decomposed input unlock alike)', async (t) => {
  const dir = tempDir(t);
  const store = await createProfile(dir, { name: 'A', passphrase: 'caf\u00e9', kdf: FAST_KDF });
  store.lock();
  const again = await unlockProfile(dir, 'cafe\u0301');
  again.lock();
});

test('one process per profile; create refuses an existing profile; unlock needs one', async (t) => {
  const dir = tempDir(t);
  const store = await createProfile(dir, { name: 'A', passphrase: 'p', kdf: FAST_KDF });
  await rejectsWith(unlockProfile(dir, 'p'), 'PROFILE_IN_USE');
  store.lock();
  await rejectsWith(createProfile(dir, { name: 'A', passphrase: 'p', kdf: FAST_KDF }), 'PROFILE_EXISTS');
  await rejectsWith(unlockProfile(tempDir(t), 'p'), 'NO_PROFILE');
  // A lock file left by a dead process is taken over.
  writeFileSync(join(dir, 'profile.lock'), '2147483646\n');
  const again = await unlockProfile(dir, 'p');
  again.lock();
});

test('bad input is a coded error, not a crash', async (t) => {
  const dir = tempDir(t);
  await rejectsWith(createProfile(dir, { name: '', passphrase: 'p', kdf: FAST_KDF }), 'INVALID_ARGUMENT');
  await rejectsWith(createProfile(dir, { name: 'A', passphrase: '', kdf: FAST_KDF }), 'INVALID_ARGUMENT');
  await rejectsWith(createProfile(dir, { name: 'A', passphrase: 'p', kdf: { opslimit: 0, memlimit: 8192 } }), 'INVALID_ARGUMENT');
  await rejectsWith(createProfile(dir, { name: 'A', passphrase: 'p', kdf: FAST_KDF, identitySeed: new Uint8Array(5) }), 'INVALID_ARGUMENT');
  assert.equal(profileExists(dir), false, 'failed creates leave nothing behind');
  const store = await createProfile(dir, { name: 'A', passphrase: 'p', kdf: FAST_KDF });
  t.after(() => store.lock());
  await rejectsWith(store.contacts.put('', contact()), 'INVALID_ARGUMENT');
  await rejectsWith(store.contacts.put('c', contact({ identityPk: 'zz' })), 'INVALID_ARGUMENT');
  await rejectsWith(store.contacts.put('c', { nickname: 'x' } as never), 'INVALID_ARGUMENT');
  await rejectsWith(store.contacts.update('nobody', { nickname: 'x' }), 'NOT_FOUND');
  await rejectsWith(store.settings.set('k', (() => 1) as never), 'INVALID_ARGUMENT');
  await rejectsWith(store.settings.set('k', Number.NaN), 'INVALID_ARGUMENT');
});

test('contacts and invitations: put, get, update, delete, list', async (t) => {
  const store = await createProfile(tempDir(t), { name: 'A', passphrase: 'p', kdf: FAST_KDF });
  t.after(() => store.lock());
  await store.contacts.put('b', contact({ nickname: 'Bob' }));
  await store.contacts.put('a', contact({ nickname: 'Ann', phase: 'pending' }));
  const updated = await store.contacts.update('b', { phase: 'blocked', visible: false });
  assert.equal(updated.phase, 'blocked');
  assert.equal(updated.nickname, 'Bob');
  assert.deepEqual((await store.contacts.list()).map((e) => [e.id, e.record.nickname, e.record.phase]),
    [['a', 'Ann', 'pending'], ['b', 'Bob', 'blocked']]);
  assert.equal(await store.contacts.delete('a'), true);
  assert.equal(await store.contacts.delete('a'), false);
  assert.equal(await store.contacts.get('a'), undefined);

  const invite = { kind: 'open' as const, state: 'pending' as const, createdAt: 1, expiresAt: 2, secret: 'ab'.repeat(32) };
  await store.invitations.put('i1', invite);
  assert.deepEqual(await store.invitations.get('i1'), invite);
  assert.equal((await store.invitations.update('i1', { state: 'cancelled' })).state, 'cancelled');
  assert.equal((await store.invitations.list()).length, 1);
  assert.deepEqual(await store.settings.list(), {});
  await store.settings.set('a', [1, 'two', { three: null }]);
  assert.deepEqual(await store.settings.list(), { a: [1, 'two', { three: null }] });
  assert.equal(await store.settings.delete('a'), true);
});

test('foreign and damaged files: NOT_A_PROFILE / CORRUPT, never overwritten', async (t) => {
  // Not SQLite at all.
  const junk = tempDir(t);
  mkdirSync(junk, { recursive: true });
  writeFileSync(join(junk, PROFILE_DB_FILE), Buffer.from('this is a shopping list, not a database\n'.repeat(200)));
  let before = snapshot(junk);
  await rejectsWith(unlockProfile(junk, 'p'), 'NOT_A_PROFILE');
  assert.deepEqual(snapshot(junk), before);
  await rejectsWith(createProfile(junk, { name: 'A', passphrase: 'p', kdf: FAST_KDF }), 'PROFILE_EXISTS');
  assert.deepEqual(snapshot(junk), before);

  // An empty file.
  const empty = tempDir(t);
  mkdirSync(empty, { recursive: true });
  writeFileSync(join(empty, PROFILE_DB_FILE), new Uint8Array(0));
  await rejectsWith(unlockProfile(empty, 'p'), 'NOT_A_PROFILE');
  assert.equal(readFileSync(join(empty, PROFILE_DB_FILE)).length, 0);

  // Somebody else's SQLite database.
  const foreign = tempDir(t);
  mkdirSync(foreign, { recursive: true });
  const require = createRequire(import.meta.url);
  const { Database } = require('node-sqlite3-wasm') as typeof import('node-sqlite3-wasm');
  const other = new Database(join(foreign, PROFILE_DB_FILE));
  other.exec('CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES (\'hello\')');
  other.close();
  before = snapshot(foreign);
  await rejectsWith(unlockProfile(foreign, 'p'), 'NOT_A_PROFILE');
  assert.deepEqual(snapshot(foreign), before);

  // Our file with a damaged keyring.
  const damaged = tempDir(t);
  (await createProfile(damaged, { name: 'A', passphrase: 'p', kdf: FAST_KDF })).lock();
  const db = openDatabase(join(damaged, PROFILE_DB_FILE), { create: false });
  db.run('UPDATE keyring SET memlimit = ?', [64 * 1024 * 1024 * 1024]);
  db.close();
  before = snapshot(damaged);
  await rejectsWith(unlockProfile(damaged, 'p'), 'CORRUPT');
  assert.deepEqual(snapshot(damaged), before);

  // Our file cut in half.
  const cut = tempDir(t);
  const s = await createProfile(cut, { name: 'A', passphrase: 'p', kdf: FAST_KDF });
  for (let i = 0; i < 50; i++) await s.contacts.put(`c${i}`, contact({ nickname: 'x'.repeat(150) }));
  s.lock();
  const bytes = readFileSync(join(cut, PROFILE_DB_FILE));
  writeFileSync(join(cut, PROFILE_DB_FILE), bytes.subarray(0, Math.floor(bytes.length / 2)));
  before = snapshot(cut);
  await assert.rejects(async () => {
    const opened = await unlockProfile(cut, 'p');
    try { await opened.contacts.list(); } finally { opened.lock(); }
  }, (e: unknown) => isStoreError(e, 'CORRUPT'));
  assert.deepEqual(snapshot(cut), before);
});
