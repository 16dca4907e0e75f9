// Registry values Y (DESIGN D4, paper eq. Y_B = E_AB(R_B, T_B)). Every value, real or dummy, is
// exactly REGISTRY_VALUE_SIZE bytes of nonce and ciphertext, with nothing in clear (not even a
// version byte): a DHT node must not tell real entries from dummies (paper 4.5, sparse usage).
//
//   value     = nonce(24) || XChaCha20-Poly1305(key, ad, plaintext(280)) -> 24 + 280 + 16 = 320
//   key       = BLAKE2b-256(key = K_AB, "sotto/registry-value/v1" || X)
//   ad        = version u8 || role u8 || u64be(D) || u8(I)
//   plaintext = version u8 (1) || publisher identity pk (32) || onion service pk (32)
//               || virtual port u16be || timestamp u64be ms || state u8 || endpoint expiry u64be ms
//               || signature (64) || zero padding to 280
//   signature = ed25519 by the publisher's identity over
//               BLAKE2b-256("sotto/registry-value-sig/v1" || role || u64be(D) || u8(I) || plaintext[0..84])
// The AEAD stops anyone without K_AB; the signature stops the other holder of K_AB (the contact)
// from forging the publisher's value, and names the publisher during the open-invitation bootstrap.
import { concatBytes, equalBytes, expectBytes, readU16be, readU64be, u16be, u64be, u8 } from './bytes.ts';
import { ProtocolError } from './errors.ts';
import { blake2b, label } from './hash.ts';
import type { Identity } from './identity.ts';
import { type PresenceState, presenceStateByte, presenceStateFromByte } from './presence-state.ts';
import { registryKey } from './registry-key.ts';
import { expectRole, type Role } from './roles.ts';
import { sodium } from './sodium.ts';

export const REGISTRY_VALUE_VERSION = 1;
/** Fixed size of every registry value; well under hyperdht's ~1870-byte limit (TESTBED-NOTES). */
export const REGISTRY_VALUE_SIZE = 320;
export const REGISTRY_NONCE_BYTES = 24;
const TAG_BYTES = 16;
const PLAINTEXT_BYTES = REGISTRY_VALUE_SIZE - REGISTRY_NONCE_BYTES - TAG_BYTES; // 280
const SIGNED_FIELDS_BYTES = 1 + 32 + 32 + 2 + 8 + 1 + 8; // 84
const SIGNATURE_BYTES = 64;

/** Default clock skew tolerated for values dated in the future. */
export const DEFAULT_MAX_SKEW_MS = 5 * 60 * 1000;

const VALUE_KEY_LABEL = label('sotto/registry-value/v1');
const VALUE_SIG_LABEL = label('sotto/registry-value-sig/v1');

export interface RegistryEntry {
  readonly version: number;
  readonly publisherPublicKey: Uint8Array;
  /** ed25519 key of the onion service; onionAddressFromPublicKey gives the address. */
  readonly onionPublicKey: Uint8Array;
  readonly virtualPort: number;
  /** Unix ms when published. */
  readonly timestamp: number;
  readonly state: PresenceState;
  /** Unix ms after which the endpoint is not served any more (rotation every 24 h, DESIGN D5). */
  readonly endpointExpiresAt: number;
}

export interface RegistrySlot {
  /** K_AB (or the open invitation's s during the bootstrap). */
  readonly sharedKey: Uint8Array;
  readonly hour: number;
  readonly index: number;
  /** Role of the publisher. */
  readonly role: Role;
}

export interface SealRegistryValueInput extends RegistrySlot {
  readonly publisher: Identity;
  readonly onionPublicKey: Uint8Array;
  readonly virtualPort: number;
  readonly timestamp: number;
  readonly state: PresenceState;
  readonly endpointExpiresAt: number;
  /** 24 fresh random bytes from the caller. */
  readonly nonce: Uint8Array;
}

export interface OpenRegistryValueOptions extends RegistrySlot {
  /** When known, the only identity allowed to have published this value. */
  readonly expectedPublisher?: Uint8Array;
  readonly now: number;
  /** Older values are EXPIRED (a stale endpoint is worse than none). */
  readonly maxAgeMs: number;
  readonly maxSkewMs?: number;
}

function valueKey(sharedKey: Uint8Array, x: Uint8Array): Uint8Array {
  return blake2b(32, concatBytes(VALUE_KEY_LABEL, x), sharedKey);
}

function associatedData(role: Role, hour: number, index: number): Uint8Array {
  return concatBytes(u8(REGISTRY_VALUE_VERSION), u8(role), u64be(hour, 'hour'), u8(index, 'replica index'));
}

function signedDigest(role: Role, hour: number, index: number, fields: Uint8Array): Uint8Array {
  return blake2b(32, concatBytes(VALUE_SIG_LABEL, u8(role), u64be(hour, 'hour'), u8(index, 'replica index'), fields));
}

function expectTime(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw ProtocolError.OUT_OF_RANGE(what);
  return value;
}

