// Coded errors of the invitation presentation layer (QR, links, e-mail). Bad input from the user
// (a random picture, a mangled link, an unreachable mail server) is a coded error, never a crash.
import { CodedError } from '../../protocol/errors.ts';

export type InviteErrorCode =
  | 'NOT_AN_INVITATION_LINK'
  | 'IMAGE_UNSUPPORTED'
  | 'IMAGE_TOO_LARGE'
  | 'QR_NOT_FOUND'
  | 'QR_NOT_AN_INVITATION'
  | 'QR_TOO_LONG'
  | 'BAD_EMAIL_ADDRESS'
  | 'SMTP_FAILED'
  | 'SMTP_INSECURE';

export class InviteError extends CodedError<InviteErrorCode> {
  override readonly name = 'InviteError';

  static NOT_AN_INVITATION_LINK(detail = 'no sotto://invite/ link found'): InviteError {
    return new InviteError('NOT_AN_INVITATION_LINK', detail);
  }
  static IMAGE_UNSUPPORTED(detail: string): InviteError {
    return new InviteError('IMAGE_UNSUPPORTED', detail);
  }
  static IMAGE_TOO_LARGE(pixels: number, max: number): InviteError {
    return new InviteError('IMAGE_TOO_LARGE', `image has ${pixels} pixels, at most ${max} are read`);
  }
  static QR_NOT_FOUND(): InviteError {
    return new InviteError('QR_NOT_FOUND', 'no readable QR code in the image');
  }
  static QR_NOT_AN_INVITATION(): InviteError {
    return new InviteError('QR_NOT_AN_INVITATION', 'the QR code does not hold a Sotto invitation');
  }
  static QR_TOO_LONG(length: number): InviteError {
    return new InviteError('QR_TOO_LONG', `${length} characters do not fit in a QR code`);
  }
  static BAD_EMAIL_ADDRESS(address: string): InviteError {
    return new InviteError('BAD_EMAIL_ADDRESS', `not an e-mail address: ${JSON.stringify(address.slice(0, 80))}`);
  }
  static SMTP_INSECURE(host: string): InviteError {
    return new InviteError('SMTP_INSECURE', `sending without TLS is allowed only to a mail server on this computer, not to ${host.slice(0, 253)}: `
      + 'your password and the invitation would cross the network readable by anyone on the way');
  }
  static SMTP_FAILED(cause: unknown): InviteError {
    const message = cause instanceof Error ? cause.message : String(cause);
    return new InviteError('SMTP_FAILED', `sending through the mail server failed: ${message}`, { cause });
  }
}
