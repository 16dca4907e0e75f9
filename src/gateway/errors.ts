// Coded errors of the registry gateway. Every refusal a client can meet has a stable string code
// and one HTTP status, so the registry client (src/main/registry) can decide between "fix the
// request", "retry later" and "switch gateway" without parsing messages.
import { CodedError, codedGuard } from '../protocol/errors.ts';

export const GATEWAY_ERROR_STATUS = {
  BAD_JSON: 400,
  BAD_REQUEST: 400,
  BAD_SIGNATURE: 400,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  SEQ_REUSED: 409,
  SEQ_TOO_LOW: 409,
  TOO_LARGE: 413,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL: 500,
  DHT_FAILED: 502,
  SHUTTING_DOWN: 503,
  TIMEOUT: 504,
} as const;

export type GatewayErrorCode = keyof typeof GATEWAY_ERROR_STATUS;

export class GatewayError extends CodedError<GatewayErrorCode> {
  override readonly name = 'GatewayError';
  readonly status: number;
  /** Seconds a client should wait before retrying (RATE_LIMITED only). */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: GatewayErrorCode, message: string, retryAfterSeconds?: number) {
    super(code, message);
    this.status = GATEWAY_ERROR_STATUS[code];
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static BAD_JSON(message = 'body is not valid JSON'): GatewayError {
    return new GatewayError('BAD_JSON', message);
  }

  static BAD_REQUEST(message: string): GatewayError {
    return new GatewayError('BAD_REQUEST', message);
  }

  static BAD_SIGNATURE(message = 'signature does not verify for this publicKey, seq and value'): GatewayError {
    return new GatewayError('BAD_SIGNATURE', message);
  }

  static NOT_FOUND(message = 'no such route'): GatewayError {
    return new GatewayError('NOT_FOUND', message);
  }

  static METHOD_NOT_ALLOWED(message = 'method not allowed on this route'): GatewayError {
    return new GatewayError('METHOD_NOT_ALLOWED', message);
  }

  static SEQ_REUSED(message = 'a record with this seq and a different value is stored; use a higher seq'): GatewayError {
    return new GatewayError('SEQ_REUSED', message);
  }

  static SEQ_TOO_LOW(message = 'a record with a higher seq is stored'): GatewayError {
    return new GatewayError('SEQ_TOO_LOW', message);
  }

  static TOO_LARGE(message: string): GatewayError {
    return new GatewayError('TOO_LARGE', message);
  }

  static RATE_LIMITED(retryAfterSeconds: number): GatewayError {
    return new GatewayError('RATE_LIMITED', 'rate limit exceeded', retryAfterSeconds);
  }

  static INTERNAL(message = 'internal error'): GatewayError {
    return new GatewayError('INTERNAL', message);
  }

  static DHT_FAILED(message = 'the DHT operation failed'): GatewayError {
    return new GatewayError('DHT_FAILED', message);
  }

  static SHUTTING_DOWN(message = 'gateway is shutting down'): GatewayError {
    return new GatewayError('SHUTTING_DOWN', message);
  }

  static TIMEOUT(message = 'the DHT operation timed out'): GatewayError {
    return new GatewayError('TIMEOUT', message);
  }
}

export const isGatewayError = codedGuard(GatewayError);
