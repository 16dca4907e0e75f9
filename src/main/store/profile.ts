// A profile on disk: `<dir>/sotto.db` plus `<dir>/profile.lock` while it is open. The passphrase
// unwraps the data key (crypto.ts); lock() wipes the row keys and closes the file.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkKdfCost, defaultRandomBytes, KDF_INTERACTIVE, newDataKey, newKdfParams, passphraseBytes,
  RowCipher, sodiumReady, unwrapDataKey, wipe, wrapDataKey,
  type KdfCost, type KdfParams, type Passphrase, type RandomBytes,
} from './crypto.ts';
import { deriveKekOffThread } from './kdf-worker.ts';
import { checkApplicationId, closeQuietly, openDatabase, transaction, type Db } from './database.ts';
import { StoreError } from './errors.ts';
import { Messages } from './messages.ts';
import { checkMigrations, createSchemaVersionTable, latestVersion, migrate, MIGRATIONS, readSchemaVersion, type Migration } from './migrations.ts';
import { checkUnlockAllowed, clearUnlockFailures, recordUnlockFailure } from './unlock-throttle.ts';
import { acquireProfileLock, type ProfileLock, type ProfileLockOptions } from './profile-lock.ts';
import { RecordTable } from './record-table.ts';
import { ContactRecordSchema, InvitationRecordSchema, type ContactRecord, type InvitationRecord } from './records.ts';
import { Settings } from './settings.ts';
import { wrapSqlite, type Session } from './session.ts';

export const PROFILE_DB_FILE = 'sotto.db';
const CREATING_DB_FILE = 'sotto.db.creating';
const SEED_BYTES = 32;
const MAX_NAME_LENGTH = 200;

export interface Identity {
  /** ed25519 seed of the profile's identity key (DESIGN D2); a copy, wipe it when done. */
  readonly seed: Uint8Array;
  readonly displayName: string;
}

export interface StoreOptions {
  /** Default: libsodium's CSPRNG. */
  randomBytes?: RandomBytes;
  /** Default: MIGRATIONS. Tests pass longer or shorter lists to exercise upgrades. */
  migrations?: readonly Migration[];
  lock?: ProfileLockOptions;
  /** Clock of the wrong-passphrase delay (unlock-throttle.ts); default Date.now. */
  now?: () => number;
}

export interface CreateProfileOptions extends StoreOptions {
  name: string;
  passphrase: Passphrase;
  /** Argon2id cost; default KDF_INTERACTIVE (~219 ms here). */
  kdf?: KdfCost;
  /** Default: 32 bytes from randomBytes. */
  identitySeed?: Uint8Array;
}

export function profileExists(dir: string): boolean {
  try {
    return statSync(join(dir, PROFILE_DB_FILE)).isFile();
  } catch {
    return false;
  }
}

