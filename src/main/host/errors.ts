// Coded errors of the hosts (browser host CLI, external links, app window).
import { CodedError } from '../../protocol/errors.ts';

export type HostErrorCode = 'BAD_OPTION' | 'SMTP_NOT_SET' | 'EXTERNAL_UNAVAILABLE' | 'NO_BROWSER';

export class HostError extends CodedError<HostErrorCode> {
  override readonly name = 'HostError';

  static BAD_OPTION(detail: string): HostError { return new HostError('BAD_OPTION', detail); }
  static SMTP_NOT_SET(): HostError { return new HostError('SMTP_NOT_SET', 'set up an SMTP server in the settings first'); }
  static EXTERNAL_UNAVAILABLE(): HostError {
    return new HostError('EXTERNAL_UNAVAILABLE', 'no system browser to open links with: open the link in this browser instead');
  }
  static NO_BROWSER(): HostError { return new HostError('NO_BROWSER', 'no Chromium found (set SOTTO_CHROMIUM or install chromium)'); }
}
