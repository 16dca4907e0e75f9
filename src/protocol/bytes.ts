// Byte helpers shared by every codec. Decoders are strict (canonical text only, exact lengths)
// so that one value has exactly one encoding: a lenient decoder would let two different
// strings name the same key, which breaks equality checks and vector comparisons.
import { ProtocolError } from './errors.ts';

const HEX = '0123456789abcdef';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'; // RFC 4648 section 6
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'; // RFC 4648 section 5
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function reverseTable(alphabet: string, caseInsensitive: boolean): Int16Array {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) {
    const ch = alphabet.charCodeAt(i);
    table[ch] = i;
    if (caseInsensitive) {
      table[String.fromCharCode(ch).toLowerCase().charCodeAt(0)] = i;
    }
  }
  return table;
}

const BASE32_REVERSE = reverseTable(BASE32, true);
const BASE64URL_REVERSE = reverseTable(BASE64URL, false);

export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

/** Throws BAD_LENGTH unless `bytes` is a Uint8Array of exactly `length` bytes. */
export function expectBytes(bytes: unknown, length: number, what: string): Uint8Array {
  if (!isBytes(bytes)) throw ProtocolError.BAD_ENCODING(`${what} (not bytes)`);
  if (bytes.length !== length) throw ProtocolError.BAD_LENGTH(what, length, bytes.length);
  return bytes;
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b >> 4]! + HEX[b & 15]!;
  return out;
}

export function fromHex(text: string, expectedLength?: number): Uint8Array {
  if (typeof text !== 'string' || text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw ProtocolError.BAD_ENCODING('hex string');
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  if (expectedLength !== undefined && out.length !== expectedLength) {
    throw ProtocolError.BAD_LENGTH('hex string', expectedLength, out.length);
  }
  return out;
}

/** RFC 4648 base32, upper case, no padding. */
export function toBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = ((buffer << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >> (bits - 5)) & 31]!;
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31]!;
  return out;
}

/** Strict RFC 4648 base32 without padding; case-insensitive; rejects non-canonical tails. */
export function fromBase32(text: string): Uint8Array {
  if (typeof text !== 'string') throw ProtocolError.BAD_ENCODING('base32 text');
  // Lengths 1, 3 and 6 (mod 8) cannot come from whole bytes.
  const rem = text.length % 8;
  if (rem === 1 || rem === 3 || rem === 6) throw ProtocolError.BAD_ENCODING('base32 text (length)');
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let j = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? BASE32_REVERSE[code]! : -1;
    if (v < 0) throw ProtocolError.BAD_ENCODING('base32 text (character)');
    buffer = ((buffer << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[j++] = (buffer >> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) throw ProtocolError.BAD_ENCODING('base32 text (trailing bits)');
  return out;
}

function toBase64With(alphabet: string, bytes: Uint8Array, pad: boolean): string {
  let out = '';
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + (pad ? '=' : '');
  }
  return out;
}

/** RFC 4648 base64url without padding (invitation links). */
export function toBase64Url(bytes: Uint8Array): string {
  return toBase64With(BASE64URL, bytes, false);
}

/** Standard padded base64: Tor's ONION_CLIENT_AUTH_ADD takes the x25519 private key this way. */
export function toBase64(bytes: Uint8Array): string {
  return toBase64With(BASE64, bytes, true);
}

/** Strict base64url without padding; rejects padding, other alphabets and non-canonical tails. */
export function fromBase64Url(text: string): Uint8Array {
  if (typeof text !== 'string' || text.length % 4 === 1) throw ProtocolError.BAD_ENCODING('base64url text');
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let j = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? BASE64URL_REVERSE[code]! : -1;
    if (v < 0) throw ProtocolError.BAD_ENCODING('base64url text (character)');
    buffer = ((buffer << 6) | v) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      out[j++] = (buffer >> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) throw ProtocolError.BAD_ENCODING('base64url text (trailing bits)');
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Lexicographic order of byte strings (memcmp, shorter first on a common prefix). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function u8(n: number, what = 'u8'): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xff) throw ProtocolError.OUT_OF_RANGE(what);
  return Uint8Array.of(n);
}

export function u16be(n: number, what = 'u16'): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw ProtocolError.OUT_OF_RANGE(what);
  return Uint8Array.of(n >>> 8, n & 0xff);
}

/** Big-endian u64 of a non-negative safe integer (times in ms and hours fit in 2^53). */
export function u64be(n: number, what = 'u64'): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw ProtocolError.OUT_OF_RANGE(what);
  const out = new Uint8Array(8);
  const high = Math.floor(n / 0x100000000);
  const low = n >>> 0;
  out[0] = high >>> 24;
  out[1] = (high >>> 16) & 0xff;
  out[2] = (high >>> 8) & 0xff;
  out[3] = high & 0xff;
  out[4] = low >>> 24;
  out[5] = (low >>> 16) & 0xff;
  out[6] = (low >>> 8) & 0xff;
  out[7] = low & 0xff;
  return out;
}

export function readU16be(bytes: Uint8Array, offset: number): number {
  if (offset < 0 || offset + 2 > bytes.length) throw ProtocolError.BAD_LENGTH('u16 field');
  return (bytes[offset]! << 8) | bytes[offset + 1]!;
}

/** Reads a big-endian u64; values above 2^53 - 1 are OUT_OF_RANGE (no silent rounding). */
export function readU64be(bytes: Uint8Array, offset: number, what = 'u64 field'): number {
  if (offset < 0 || offset + 8 > bytes.length) throw ProtocolError.BAD_LENGTH(what);
  const high = ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
  const low = ((bytes[offset + 4]! << 24) | (bytes[offset + 5]! << 16) | (bytes[offset + 6]! << 8) | bytes[offset + 7]!) >>> 0;
  if (high > 0x1fffff) throw ProtocolError.OUT_OF_RANGE(what);
  return high * 0x100000000 + low;
}

export function utf8Encode(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Strict UTF-8 decoding: invalid sequences are BAD_ENCODING, never U+FFFD; a leading BOM is kept so text round-trips. */
export function utf8Decode(bytes: Uint8Array, what = 'UTF-8 text'): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw ProtocolError.BAD_ENCODING(what);
  }
}