export async function createProfile(dir: string, opts: CreateProfileOptions): Promise<ProfileStore> {
  await sodiumReady();
  if (typeof dir !== 'string' || dir.length === 0) throw StoreError.INVALID_ARGUMENT('profile dir must be a path');
  if (typeof opts !== 'object' || opts === null) throw StoreError.INVALID_ARGUMENT('options are required');
  const name = checkName(opts.name);
  const secret = passphraseBytes(opts.passphrase);
  const cost = checkKdfCost(opts.kdf ?? KDF_INTERACTIVE);
  const randomBytes = opts.randomBytes ?? defaultRandomBytes;
  const migrations = opts.migrations ?? MIGRATIONS;
  checkMigrations(migrations);
  const seed = opts.identitySeed ?? randomBytes(SEED_BYTES);
  if (!(seed instanceof Uint8Array) || seed.length !== SEED_BYTES) throw StoreError.INVALID_ARGUMENT('identitySeed must be 32 bytes');

  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (profileExists(dir)) throw StoreError.PROFILE_EXISTS(dir);
  const lock = acquireProfileLock(dir, [PROFILE_DB_FILE, CREATING_DB_FILE], opts.lock);
  const tmp = join(dir, CREATING_DB_FILE);
  const dataKey = newDataKey(randomBytes);
  let db: Db | undefined;
  try {
    if (profileExists(dir)) throw StoreError.PROFILE_EXISTS(dir);
    // Built under a temporary name and renamed when complete: a crash during creation never
    // leaves a half-made sotto.db that profileExists() would report.
    removeDbFiles(tmp);
    writeFileSync(tmp, new Uint8Array(0), { mode: 0o600 });
    const params = newKdfParams(cost, randomBytes);
    const kek = await deriveKekOffThread(secret, params);
    const wrapped = wrapDataKey(dataKey, kek, params, randomBytes);
    wipe(kek);

    db = openDatabase(tmp, { create: true });
    const cipher = new RowCipher(dataKey, randomBytes);
    const file = db;
    wrapSqlite(tmp, () => {
      createSchemaVersionTable(file);
      migrate({ db: file, cipher }, migrations, 0);
      transaction(file, () => {
        writeKeyring(file, params, wrapped);
        file.run('INSERT INTO identity (id, box) VALUES (1, ?)', [cipher.seal('identity', [1], identityPayload(seed, name))]);
      });
    });
    cipher.wipe();
    db.close();
    db = undefined;
    renameSync(tmp, join(dir, PROFILE_DB_FILE));
    fsyncDir(dir);
    return ProfileStore.open(dir, dataKey, lock, randomBytes, migrations);
  } catch (err) {
    closeQuietly(db);
    removeDbFiles(tmp);
    lock.release();
    throw err instanceof StoreError ? err : StoreError.IO_ERROR(`cannot create profile: ${String(err)}`, err);
  } finally {
    wipe(dataKey);
    if (opts.identitySeed === undefined) wipe(seed);
  }
}

/**
 * Opens a profile. A wrong passphrase is WRONG_PASSPHRASE and writes nothing but the failure count
 * (unlock-throttle.ts: repeated failures wait, UNLOCK_DELAYED); a file newer than
 * this build is NEWER_SCHEMA and is not touched; anything not ours is NOT_A_PROFILE.
 */
export async function unlockProfile(dir: string, passphrase: Passphrase, options?: StoreOptions): Promise<ProfileStore> {
  await sodiumReady();
  const opts = options ?? {};
  if (typeof dir !== 'string' || dir.length === 0) throw StoreError.INVALID_ARGUMENT('profile dir must be a path');
  const secret = passphraseBytes(passphrase);
  const randomBytes = opts.randomBytes ?? defaultRandomBytes;
  const migrations = opts.migrations ?? MIGRATIONS;
  checkMigrations(migrations);
  if (!profileExists(dir)) throw StoreError.NO_PROFILE(dir);
  const now = opts.now ?? Date.now;
  checkUnlockAllowed(dir, now());

  const lock = acquireProfileLock(dir, [PROFILE_DB_FILE, CREATING_DB_FILE], opts.lock);
  const path = join(dir, PROFILE_DB_FILE);
  let db: Db | undefined;
  let dataKey: Uint8Array | undefined;
  try {
    db = openDatabase(path, { create: false });
    const file = db;
    const { params, wrapped } = wrapSqlite(path, () => {
      checkApplicationId(file, path);
      const version = readSchemaVersion(file);
      const known = latestVersion(migrations);
      if (version > known) throw StoreError.NEWER_SCHEMA(version, known);
      return readKeyring(file);
    });
    const kek = await deriveKekOffThread(secret, params);
    dataKey = unwrapDataKey(wrapped, kek, params);
    wipe(kek);
    if (dataKey === undefined) throw StoreError.WRONG_PASSPHRASE(recordUnlockFailure(dir, now()));
    // The session keeps this connection: closing it checkpoints the WAL with fsyncs, which stalled
    // the main thread for 10-90 ms under load (issue 11 item 5) only to open the file again.
    const store = ProfileStore.open(dir, dataKey, lock, randomBytes, migrations, db);
    db = undefined;
    clearUnlockFailures(dir);
    return store;
  } catch (err) {
    closeQuietly(db);
    lock.release();
    throw err instanceof StoreError ? err : StoreError.IO_ERROR(`cannot unlock profile: ${String(err)}`, err);
  } finally {
    wipe(dataKey);
  }
}

