// One process per profile. SQLite's own lock here is a `sotto.db.lock` directory that a killed
// process leaves behind (database.ts), after which every open would fail with "database is locked"
// forever. So we hold a lock file naming our pid; whoever takes it over from a dead pid may
// remove SQLite's stale lock, because only the holder of this file ever opens the database.
import { readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from './errors.ts';

export const PROFILE_LOCK_FILE = 'profile.lock';

export interface ProfileLockOptions {
  pid?: number;
  isAlive?: (pid: number) => boolean;
}

export interface ProfileLock {
  release(): void;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireProfileLock(dir: string, sqliteFiles: readonly string[], opts: ProfileLockOptions = {}): ProfileLock {
  const pid = opts.pid ?? process.pid;
  const isAlive = opts.isAlive ?? isProcessAlive;
  const path = join(dir, PROFILE_LOCK_FILE);

  if (!tryCreate(path, pid)) {
    const holder = readHolder(path);
    if (holder !== undefined && isAlive(holder)) throw StoreError.PROFILE_IN_USE(dir, holder);
    // Stale (holder dead) or unreadable: take it over. Two processes racing here is possible in
    // theory; Electron's single-instance lock keeps a desktop user from starting two anyway.
    try {
      unlinkSync(path);
    } catch {
      // Someone else removed it first; the exclusive create below decides who wins.
    }
    if (!tryCreate(path, pid)) throw StoreError.PROFILE_IN_USE(dir, readHolder(path));
  }

  for (const file of sqliteFiles) rmSync(`${join(dir, file)}.lock`, { recursive: true, force: true });

  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      if (readHolder(path) === pid) rmSync(path, { force: true });
    },
  };
}

function tryCreate(path: string, pid: number): boolean {
  try {
    writeFileSync(path, `${pid}\n`, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw StoreError.IO_ERROR(`cannot create ${path}: ${String(err)}`, err);
  }
}

function readHolder(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
