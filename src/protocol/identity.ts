// Identity keys, contact codes and fingerprints (DESIGN D2).
// A contact code is safe to publish: it is the public key plus a checksum, nothing about presence.
import {
  compareBytes, concatBytes, equalBytes, expectBytes, fromBase32, toBase32, u8,
} from './bytes.ts';
import { ProtocolError } from './errors.ts';
import { blake2b, label } from './hash.ts';
import { sodium } from './sodium.ts';

export interface Identity {
  /** ed25519 public key (32 bytes): the identity everyone sees. */
  readonly publicKey: Uint8Array;
  /** ed25519 secret key in libsodium's 64-byte form (seed || public key). */
  readonly secretKey: Uint8Array;
}

export interface X25519KeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

export const CONTACT_CODE_VERSION = 1;
/** 35 bytes (version, key, checksum) are exactly 56 base32 characters. */
export const CONTACT_CODE_CHARS = 56;

export function identityFromSeed(seed: Uint8Array): Identity {
  expectBytes(seed, 32, 'identity seed');
  const kp = sodium().crypto_sign_seed_keypair(seed);
  return { publicKey: kp.publicKey, secretKey: kp.privateKey };
}

/** The X25519 public key of an ed25519 identity key; BAD_KEY if it is not a valid point. */
export function x25519PublicKey(identityPublicKey: Uint8Array): Uint8Array {
  expectBytes(identityPublicKey, 32, 'identity public key');
  try {
    return sodium().crypto_sign_ed25519_pk_to_curve25519(identityPublicKey);
  } catch {
    throw ProtocolError.BAD_KEY('identity public key');
  }
}

export function x25519KeyPair(identity: Identity): X25519KeyPair {
  expectBytes(identity.secretKey, 64, 'identity secret key');
  return {
    publicKey: x25519PublicKey(identity.publicKey),
    secretKey: sodium().crypto_sign_ed25519_sk_to_curve25519(identity.secretKey),
  };
}

/**
 * CRC-16/CCITT-FALSE (poly 0x1021, init 0xffff, MSB first). Chosen over a truncated hash
 * because a CRC-16 detects every burst error of up to 16 bits: one mistyped base32 character
 * flips at most 5 adjacent bits and two swapped neighbours at most 10, so every such typo is
 * caught with certainty, not with probability 1 - 2^-16.
 */
export function crc16(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

function groupsOf(text: string, size: number, separator: string): string {
  const groups: string[] = [];
  for (let i = 0; i < text.length; i += size) groups.push(text.slice(i, i + size));
  return groups.join(separator);
}

/** Contact code: base32(version || public key || crc16) in 14 groups of 4, e.g. "AEXM-...". */
export function encodeContactCode(publicKey: Uint8Array): string {
  expectBytes(publicKey, 32, 'identity public key');
  const body = concatBytes(u8(CONTACT_CODE_VERSION), publicKey);
  const crc = crc16(body);
  return groupsOf(toBase32(concatBytes(body, Uint8Array.of(crc >> 8, crc & 0xff))), 4, '-');
}

/** Decodes a contact code typed or pasted by a person: any case, spaces and dashes ignored. */
export function decodeContactCode(text: string): Uint8Array {
  if (typeof text !== 'string') throw ProtocolError.BAD_ENCODING('contact code');
  const compact = text.replace(/[\s-]+/g, '');
  if (compact.length !== CONTACT_CODE_CHARS) throw ProtocolError.BAD_LENGTH('contact code', CONTACT_CODE_CHARS, compact.length);
  let raw: Uint8Array;
  try {
    raw = fromBase32(compact);
  } catch {
    throw ProtocolError.BAD_ENCODING('contact code (characters A-Z and 2-7 only)');
  }
  const body = raw.subarray(0, 33);
  const crc = (raw[33]! << 8) | raw[34]!;
  // Checksum before version: a typo in the first character is a typo, not a new version.
  if (crc16(body) !== crc) throw ProtocolError.BAD_CHECKSUM('contact code');
  if (body[0] !== CONTACT_CODE_VERSION) throw ProtocolError.BAD_VERSION('contact code', body[0]!);
  const publicKey = body.slice(1);
  x25519PublicKey(publicKey); // BAD_KEY unless a valid ed25519 point
  return publicKey;
}

const FINGERPRINT_LABEL = label('sotto/fingerprint/v1');
const FINGERPRINT_GROUPS = 6;

function fingerprintDigits(publicKey: Uint8Array): string[] {
  expectBytes(publicKey, 32, 'identity public key');
  const h = blake2b(64, concatBytes(FINGERPRINT_LABEL, publicKey));
  const groups: string[] = [];
  // Signal's construction: 5 bytes (40 bits) per group, reduced mod 10^5; ~100 bits in total.
  for (let g = 0; g < FINGERPRINT_GROUPS; g++) {
    let n = 0;
    for (let i = 0; i < 5; i++) n = n * 256 + h[5 * g + i]!;
    groups.push(String(n % 100000).padStart(5, '0'));
  }
  return groups;
}

/** Six groups of five digits for one identity key, e.g. "01234 56789 ...". */
export function fingerprint(publicKey: Uint8Array): string {
  return fingerprintDigits(publicKey).join(' ');
}

/**
 * Twelve groups of five digits that both sides of a pair compute identically (the smaller
 * key's fingerprint first); compared out of band to rule out a substituted key.
 */
export function safetyNumber(publicKeyA: Uint8Array, publicKeyB: Uint8Array): string {
  expectBytes(publicKeyA, 32, 'identity public key');
  expectBytes(publicKeyB, 32, 'identity public key');
  if (equalBytes(publicKeyA, publicKeyB)) throw ProtocolError.BAD_KEY('safety number of a key with itself');
  const [first, second] = compareBytes(publicKeyA, publicKeyB) < 0 ? [publicKeyA, publicKeyB] : [publicKeyB, publicKeyA];
  return [...fingerprintDigits(first), ...fingerprintDigits(second)].join(' ');
}