export class ProfileStore {
  readonly dir: string;
  readonly contacts: RecordTable<ContactRecord>;
  readonly invitations: RecordTable<InvitationRecord>;
  readonly settings: Settings;
  readonly messages: Messages;
  #session: Session | undefined;
  #lock: ProfileLock;
  readonly #randomBytes: RandomBytes;
  #schemaVersion: number;

  private constructor(dir: string, session: Session, lock: ProfileLock, randomBytes: RandomBytes, schemaVersion: number) {
    this.dir = dir;
    this.#session = session;
    this.#lock = lock;
    this.#randomBytes = randomBytes;
    this.#schemaVersion = schemaVersion;
    const withSession = <T>(fn: (s: Session) => T): T => {
      const s = this.#session;
      if (s === undefined) throw StoreError.LOCKED();
      return wrapSqlite(s.path, () => fn(s));
    };
    this.contacts = new RecordTable('contacts', 'contact', ContactRecordSchema, withSession);
    this.invitations = new RecordTable('invitations', 'invitation', InvitationRecordSchema, withSession);
    this.settings = new Settings(withSession);
    this.messages = new Messages(withSession);
  }

  /**
   * @internal Opens the file for a session with an already unwrapped data key, migrating it;
   * `opened`: the connection unlock already holds (taken over: closed on failure like our own).
   */
  static open(dir: string, dataKey: Uint8Array, lock: ProfileLock, randomBytes: RandomBytes, migrations: readonly Migration[], opened?: Db): ProfileStore {
    const path = join(dir, PROFILE_DB_FILE);
    const db = opened ?? openDatabase(path, { create: false });
    const cipher = new RowCipher(dataKey, randomBytes);
    try {
      const version = wrapSqlite(path, () => {
        checkApplicationId(db, path);
        const from = readSchemaVersion(db);
        const known = latestVersion(migrations);
        if (from > known) throw StoreError.NEWER_SCHEMA(from, known);
        return migrate({ db, cipher }, migrations, from);
      });
      return new ProfileStore(dir, { db, cipher, path }, lock, randomBytes, version);
    } catch (err) {
      cipher.wipe();
      closeQuietly(db);
      throw err;
    }
  }

  get locked(): boolean {
    return this.#session === undefined;
  }

  get schemaVersion(): number {
    return this.#schemaVersion;
  }

  async identity(): Promise<Identity> {
    const s = this.#requireSession();
    return wrapSqlite(s.path, () => {
      const row = s.db.get('SELECT box FROM identity WHERE id = 1');
      if (row === null) throw StoreError.CORRUPT('identity row is missing');
      const plain = s.cipher.open('identity', [1], row.box) as { seed?: unknown; displayName?: unknown } | null;
      if (typeof plain?.seed !== 'string' || !/^[0-9a-f]{64}$/.test(plain.seed) || typeof plain.displayName !== 'string') {
        throw StoreError.CORRUPT('identity row is malformed');
      }
      return { seed: Uint8Array.from(Buffer.from(plain.seed, 'hex')), displayName: plain.displayName };
    });
  }

  async setDisplayName(name: string): Promise<void> {
    const displayName = checkName(name);
    const { seed } = await this.identity();
    const s = this.#requireSession();
    try {
      wrapSqlite(s.path, () => transaction(s.db, () => {
        s.db.run('UPDATE identity SET box = ? WHERE id = 1', [s.cipher.seal('identity', [1], identityPayload(seed, displayName))]);
      }));
    } finally {
      wipe(seed);
    }
  }

  /** The Argon2id cost the file currently uses (raise it with changePassphrase(..., { kdf })). */
  async kdfCost(): Promise<KdfCost> {
    const s = this.#requireSession();
    const { params } = wrapSqlite(s.path, () => readKeyring(s.db));
    return { opslimit: params.opslimit, memlimit: params.memlimit };
  }