export function sealRegistryValue(input: SealRegistryValueInput): Uint8Array {
  const { sharedKey, hour, index, publisher, onionPublicKey, virtualPort, timestamp, state, endpointExpiresAt, nonce } = input;
  const role = expectRole(input.role);
  expectBytes(nonce, REGISTRY_NONCE_BYTES, 'registry value nonce');
  expectBytes(publisher.publicKey, 32, 'publisher public key');
  expectBytes(publisher.secretKey, 64, 'publisher secret key');
  expectBytes(onionPublicKey, 32, 'onion service public key');
  if (!Number.isInteger(virtualPort) || virtualPort < 1 || virtualPort > 0xffff) throw ProtocolError.OUT_OF_RANGE('virtual port');
  const x = registryKey(sharedKey, hour, index);
  const fields = concatBytes(
    u8(REGISTRY_VALUE_VERSION), publisher.publicKey, onionPublicKey, u16be(virtualPort),
    u64be(expectTime(timestamp, 'timestamp')), u8(presenceStateByte(state)), u64be(expectTime(endpointExpiresAt, 'endpoint expiry')),
  );
  const s = sodium();
  const signature = s.crypto_sign_detached(signedDigest(role, hour, index, fields), publisher.secretKey);
  const plaintext = new Uint8Array(PLAINTEXT_BYTES);
  plaintext.set(fields, 0);
  plaintext.set(signature, SIGNED_FIELDS_BYTES);
  const ciphertext = s.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, associatedData(role, hour, index), null, nonce, valueKey(sharedKey, x));
  return concatBytes(nonce, ciphertext);
}

/**
 * Decrypts and checks a value read from the registry. Coded errors: BAD_LENGTH, DECRYPT_FAILED
 * (wrong key/slot/role, tampered, or a dummy), BAD_VERSION, BAD_ENCODING (padding), OUT_OF_RANGE,
 * BAD_SIGNATURE, WRONG_PUBLISHER, FROM_FUTURE, EXPIRED.
 */
export function openRegistryValue(value: Uint8Array, options: OpenRegistryValueOptions): RegistryEntry {
  const { sharedKey, hour, index, expectedPublisher, now, maxAgeMs } = options;
  const role = expectRole(options.role);
  const maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  expectTime(now, 'now');
  expectTime(maxAgeMs, 'max age');
  expectTime(maxSkewMs, 'max skew');
  expectBytes(value, REGISTRY_VALUE_SIZE, 'registry value');
  const x = registryKey(sharedKey, hour, index);
  let plaintext: Uint8Array;
  try {
    plaintext = sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(
      null, value.subarray(REGISTRY_NONCE_BYTES), associatedData(role, hour, index), value.subarray(0, REGISTRY_NONCE_BYTES), valueKey(sharedKey, x),
    );
  } catch {
    throw ProtocolError.DECRYPT_FAILED('registry value');
  }
  if (plaintext.length !== PLAINTEXT_BYTES) throw ProtocolError.BAD_LENGTH('registry value plaintext');
  const version = plaintext[0]!;
  if (version !== REGISTRY_VALUE_VERSION) throw ProtocolError.BAD_VERSION('registry value', version);
  if (plaintext.subarray(SIGNED_FIELDS_BYTES + SIGNATURE_BYTES).some((b) => b !== 0)) throw ProtocolError.BAD_ENCODING('registry value padding');
  const fields = plaintext.subarray(0, SIGNED_FIELDS_BYTES);
  const signature = plaintext.subarray(SIGNED_FIELDS_BYTES, SIGNED_FIELDS_BYTES + SIGNATURE_BYTES);
  const publisherPublicKey = plaintext.slice(1, 33);
  if (!sodium().crypto_sign_verify_detached(signature, signedDigest(role, hour, index, fields), publisherPublicKey)) {
    throw ProtocolError.BAD_SIGNATURE('registry value');
  }
  if (expectedPublisher !== undefined && !equalBytes(expectedPublisher, publisherPublicKey)) {
    throw ProtocolError.WRONG_PUBLISHER('registry value');
  }
  const virtualPort = readU16be(plaintext, 65);
  if (virtualPort === 0) throw ProtocolError.OUT_OF_RANGE('virtual port');
  const timestamp = readU64be(plaintext, 67, 'timestamp');
  const state = presenceStateFromByte(plaintext[75]!);
  const endpointExpiresAt = readU64be(plaintext, 76, 'endpoint expiry');
  if (timestamp > now + maxSkewMs) throw ProtocolError.FROM_FUTURE('registry value');
  if (now - timestamp > maxAgeMs) throw ProtocolError.EXPIRED('registry value');
  if (endpointExpiresAt <= now) throw ProtocolError.EXPIRED('registry value endpoint');
  return { version, publisherPublicKey, onionPublicKey: plaintext.slice(33, 65), virtualPort, timestamp, state, endpointExpiresAt };
}

/**
 * A dummy value: exactly `random` (REGISTRY_VALUE_SIZE fresh random bytes), which is what a real
 * value looks like to anyone without its key (uniform nonce and XChaCha20 ciphertext).
 */
export function dummyRegistryValue(random: Uint8Array): Uint8Array {
  return expectBytes(random, REGISTRY_VALUE_SIZE, 'dummy registry value randomness').slice();
}
