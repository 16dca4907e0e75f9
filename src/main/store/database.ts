// The SQLite file of a profile, through node-sqlite3-wasm (DESIGN D7: WASM, so no native rebuild
// for Electron). Measured with this package (0.8.60) on the build machines:
// - its VFS has no shared memory, so `PRAGMA journal_mode=WAL` silently stays `delete` unless the
//   connection first sets `locking_mode=EXCLUSIVE`; then WAL works (heap wal-index).
// - 200 single-row commits with synchronous=FULL: 396 ms in rollback-journal mode, 77 ms in
//   exclusive WAL mode (an fsync of the WAL per commit).
// - synchronous=NORMAL in WAL mode (what we run): a commit writes its WAL frames with write(2) and
//   does not fsync; checkpoints fsync. A commit is in the kernel's page cache when it returns, so
//   kill -9 (or any crash of this process) loses nothing committed; only a power loss or kernel
//   crash may drop the last commits before the next checkpoint, and the file stays consistent
//   (docs/ARCHITECTURE.md "Durability").
// - locks are `<file>.lock` directories (mkdir); exclusive mode holds one for the whole session,
//   so a killed process leaves it behind. profile-lock.ts owns clearing it.
import { createRequire } from 'node:module';
import type { Database as SqliteDatabase } from 'node-sqlite3-wasm';
import { StoreError } from './errors.ts';

const require = createRequire(import.meta.url);
const { Database } = require('node-sqlite3-wasm') as typeof import('node-sqlite3-wasm');

export type Db = SqliteDatabase;

/** "SOTT": written in the SQLite header so a foreign database is told apart from a damaged profile. */
export const APPLICATION_ID = 0x534f5454;

export function openDatabase(path: string, opts: { create: boolean }): Db {
  let db: Db;
  try {
    db = new Database(path, { fileMustExist: !opts.create });
  } catch (err) {
    throw sqliteError(err, path);
  }
  try {
    // Order matters: the locking mode must be set before the first read of a WAL file.
    db.exec('PRAGMA locking_mode=EXCLUSIVE');
    db.exec('PRAGMA synchronous=NORMAL');
    // Deleted rows (old wrapped keys, deleted messages) are overwritten with zeros, not left in free pages.
    db.exec('PRAGMA secure_delete=ON');
    db.exec('PRAGMA foreign_keys=ON');
    if (opts.create) {
      const mode = db.get('PRAGMA journal_mode=WAL');
      if (mode?.journal_mode !== 'wal') throw StoreError.IO_ERROR(`cannot enable WAL (got ${String(mode?.journal_mode)})`);
      db.exec(`PRAGMA application_id=${APPLICATION_ID}`);
    }
    return db;
  } catch (err) {
    closeQuietly(db);
    throw sqliteError(err, path);
  }
}

/** Throws NOT_A_PROFILE for anything that is not a SQLite file carrying our application id. */
export function checkApplicationId(db: Db, path: string): void {
  let id: unknown;
  try {
    id = db.get('PRAGMA application_id')?.application_id;
  } catch (err) {
    const coded = sqliteError(err, path);
    throw coded.code === 'CORRUPT' || coded.code === 'IO_ERROR' ? StoreError.NOT_A_PROFILE(path, err) : coded;
  }
  if (id !== APPLICATION_ID) throw StoreError.NOT_A_PROFILE(path);
}

export function transaction<T>(db: Db, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    try {
      if (db.inTransaction) db.exec('ROLLBACK');
    } catch {
      // The rollback failing means the connection is broken; the original error says why.
    }
    throw err;
  }
}

export function closeQuietly(db: Db | undefined): void {
  try {
    if (db?.isOpen) db.close();
  } catch {
    // Closing is best effort: the file is consistent after every commit anyway.
  }
}

/** Maps SQLite's errors (plain messages, no codes in this binding) onto StoreError codes. */
export function sqliteError(err: unknown, path: string): StoreError {
  if (err instanceof StoreError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/not a database/i.test(message)) return StoreError.NOT_A_PROFILE(path, err);
  if (/malformed|corrupt/i.test(message)) return StoreError.CORRUPT(message, err);
  if (/locked|busy/i.test(message)) return StoreError.PROFILE_IN_USE(path);
  return StoreError.IO_ERROR(message, err);
}
