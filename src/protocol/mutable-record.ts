// Byte-compatibility with hyperdht 6.34 mutable records (lib/persistent.js signMutable /
// verifyMutable), so a client signs its own record and a gateway (DESIGN D4) can only relay it:
//   signable  = NS_MUTABLE_PUT (32) || BLAKE2b-256(c.uint(seq) || c.buffer(value))
//   signature = ed25519_sign_detached(signable, record secret key)
// compact-encoding's uint/buffer are re-implemented here because src/protocol imports nothing
// but libsodium.
import { concatBytes, expectBytes, fromHex, isBytes } from './bytes.ts';
import { ProtocolError } from './errors.ts';
import { blake2b } from './hash.ts';
import type { RecordKeyPair } from './registry-key.ts';
import { sodium } from './sodium.ts';

/**
 * hypercore-crypto namespace('hyperswarm/dht', [6])[0] (COMMANDS.MUTABLE_PUT = 6), copied from
 * node_modules/hyperdht/lib/constants.js; a unit test re-reads it from hyperdht.
 */
export const NS_MUTABLE_PUT = fromHex('668e823edd5ce7f5338d68bf1161f4a3c28ce437ee2ab49efd30d99366039b1e');

function littleEndian(n: number, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let rest = n;
  for (let i = 0; i < bytes; i++) {
    out[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return out;
}

/** compact-encoding `uint`: 1, 3, 5 or 9 bytes, little-endian after a 0xfd/0xfe/0xff marker. */
export function compactUint(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw ProtocolError.OUT_OF_RANGE('compact uint');
  if (n <= 0xfc) return Uint8Array.of(n);
  if (n <= 0xffff) return concatBytes(Uint8Array.of(0xfd), littleEndian(n, 2));
  if (n <= 0xffffffff) return concatBytes(Uint8Array.of(0xfe), littleEndian(n, 4));
  return concatBytes(Uint8Array.of(0xff), littleEndian(n, 8));
}

/** compact-encoding `buffer`: uint length, then the bytes. */
export function compactBuffer(value: Uint8Array): Uint8Array {
  return concatBytes(compactUint(value.length), value);
}

export function mutableSignable(seq: number, value: Uint8Array): Uint8Array {
  if (!isBytes(value)) throw ProtocolError.BAD_ENCODING('record value (not bytes)');
  const hash = blake2b(32, concatBytes(compactUint(seq), compactBuffer(value)));
  return concatBytes(NS_MUTABLE_PUT, hash);
}

export function signRecord(keyPair: RecordKeyPair, seq: number, value: Uint8Array): Uint8Array {
  expectBytes(keyPair.secretKey, 64, 'record secret key');
  return sodium().crypto_sign_detached(mutableSignable(seq, value), keyPair.secretKey);
}

/** true when `signature` is what hyperdht storers accept for (publicKey, seq, value); never throws. */
export function verifyRecord(publicKey: Uint8Array, seq: number, value: Uint8Array, signature: Uint8Array): boolean {
  if (!isBytes(publicKey) || publicKey.length !== 32 || !isBytes(signature) || signature.length !== 64) return false;
  if (!isBytes(value) || !Number.isSafeInteger(seq) || seq < 0) return false;
  try {
    return sodium().crypto_sign_verify_detached(signature, mutableSignable(seq, value), publicKey);
  } catch (err) {
    if (err instanceof ProtocolError && err.code === 'NOT_READY') throw err;
    return false;
  }
}
