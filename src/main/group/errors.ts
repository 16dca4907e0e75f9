// Coded errors of src/main/group: user actions on sessions that cannot be done. Errors of the
// state machine (SessionStateError) and of the codecs (ProtocolError) pass through with their codes.
import { CodedError } from '../../protocol/errors.ts';

export type GroupErrorCode = 'NO_SESSION' | 'NO_INVITATION' | 'SESSIONS_CLOSED';

export class GroupError extends CodedError<GroupErrorCode> {
  override readonly name = 'GroupError';

  static NO_SESSION(): GroupError { return new GroupError('NO_SESSION', 'you are not in this group chat'); }
  static NO_INVITATION(): GroupError { return new GroupError('NO_INVITATION', 'this group chat invitation is no longer open'); }
  static CLOSED(): GroupError { return new GroupError('SESSIONS_CLOSED', 'group chats are closed while the profile is locked'); }
}
