// Sealed boxes with caller-supplied randomness. Same construction as libsodium's
// crypto_box_seal (ephemeral X25519 key pair, nonce = BLAKE2b-192(epk || recipient pk),
// output epk || crypto_box(message)), so libsodium's crypto_box_seal_open opens it; the only
// difference is that the ephemeral key pair comes from a 32-byte seed the caller passes in,
// which keeps src/protocol free of its own randomness and makes invitation vectors reproducible.
import { concatBytes, expectBytes } from './bytes.ts';
import { ProtocolError } from './errors.ts';
import { blake2b } from './hash.ts';
import type { X25519KeyPair } from './identity.ts';
import { sodium } from './sodium.ts';

export const SEAL_OVERHEAD = 32 + 16; // ephemeral public key + Poly1305 tag

export function sealWithSeed(message: Uint8Array, recipientPublicKey: Uint8Array, ephemeralSeed: Uint8Array): Uint8Array {
  expectBytes(recipientPublicKey, 32, 'recipient x25519 public key');
  expectBytes(ephemeralSeed, 32, 'ephemeral seed');
  const s = sodium();
  const ephemeral = s.crypto_box_seed_keypair(ephemeralSeed);
  const nonce = blake2b(24, concatBytes(ephemeral.publicKey, recipientPublicKey));
  let box: Uint8Array;
  try {
    box = s.crypto_box_easy(message, nonce, recipientPublicKey, ephemeral.privateKey);
  } catch {
    throw ProtocolError.BAD_KEY('recipient x25519 public key');
  }
  return concatBytes(ephemeral.publicKey, box);
}

export function openSeal(sealed: Uint8Array, recipient: X25519KeyPair, what: string): Uint8Array {
  if (sealed.length < SEAL_OVERHEAD) throw ProtocolError.BAD_LENGTH(what);
  try {
    return sodium().crypto_box_seal_open(sealed, recipient.publicKey, recipient.secretKey);
  } catch {
    throw ProtocolError.DECRYPT_FAILED(what);
  }
}
