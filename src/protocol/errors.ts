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

export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;

  constructor(code: ProtocolErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'ProtocolError';
    this.code = code;
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

export function isProtocolError(err: unknown, code?: ProtocolErrorCode): err is ProtocolError {
  return err instanceof ProtocolError && (code === undefined || err.code === code);
}
