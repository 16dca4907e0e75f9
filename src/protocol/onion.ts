// Tor v3 onion addresses <-> ed25519 service public keys (rend-spec-v3 section 6):
//   address = base32(PUBKEY(32) || CHECKSUM(2) || VERSION(1)) + ".onion", lower case
//   CHECKSUM = SHA3-256(".onion checksum" || PUBKEY || VERSION)[0..2], VERSION = 0x03
// Registry values carry the 32-byte key, not the 62-character text (smaller, one encoding).
import { concatBytes, equalBytes, expectBytes, fromBase32, toBase32, utf8Encode } from './bytes.ts';
import { ProtocolError } from './errors.ts';
import { sha3_256 } from './sha3.ts';

const ONION_VERSION = 0x03;
const CHECKSUM_PREFIX = utf8Encode('.onion checksum');
export const ONION_ADDRESS_LENGTH = 56; // base32 characters without ".onion"

function onionChecksum(publicKey: Uint8Array): Uint8Array {
  return sha3_256(concatBytes(CHECKSUM_PREFIX, publicKey, Uint8Array.of(ONION_VERSION))).subarray(0, 2);
}

/** "<56 base32 chars>.onion" for an ed25519 onion service public key. */
export function onionAddressFromPublicKey(publicKey: Uint8Array): string {
  expectBytes(publicKey, 32, 'onion service public key');
  const raw = concatBytes(publicKey, onionChecksum(publicKey), Uint8Array.of(ONION_VERSION));
  return `${toBase32(raw).toLowerCase()}.onion`;
}

/**
 * The service public key of a v3 address, with or without ".onion", any case (Tor's
 * ADD_ONION reply gives the ServiceID without the suffix).
 */
export function publicKeyFromOnionAddress(address: string): Uint8Array {
  if (typeof address !== 'string') throw ProtocolError.BAD_ENCODING('onion address');
  const id = address.toLowerCase().endsWith('.onion') ? address.slice(0, -'.onion'.length) : address;
  if (id.length !== ONION_ADDRESS_LENGTH) throw ProtocolError.BAD_LENGTH('onion address', ONION_ADDRESS_LENGTH, id.length);
  const raw = fromBase32(id);
  const publicKey = raw.slice(0, 32);
  const version = raw[34]!;
  if (version !== ONION_VERSION) throw ProtocolError.BAD_VERSION('onion address', version);
  if (!equalBytes(raw.subarray(32, 34), onionChecksum(publicKey))) throw ProtocolError.BAD_CHECKSUM('onion address');
  return publicKey;
}
