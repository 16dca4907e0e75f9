// Numbered migrations. Each runs in its own transaction together with the bump of
// schema_version, so a crash or an error leaves the file at the previous, valid version. A file
// whose version is newer than this build knows is refused before anything is written.
import type { RowCipher } from './crypto.ts';
import { transaction, type Db } from './database.ts';
import { StoreError } from './errors.ts';

export interface MigrationContext {
  readonly db: Db;
  /** Row keys of the unlocked profile: a migration may re-encrypt rows (open, change, seal). */
  readonly cipher: RowCipher;
}

export interface Migration {
  readonly version: number;
  readonly description: string;
  up(ctx: MigrationContext): void;
}

// Plaintext columns are only opaque references (keyed BLAKE2b of ids, crypto.ts) and the message
// sequence number; everything else is inside `box`.
const V1_SCHEMA = `
CREATE TABLE keyring (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  alg TEXT NOT NULL,
  opslimit INTEGER NOT NULL,
  memlimit INTEGER NOT NULL,
  salt BLOB NOT NULL,
  wrapped_key BLOB NOT NULL
);
CREATE TABLE identity (id INTEGER PRIMARY KEY CHECK (id = 1), box BLOB NOT NULL);
CREATE TABLE settings (ref BLOB PRIMARY KEY, box BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE contacts (ref BLOB PRIMARY KEY, box BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE invitations (ref BLOB PRIMARY KEY, box BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  ref BLOB NOT NULL UNIQUE,
  conversation BLOB NOT NULL,
  box BLOB NOT NULL
);
CREATE INDEX messages_by_conversation ON messages (conversation, seq);
CREATE TABLE conversations (ref BLOB PRIMARY KEY, box BLOB NOT NULL) WITHOUT ROWID;
`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'keyring, identity, settings, contacts, invitations, messages, conversation summaries',
    up: ({ db }) => db.exec(V1_SCHEMA),
  },
];

export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
}

export function checkMigrations(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw StoreError.INVALID_ARGUMENT(`migration #${i} has version ${m.version}, expected ${i + 1}`);
  });
}

/** Reads the version of an existing profile; a profile without the table is CORRUPT. */
export function readSchemaVersion(db: Db): number {
  let row;
  try {
    row = db.get('SELECT version FROM schema_version');
  } catch (err) {
    throw StoreError.CORRUPT('schema_version is missing', err);
  }
  const version = row?.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    throw StoreError.CORRUPT('schema_version is unreadable');
  }
  return version;
}

export function createSchemaVersionTable(db: Db): void {
  transaction(db, () => {
    db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    db.run('INSERT INTO schema_version (version) VALUES (0)');
  });
}

/** Runs every migration above `from`, each in its own transaction. Returns the new version. */
export function migrate(ctx: MigrationContext, migrations: readonly Migration[], from: number): number {
  let version = from;
  for (const migration of migrations) {
    if (migration.version <= version) continue;
    try {
      transaction(ctx.db, () => {
        migration.up(ctx);
        ctx.db.run('UPDATE schema_version SET version = ?', [migration.version]);
      });
    } catch (err) {
      throw StoreError.MIGRATION_FAILED(migration.version, err);
    }
    version = migration.version;
  }
  return version;
}
