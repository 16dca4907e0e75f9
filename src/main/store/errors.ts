// Coded errors of the profile store. Every failure that leaves this folder is a StoreError whose
// `code` says what went wrong, made by the small factories below (hyperdht's DHTError style).
import { CodedError, codedGuard } from '../../protocol/errors.ts';

export type StoreErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NO_PROFILE'
  | 'PROFILE_EXISTS'
  | 'PROFILE_IN_USE'
  | 'NOT_A_PROFILE'
  | 'CORRUPT'
  | 'NEWER_SCHEMA'
  | 'MIGRATION_FAILED'
  | 'WRONG_PASSPHRASE'
  | 'UNLOCK_DELAYED'
  | 'WEAK_PASSPHRASE'
  | 'LOCKED'
  | 'NOT_FOUND'
  | 'IO_ERROR';

export class StoreError extends CodedError<StoreErrorCode> {
  override readonly name = 'StoreError';

  static INVALID_ARGUMENT(detail: string): StoreError {
    return new StoreError('INVALID_ARGUMENT', detail);
  }

  static NO_PROFILE(dir: string): StoreError {
    return new StoreError('NO_PROFILE', `no profile in ${dir}`);
  }

  static PROFILE_EXISTS(dir: string): StoreError {
    return new StoreError('PROFILE_EXISTS', `a profile already exists in ${dir}`);
  }

  static PROFILE_IN_USE(dir: string, pid?: number): StoreError {
    const by = pid === undefined ? '' : ` by process ${pid}`;
    return new StoreError('PROFILE_IN_USE', `the profile in ${dir} is open${by}`);
  }

  static NOT_A_PROFILE(path: string, cause?: unknown): StoreError {
    return new StoreError('NOT_A_PROFILE', `${path} is not a Sotto profile database`, { cause });
  }

  static CORRUPT(detail: string, cause?: unknown): StoreError {
    return new StoreError('CORRUPT', `profile database is corrupt: ${detail}`, { cause });
  }

  static NEWER_SCHEMA(found: number, known: number): StoreError {
    return new StoreError('NEWER_SCHEMA',
      `profile schema version ${found} is newer than this build knows (${known}); update Sotto — the file was not modified`);
  }

  static MIGRATION_FAILED(version: number, cause: unknown): StoreError {
    return new StoreError('MIGRATION_FAILED', `migration to schema version ${version} failed and was rolled back: ${String(cause)}`, { cause });
  }

  static WRONG_PASSPHRASE(retryAfterMs = 0): StoreError {
    const wait = retryAfterMs > 0 ? `: too many wrong tries, the next one is possible in ${waitWords(retryAfterMs)}` : '';
    return Object.assign(new StoreError('WRONG_PASSPHRASE', `wrong passphrase${wait}`), { retryAfterMs });
  }

  static UNLOCK_DELAYED(retryAfterMs: number): StoreError {
    return Object.assign(
      new StoreError('UNLOCK_DELAYED', `too many wrong passphrases: try again in ${waitWords(retryAfterMs)}`), { retryAfterMs });
  }

  static WEAK_PASSPHRASE(hint: string): StoreError {
    return new StoreError('WEAK_PASSPHRASE', `this passphrase is too easy to guess${hint ? `: ${hint}` : ''}`);
  }

  static LOCKED(): StoreError {
    return new StoreError('LOCKED', 'the profile is locked');
  }

  static NOT_FOUND(what: string): StoreError {
    return new StoreError('NOT_FOUND', `${what} not found`);
  }

  static IO_ERROR(detail: string, cause?: unknown): StoreError {
    return new StoreError('IO_ERROR', `storage error: ${detail}`, { cause });
  }
}

/** "1 s", "2 min 8 s": the wait as a person reads it. */
function waitWords(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
}

export const isStoreError = codedGuard(StoreError);
