// What a repository needs from an unlocked profile. `run` throws LOCKED after lock() and turns
// SQLite's errors into StoreErrors, so repositories never leak a raw SQLite3Error.
import type { RowCipher } from './crypto.ts';
import { sqliteError, type Db } from './database.ts';

export interface Session {
  readonly db: Db;
  readonly cipher: RowCipher;
  readonly path: string;
}

export type WithSession = <T>(fn: (session: Session) => T) => T;

export function bytesColumn(value: unknown): Uint8Array | undefined {
  return value instanceof Uint8Array ? value : undefined;
}

export function wrapSqlite<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw sqliteError(err, path);
  }
}
