// Client authorization keys for per-contact onion endpoints (DESIGN D5). Both sides derive the
// pair from K_AB, so nothing extra is exchanged: the side serving the endpoint (`role`) gives
// the public key to ADD_ONION ClientAuthV3, the other side gives the secret key to
// ONION_CLIENT_AUTH_ADD. Without it, even someone holding the onion address cannot fetch the
// descriptor, so the address alone reveals nothing about presence.
import { concatBytes, expectBytes, toBase32, toBase64, u8 } from './bytes.ts';
import { blake2b, label } from './hash.ts';
import type { X25519KeyPair } from './identity.ts';
import { expectRole, type Role } from './roles.ts';
import { sodium } from './sodium.ts';

const CLIENT_AUTH_LABEL = label('sotto/client-auth');

export function clientAuthKeyPair(sharedKey: Uint8Array, role: Role): X25519KeyPair {
  expectBytes(sharedKey, 32, 'shared key');
  const secretKey = blake2b(32, concatBytes(CLIENT_AUTH_LABEL, u8(expectRole(role))), sharedKey);
  // Clamp as X25519 does (RFC 7748 section 5), so the stored key is the one Tor uses.
  secretKey[0] = secretKey[0]! & 248;
  secretKey[31] = secretKey[31]! & 127;
  secretKey[31] = secretKey[31]! | 64;
  return { publicKey: sodium().crypto_scalarmult_base(secretKey), secretKey };
}

/** The 52-character base32 form ADD_ONION ClientAuthV3= expects. */
export function clientAuthPublicKeyText(publicKey: Uint8Array): string {
  return toBase32(expectBytes(publicKey, 32, 'client-auth public key'));
}

/** The base64 form ONION_CLIENT_AUTH_ADD x25519:<key> expects. */
export function clientAuthSecretKeyText(secretKey: Uint8Array): string {
  return toBase64(expectBytes(secretKey, 32, 'client-auth secret key'));
}
