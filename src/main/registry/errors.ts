// Coded errors of the registry client. Every failure that leaves src/main/registry is a
// RegistryError whose `code` says what went wrong, made by the factories below (hyperdht's
// DHTError style), so the core can tell "bad input" from "no gateway answered".
import { CodedError, codedGuard } from '../../protocol/errors.ts';

export type RegistryErrorCode =
  | 'BAD_INPUT'
  | 'BAD_RECORD'
  | 'BAD_ANSWER'
  | 'GATEWAY_REFUSED'
  | 'GATEWAY_UNREACHABLE'
  | 'GATEWAY_TIMEOUT'
  | 'NO_GATEWAY'
  | 'ALL_GATEWAYS_FAILED'
  | 'UNKNOWN_CONTACT'
  | 'ABORTED'
  | 'CLOSED';

export class RegistryError extends CodedError<RegistryErrorCode> {
  override readonly name = 'RegistryError';
  /** The gateway's own error code (src/gateway GatewayError) when it refused a request. */
  readonly gatewayCode: string | undefined;

  constructor(code: RegistryErrorCode, message: string, opts: { gatewayCode?: string; cause?: unknown } = {}) {
    super(code, message, opts);
    this.gatewayCode = opts.gatewayCode;
  }

  static BAD_INPUT(detail: string): RegistryError {
    return new RegistryError('BAD_INPUT', detail);
  }

  /** A record whose signature, key, size or encoding is wrong: proof that its source lies. */
  static BAD_RECORD(detail: string): RegistryError {
    return new RegistryError('BAD_RECORD', `bad record: ${detail}`);
  }

  /** An answer that is not what the gateway API promises (docs/ARCHITECTURE.md, src/gateway). */
  static BAD_ANSWER(gateway: string, detail: string): RegistryError {
    return new RegistryError('BAD_ANSWER', `gateway ${gateway} gave a bad answer: ${detail}`);
  }

  static GATEWAY_REFUSED(gateway: string, gatewayCode: string, status: number, message: string): RegistryError {
    return new RegistryError('GATEWAY_REFUSED', `gateway ${gateway} refused (${status} ${gatewayCode}): ${message}`, { gatewayCode });
  }

  static GATEWAY_UNREACHABLE(gateway: string, cause: unknown): RegistryError {
    return new RegistryError('GATEWAY_UNREACHABLE', `cannot reach gateway ${gateway}: ${describe(cause)}`, { cause });
  }

  static GATEWAY_TIMEOUT(gateway: string, ms: number): RegistryError {
    return new RegistryError('GATEWAY_TIMEOUT', `gateway ${gateway} did not answer within ${ms} ms`);
  }

  static NO_GATEWAY(): RegistryError {
    return new RegistryError('NO_GATEWAY', 'no registry gateway is configured');
  }

  static ALL_GATEWAYS_FAILED(op: string, errors: RegistryError[]): RegistryError {
    const detail = errors.map((e) => `${e.code}: ${e.message}`).join('; ');
    return new RegistryError('ALL_GATEWAYS_FAILED', `${op} failed on every gateway (${detail || 'all backing off'})`, { cause: errors[0] });
  }

  static UNKNOWN_CONTACT(id: string): RegistryError {
    return new RegistryError('UNKNOWN_CONTACT', `no contact with id ${id}`);
  }

  static ABORTED(what: string): RegistryError {
    return new RegistryError('ABORTED', `${what} aborted`);
  }

  static CLOSED(): RegistryError {
    return new RegistryError('CLOSED', 'the registry client is closed');
  }
}

export const isRegistryError = codedGuard(RegistryError);

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
