// Every decoder and constructor in src/protocol reports bad input with a ProtocolError whose
// `code` a caller can branch on (DESIGN "quality bars": a clear coded error, never a crash).
// Factories follow hyperdht's style: `ProtocolError.BAD_LENGTH('registry value')`.

export type ProtocolErrorCode =
  | 'BAD_LENGTH' // a byte string or text has the wrong size
  | 'BAD_VERSION' // unknown format version
  | 'BAD_TYPE' // unknown kind/form/type byte
  | 'BAD_CHECKSUM' // contact code or onion address typo
  | 'BAD_SIGNATURE' // an ed25519 signature does not verify
  | 'BAD_KEY' // a key that cannot be used (low-order point, equal identities)
  | 'DECRYPT_FAILED' // AEAD or seal did not authenticate
  | 'EXPIRED' // past its expiry or older than the caller's max age
  | 'FROM_FUTURE' // timestamp further ahead than the allowed clock skew
  | 'WRONG_RECIPIENT' // a sealed invitation names someone else as recipient
  | 'WRONG_PUBLISHER' // a registry value signed by someone other than expected
  | 'BAD_ENCODING' // text that is not valid hex/base32/base64url/UTF-8, non-zero padding
  | 'OUT_OF_RANGE' // a number outside its field
  | 'TOO_LARGE' // over a size limit
  | 'NOT_READY'; // a sodium-backed function called before `await ready()`

/**
 * The one shape of every coded error in Sotto (each folder's errors.ts names its codes and
 * factories): `code` is what callers branch on and what reaches the debug log; `message` says what
 * happened; `cause` keeps the error underneath. `name` is set per class as a literal, since bundlers
 * may rename classes.
 */
export class CodedError<C extends string> extends Error {
  readonly code: C;

  constructor(code: C, message: string, opts: { cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
  }
}

/** `isXError(err, code?)` for a CodedError class: the error is one of its kind (with that code). */
export function codedGuard<E extends CodedError<string>>(kind: abstract new (...args: never[]) => E): (err: unknown, code?: E['code']) => err is E {
  return (err: unknown, code?: E['code']): err is E => err instanceof kind && (code === undefined || err.code === code);
}

export class ProtocolError extends CodedError<ProtocolErrorCode> {
  override readonly name = 'ProtocolError';

  constructor(code: ProtocolErrorCode, message: string) {
    super(code, `${code}: ${message}`);
  }

  static BAD_LENGTH(what: string, expected?: number | string, actual?: number): ProtocolError {
    const detail = expected === undefined ? '' : ` (expected ${expected}${actual === undefined ? '' : `, got ${actual}`})`;
    return new ProtocolError('BAD_LENGTH', `${what} has the wrong length${detail}`);
  }

  static BAD_VERSION(what: string, version: number): ProtocolError {
    return new ProtocolError('BAD_VERSION', `${what}: unsupported version ${version}`);
  }

  static BAD_TYPE(what: string, type: number | string): ProtocolError {
    return new ProtocolError('BAD_TYPE', `${what}: unknown type ${String(type)}`);
  }

  static BAD_CHECKSUM(what: string): ProtocolError {
    return new ProtocolError('BAD_CHECKSUM', `${what}: checksum mismatch (typo?)`);
  }

  static BAD_SIGNATURE(what: string): ProtocolError {
    return new ProtocolError('BAD_SIGNATURE', `${what}: signature does not verify`);
  }

  static BAD_KEY(what: string): ProtocolError {
    return new ProtocolError('BAD_KEY', `${what}: unusable key`);
  }

  static DECRYPT_FAILED(what: string): ProtocolError {
    return new ProtocolError('DECRYPT_FAILED', `${what}: cannot be decrypted with this key`);
  }

  static EXPIRED(what: string): ProtocolError {
    return new ProtocolError('EXPIRED', `${what} has expired`);
  }

  static FROM_FUTURE(what: string): ProtocolError {
    return new ProtocolError('FROM_FUTURE', `${what} is dated too far in the future`);
  }

  static WRONG_RECIPIENT(what: string): ProtocolError {
    return new ProtocolError('WRONG_RECIPIENT', `${what} is addressed to someone else`);
  }

  static WRONG_PUBLISHER(what: string): ProtocolError {
    return new ProtocolError('WRONG_PUBLISHER', `${what} was published by an unexpected identity`);
  }

  static BAD_ENCODING(what: string): ProtocolError {
    return new ProtocolError('BAD_ENCODING', `${what} is not well formed`);
  }

  static OUT_OF_RANGE(what: string): ProtocolError {
    return new ProtocolError('OUT_OF_RANGE', `${what} is out of range`);
  }

  static TOO_LARGE(what: string, limit: number): ProtocolError {
    return new ProtocolError('TOO_LARGE', `${what} exceeds ${limit} bytes`);
  }

  static NOT_READY(): ProtocolError {
    return new ProtocolError('NOT_READY', 'call `await ready()` before using src/protocol');
  }
}

export const isProtocolError = codedGuard(ProtocolError);
