// Coded errors of the core: what the UI (over IPC) shows when a user action cannot be done.
// Errors from the parts below (StoreError, TorError, ProtocolError, InviteError, ...) pass through
// unchanged: they already carry a `code`; `toErrorInfo` makes any of them JSON for the IPC layer.
import { CodedError } from '../../protocol/errors.ts';

export type CoreErrorCode =
  | 'BAD_INPUT'
  | 'LOCKED'
  | 'NOT_LOCKED'
  | 'NO_PROFILE'
  | 'NOT_FOUND'
  | 'INVITATION_EXPIRED'
  | 'INVITATION_USED'
  | 'INVITATION_CANCELLED'
  | 'INVITATION_TAKEN'
  | 'INVITATION_STATE'
  | 'INVITATION_FOR_SELF'
  | 'ALREADY_CONTACT'
  | 'CONTACT_STATE'
  | 'NOT_RUNNING'
  | 'CLOSED';

export class CoreError extends CodedError<CoreErrorCode> {
  override readonly name = 'CoreError';

  static BAD_INPUT(detail: string): CoreError { return new CoreError('BAD_INPUT', detail); }
  static LOCKED(): CoreError { return new CoreError('LOCKED', 'the profile is locked: unlock it first'); }
  static NOT_LOCKED(): CoreError { return new CoreError('NOT_LOCKED', 'a profile is already unlocked in this core'); }
  static NO_PROFILE(dir: string): CoreError { return new CoreError('NO_PROFILE', `no profile in ${dir}`); }
  static NOT_FOUND(what: string, id: string): CoreError { return new CoreError('NOT_FOUND', `no ${what} ${id}`); }
  static INVITATION_EXPIRED(): CoreError { return new CoreError('INVITATION_EXPIRED', 'this invitation has expired'); }
  static INVITATION_USED(): CoreError { return new CoreError('INVITATION_USED', 'this invitation was already used'); }
  static INVITATION_CANCELLED(): CoreError { return new CoreError('INVITATION_CANCELLED', 'this invitation was cancelled'); }
  static INVITATION_TAKEN(): CoreError { return new CoreError('INVITATION_TAKEN', 'someone else already used this invitation: ask for a new one'); }
  static INVITATION_STATE(from: string, event: string): CoreError {
    return new CoreError('INVITATION_STATE', `an invitation that is ${from} cannot be ${event}`);
  }
  static INVITATION_FOR_SELF(): CoreError { return new CoreError('INVITATION_FOR_SELF', 'this is your own invitation'); }
  static ALREADY_CONTACT(): CoreError { return new CoreError('ALREADY_CONTACT', 'this person is already a contact'); }
  static CONTACT_STATE(detail: string): CoreError { return new CoreError('CONTACT_STATE', detail); }
  static NOT_RUNNING(): CoreError { return new CoreError('NOT_RUNNING', 'the core is not running'); }
  static CLOSED(): CoreError { return new CoreError('CLOSED', 'the core was closed'); }
}

/** JSON shape of an error, as the IPC layer returns it (`{ ok: false, error }`). */
export interface ErrorInfo { code: string; message: string }

export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : 'INTERNAL', message: err.message };
  }
  return { code: 'INTERNAL', message: String(err) };
}