  /**
   * Re-wraps the data key under a new passphrase (and optionally a new Argon2id cost) in one
   * transaction: after a crash the file opens with exactly one of the two passphrases.
   */
  async changePassphrase(current: Passphrase, next: Passphrase, opts: { kdf?: KdfCost } = {}): Promise<void> {
    const s = this.#requireSession();
    const oldSecret = passphraseBytes(current);
    const newSecret = passphraseBytes(next);
    const { params, wrapped } = wrapSqlite(s.path, () => readKeyring(s.db));
    const cost = checkKdfCost(opts.kdf ?? { opslimit: params.opslimit, memlimit: params.memlimit });
    const oldKek = await deriveKekOffThread(oldSecret, params);
    const dataKey = unwrapDataKey(wrapped, oldKek, params);
    wipe(oldKek);
    if (dataKey === undefined) throw StoreError.WRONG_PASSPHRASE();
    try {
      const newParams = newKdfParams(cost, this.#randomBytes);
      const newKek = await deriveKekOffThread(newSecret, newParams);
      const newWrapped = wrapDataKey(dataKey, newKek, newParams, this.#randomBytes);
      wipe(newKek);
      wrapSqlite(s.path, () => {
        transaction(s.db, () => writeKeyring(s.db, newParams, newWrapped));
        // Copy the new page into the main file and empty the WAL, so the old wrapped key does not
        // linger in WAL frames (secure_delete does not reach those).
        s.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      });
    } finally {
      wipe(dataKey);
    }
  }

  /** Wipes the keys and closes the file; every later call is LOCKED. Safe to call twice. */
  lock(): void {
    const s = this.#session;
    if (s === undefined) return;
    this.#session = undefined;
    s.cipher.wipe();
    closeQuietly(s.db);
    this.#lock.release();
  }

  #requireSession(): Session {
    if (this.#session === undefined) throw StoreError.LOCKED();
    return this.#session;
  }
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > MAX_NAME_LENGTH) {
    throw StoreError.INVALID_ARGUMENT(`profile name must be 1..${MAX_NAME_LENGTH} characters`);
  }
  return name;
}

function identityPayload(seed: Uint8Array, displayName: string): { seed: string; displayName: string } {
  return { seed: Buffer.from(seed).toString('hex'), displayName };
}

function writeKeyring(db: Db, params: KdfParams, wrapped: Uint8Array): void {
  db.run(`INSERT INTO keyring (id, alg, opslimit, memlimit, salt, wrapped_key) VALUES (1, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET alg = excluded.alg, opslimit = excluded.opslimit, memlimit = excluded.memlimit,
    salt = excluded.salt, wrapped_key = excluded.wrapped_key`,
  [params.alg, params.opslimit, params.memlimit, params.salt, wrapped]);
}

function readKeyring(db: Db): { params: KdfParams; wrapped: Uint8Array } {
  let row;
  try {
    row = db.get('SELECT alg, opslimit, memlimit, salt, wrapped_key FROM keyring WHERE id = 1');
  } catch (err) {
    throw StoreError.CORRUPT('keyring is missing', err);
  }
  if (row === null) throw StoreError.CORRUPT('keyring is empty');
  const { alg, opslimit, memlimit, salt, wrapped_key: wrapped } = row;
  if (alg !== 'argon2id13' || typeof opslimit !== 'number' || typeof memlimit !== 'number'
    || !(salt instanceof Uint8Array) || salt.length !== 16 || !(wrapped instanceof Uint8Array)) {
    throw StoreError.CORRUPT('keyring row is malformed');
  }
  try {
    checkKdfCost({ opslimit, memlimit });
  } catch {
    throw StoreError.CORRUPT(`keyring asks for an out-of-range Argon2id cost (ops ${opslimit}, mem ${memlimit})`);
  }
  return { params: { alg, opslimit, memlimit, salt }, wrapped };
}

function removeDbFiles(path: string): void {
  for (const suffix of ['', '-wal', '-journal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  rmSync(`${path}.lock`, { recursive: true, force: true });
}

function fsyncDir(dir: string): void {
  // The rename is only durable once the directory entry is on disk.
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

