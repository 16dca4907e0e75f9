// Registry keys and per-role record key pairs (DESIGN D4, issue 2 item 3). Exact formulas:
//   X    = BLAKE2b-256(key = K_AB, "sotto/registry/v1" || u64be(D) || u8(I))
//   seed = BLAKE2b-256(key = X, "sotto/record" || u8(role))
//   record key pair = ed25519 from seed
// Without K_AB a DHT node cannot link X across hours, replicas or contacts (paper 4.2).
import { concatBytes, expectBytes, u64be, u8 } from './bytes.ts';
import { blake2b, label } from './hash.ts';
import { expectRole, type Role } from './roles.ts';
import { sodium } from './sodium.ts';

const REGISTRY_LABEL = label('sotto/registry/v1');
const RECORD_LABEL = label('sotto/record');

/** Replicas per entry by default (DESIGN D4: r = 3). */
export const DEFAULT_REPLICAS = 3;

export interface RecordKeyPair {
  /** ed25519 public key of the HyperDHT mutable record. */
  readonly publicKey: Uint8Array;
  /** 64-byte ed25519 secret key (libsodium form). */
  readonly secretKey: Uint8Array;
}

/** X for shared key K, hour D (hours since 1970, UTC) and replica index I (0..255). */
export function registryKey(sharedKey: Uint8Array, hour: number, index: number): Uint8Array {
  expectBytes(sharedKey, 32, 'shared key');
  return blake2b(32, concatBytes(REGISTRY_LABEL, u64be(hour, 'hour'), u8(index, 'replica index')), sharedKey);
}

export function recordSeed(key: Uint8Array, role: Role): Uint8Array {
  expectBytes(key, 32, 'registry key');
  return blake2b(32, concatBytes(RECORD_LABEL, u8(expectRole(role))), key);
}

export function recordKeyPair(seed: Uint8Array): RecordKeyPair {
  expectBytes(seed, 32, 'record seed');
  const kp = sodium().crypto_sign_seed_keypair(seed);
  return { publicKey: kp.publicKey, secretKey: kp.privateKey };
}
