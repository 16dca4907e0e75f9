// Post-invitation key upgrade (DESIGN D3): K_AB = KDF(s, X25519(a, B)). Whoever read the
// invitation e-mail knows s but not a or b, so cannot compute any registry key after the
// first authenticated link. Symmetric: both identity keys enter in sorted order.
import { compareBytes, concatBytes, equalBytes, expectBytes } from './bytes.ts';
import { ProtocolError } from './errors.ts';
import { blake2b, label } from './hash.ts';
import { type Identity, x25519KeyPair, x25519PublicKey } from './identity.ts';
import { sodium } from './sodium.ts';

const UPGRADE_LABEL = label('sotto/upgrade/v1');

export function upgradeSharedKey(secret: Uint8Array, ownIdentity: Identity, peerPublicKey: Uint8Array): Uint8Array {
  expectBytes(secret, 32, 'invitation secret');
  expectBytes(peerPublicKey, 32, 'peer identity public key');
  if (equalBytes(ownIdentity.publicKey, peerPublicKey)) throw ProtocolError.BAD_KEY('a contact with oneself');
  const own = x25519KeyPair(ownIdentity);
  const peer = x25519PublicKey(peerPublicKey);
  let dh: Uint8Array;
  try {
    // libsodium refuses an all-zero result (a low-order peer key contributes nothing secret).
    dh = sodium().crypto_scalarmult(own.secretKey, peer);
  } catch {
    throw ProtocolError.BAD_KEY('peer identity public key');
  }
  const [low, high] = compareBytes(ownIdentity.publicKey, peerPublicKey) < 0
    ? [ownIdentity.publicKey, peerPublicKey]
    : [peerPublicKey, ownIdentity.publicKey];
  return blake2b(32, concatBytes(UPGRADE_LABEL, dh, low, high), secret);
}
