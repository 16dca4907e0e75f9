// Coded errors of the console host. Errors of the core and the parts below it (CoreError,
// StoreError, InviteError, TorError, ...) are printed with their own code (`toErrorInfo`).
import { CodedError } from '../../protocol/errors.ts';

export type ConsoleErrorCode =
  | 'UNKNOWN_COMMAND'
  | 'BAD_ARGUMENTS'
  | 'UNKNOWN_CONTACT'
  | 'AMBIGUOUS_CONTACT'
  | 'BAD_OPTION'
  | 'FILE_UNREADABLE'
  | 'NO_PASSPHRASE'
  | 'INPUT_CLOSED'
  | 'TESTBED_UNAVAILABLE';

export class ConsoleError extends CodedError<ConsoleErrorCode> {
  override readonly name = 'ConsoleError';

  static UNKNOWN_COMMAND(name: string): ConsoleError {
    return new ConsoleError('UNKNOWN_COMMAND', `unknown command "${name}" (type help)`);
  }
  static BAD_ARGUMENTS(usage: string): ConsoleError { return new ConsoleError('BAD_ARGUMENTS', `usage: ${usage}`); }
  static UNKNOWN_CONTACT(name: string): ConsoleError {
    return new ConsoleError('UNKNOWN_CONTACT', `no contact "${name}" (type contacts; a nickname or the start of an id)`);
  }
  static AMBIGUOUS_CONTACT(name: string, ids: string[]): ConsoleError {
    return new ConsoleError('AMBIGUOUS_CONTACT', `"${name}" matches ${ids.length} contacts (${ids.map((i) => i.slice(0, 8)).join(', ')}): use the start of an id`);
  }
  static BAD_OPTION(detail: string): ConsoleError { return new ConsoleError('BAD_OPTION', detail); }
  static FILE_UNREADABLE(path: string, cause: unknown): ConsoleError {
    return new ConsoleError('FILE_UNREADABLE', `cannot read ${path}: ${(cause as Error).message ?? String(cause)}`, { cause });
  }
  static NO_PASSPHRASE(): ConsoleError { return new ConsoleError('NO_PASSPHRASE', 'the passphrase must not be empty'); }
  static INPUT_CLOSED(): ConsoleError { return new ConsoleError('INPUT_CLOSED', 'input ended before the profile was open'); }
  static TESTBED_UNAVAILABLE(detail: string): ConsoleError { return new ConsoleError('TESTBED_UNAVAILABLE', detail); }
}
