// Coded errors of the Tor layer. Every failure that leaves this folder is a TorError whose `code`
// says what went wrong, made by the small factories below (hyperdht's DHTError style).
import { CodedError, codedGuard } from '../../protocol/errors.ts';

export type TorErrorCode =
  | 'NO_TOR_BINARY'
  | 'TOR_START_FAILED'
  | 'TOR_EXITED'
  | 'TOR_STOPPED'
  | 'CONTROL_CONNECT_FAILED'
  | 'CONTROL_CLOSED'
  | 'CONTROL_PROTOCOL'
  | 'CONTROL_TIMEOUT'
  | 'ABORTED'
  | 'COMMAND_REJECTED'
  | 'AUTH_FAILED'
  | 'BAD_SERVER_HASH'
  | 'BAD_INPUT'
  | 'ONION_UPLOAD_TIMEOUT'
  | 'SOCKS_PROTOCOL'
  | 'SOCKS_TIMEOUT'
  | 'SOCKS_CONNECT_FAILED'
  // SOCKS5 standard replies (RFC 1928 section 6)
  | 'SOCKS_GENERAL_FAILURE'
  | 'SOCKS_NOT_ALLOWED'
  | 'SOCKS_NETWORK_UNREACHABLE'
  | 'SOCKS_HOST_UNREACHABLE'
  | 'SOCKS_CONNECTION_REFUSED'
  | 'SOCKS_TTL_EXPIRED'
  | 'SOCKS_COMMAND_NOT_SUPPORTED'
  | 'SOCKS_ADDRESS_NOT_SUPPORTED'
  // tor's ExtendedErrors (socks-extensions.txt, "Extended error codes")
  | 'ONION_DESC_NOT_FOUND'
  | 'ONION_DESC_INVALID'
  | 'ONION_INTRO_FAILED'
  | 'ONION_REND_FAILED'
  | 'ONION_MISSING_CLIENT_AUTH'
  | 'ONION_BAD_CLIENT_AUTH'
  | 'ONION_BAD_ADDRESS'
  | 'ONION_INTRO_TIMEOUT';

export class TorError extends CodedError<TorErrorCode> {
  override readonly name = 'TorError';
  /** tor's numeric status (control reply code or SOCKS reply byte) when tor gave one. */
  readonly status: number | undefined;

  constructor(code: TorErrorCode, message: string, opts: { status?: number; cause?: unknown } = {}) {
    super(code, message, opts);
    this.status = opts.status;
  }

  static NO_TOR_BINARY(looked: string[]): TorError {
    return new TorError('NO_TOR_BINARY', `no tor binary found; looked in: ${looked.join(', ')}`);
  }

  static TOR_START_FAILED(reason: string, lastLogLines: string[] = [], cause?: unknown): TorError {
    const log = lastLogLines.length > 0 ? `\n--- last tor log lines ---\n${lastLogLines.join('\n')}` : '';
    return new TorError('TOR_START_FAILED', `tor failed to start: ${reason}${log}`, { cause });
  }

  static TOR_EXITED(code: number | null, signal: string | null): TorError {
    return new TorError('TOR_EXITED', `tor exited (code ${code}, signal ${signal})`);
  }

  static TOR_STOPPED(): TorError {
    return new TorError('TOR_STOPPED', 'tor process was stopped');
  }

  static CONTROL_CONNECT_FAILED(cause: unknown): TorError {
    return new TorError('CONTROL_CONNECT_FAILED', `cannot connect to tor control port: ${String(cause)}`, { cause });
  }

  static CONTROL_CLOSED(): TorError {
    return new TorError('CONTROL_CLOSED', 'tor control connection closed');
  }

  static CONTROL_PROTOCOL(detail: string): TorError {
    return new TorError('CONTROL_PROTOCOL', `malformed control reply: ${detail}`);
  }

  static CONTROL_TIMEOUT(command: string, ms: number): TorError {
    return new TorError('CONTROL_TIMEOUT', `tor did not answer ${command} within ${ms} ms`);
  }

  static ABORTED(what: string): TorError {
    return new TorError('ABORTED', `${what} aborted`);
  }

  static COMMAND_REJECTED(command: string, status: number, text: string): TorError {
    return new TorError('COMMAND_REJECTED', `tor rejected ${command}: ${status} ${text}`, { status });
  }

  static AUTH_FAILED(detail: string, status?: number): TorError {
    return new TorError('AUTH_FAILED', `tor control authentication failed: ${detail}`, status === undefined ? {} : { status });
  }

  static BAD_SERVER_HASH(): TorError {
    // Threat: something other than our tor listens on the control port and wants the cookie hash.
    return new TorError('BAD_SERVER_HASH', 'SAFECOOKIE server hash does not match: the control port is not our tor');
  }

  static BAD_INPUT(detail: string): TorError {
    return new TorError('BAD_INPUT', detail);
  }

  static ONION_UPLOAD_TIMEOUT(serviceId: string, ms: number): TorError {
    return new TorError('ONION_UPLOAD_TIMEOUT', `no HS_DESC UPLOADED for ${serviceId} within ${ms} ms`);
  }

  static SOCKS_PROTOCOL(detail: string): TorError {
    return new TorError('SOCKS_PROTOCOL', `SOCKS5 protocol error: ${detail}`);
  }

  static SOCKS_TIMEOUT(ms: number): TorError {
    return new TorError('SOCKS_TIMEOUT', `SOCKS5 connect did not finish within ${ms} ms`);
  }

  static SOCKS_CONNECT_FAILED(cause: unknown): TorError {
    return new TorError('SOCKS_CONNECT_FAILED', `cannot reach tor SOCKS port: ${String(cause)}`, { cause });
  }

  static SOCKS_REPLY(reply: number): TorError {
    const code = SOCKS_REPLY_CODES.get(reply);
    if (code === undefined) return new TorError('SOCKS_PROTOCOL', `unknown SOCKS5 reply 0x${hex(reply)}`, { status: reply });
    return new TorError(code, `SOCKS5 reply 0x${hex(reply)} (${code})`, { status: reply });
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

export const SOCKS_REPLY_CODES: ReadonlyMap<number, TorErrorCode> = new Map<number, TorErrorCode>([
  [0x01, 'SOCKS_GENERAL_FAILURE'],
  [0x02, 'SOCKS_NOT_ALLOWED'],
  [0x03, 'SOCKS_NETWORK_UNREACHABLE'],
  [0x04, 'SOCKS_HOST_UNREACHABLE'],
  [0x05, 'SOCKS_CONNECTION_REFUSED'],
  [0x06, 'SOCKS_TTL_EXPIRED'],
  [0x07, 'SOCKS_COMMAND_NOT_SUPPORTED'],
  [0x08, 'SOCKS_ADDRESS_NOT_SUPPORTED'],
  [0xf0, 'ONION_DESC_NOT_FOUND'],
  [0xf1, 'ONION_DESC_INVALID'],
  [0xf2, 'ONION_INTRO_FAILED'],
  [0xf3, 'ONION_REND_FAILED'],
  [0xf4, 'ONION_MISSING_CLIENT_AUTH'],
  [0xf5, 'ONION_BAD_CLIENT_AUTH'],
  [0xf6, 'ONION_BAD_ADDRESS'],
  [0xf7, 'ONION_INTRO_TIMEOUT'],
]);

export const isTorError = codedGuard(TorError);
