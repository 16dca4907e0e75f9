// v3 onion service ids (rend-spec-v3 6: 56 base32 chars of pubkey | checksum | version) and the
// base32 form tor wants for ClientAuthV3 keys (RFC 4648 without padding: 52 chars for 32 bytes).
import { TorError } from './errors.ts';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

const SERVICE_ID = /^[a-z2-7]{55}d$/; // last char encodes version 3 in its low bits

export function isServiceId(value: unknown): value is string {
  return typeof value === 'string' && SERVICE_ID.test(value);
}

/** Accepts `<id>` or `<id>.onion` and returns the bare 56-char service id. */
export function toServiceId(value: string): string {
  const id = value.endsWith('.onion') ? value.slice(0, -6) : value;
  if (!isServiceId(id)) throw TorError.BAD_INPUT(`not a v3 onion service id: ${JSON.stringify(value.slice(0, 80))}`);
  return id;
}

export function assertX25519Key(key: unknown, what: string): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== 32) throw TorError.BAD_INPUT(`${what} must be 32 bytes (x25519)`);
}
