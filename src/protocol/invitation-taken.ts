// The "taken" tombstone of an open invitation (issue 9 item 2, docs/PROTOCOL.md "Invitation taken
// tombstone"). Written once by the inviter when it confirms a redeemer, under r key pairs derived
// from s alone (no hour), so a redeemer who comes later, at any hour, learns the link was used.
//
//   seed_I    = BLAKE2b-256(key = s, "sotto/invitation-taken/v1" || u8(I)); key pair = ed25519(seed_I)
//   value     = nonce(24) || XChaCha20-Poly1305(key, ad, plaintext(280))   = 320 bytes, like every entry
//   key       = BLAKE2b-256(key = s, "sotto/invitation-taken-value/v1")
//   ad        = version u8 || u8(I)
//   plaintext = version u8 (1) || kind u8 (1 = taken) || inviter identity pk (32)
//               || redeemer tag (32) || signature (64) || zero padding to 280
//   tag       = BLAKE2b-256(key = K_AB, "sotto/invitation-taken-redeemer/v1"), K_AB of the pair made
//   signature = ed25519 by the inviter over BLAKE2b-256(key = s, "sotto/invitation-taken-sig/v1"
//               || u8(I) || plaintext[0..66])
// The AEAD keeps it unreadable (and, as 320 bytes of noise, unremarkable) to anyone without s; the
// inviter's signature stops another holder of s (whoever read the invitation mail) from forging a
// "taken" that would cancel a real redeemer's pending contact. The tag tells the confirmed
// redeemer "this one is about you" (its pending contact must not go when it reads the tombstone
// before the confirmation reaches it), and tells a holder of s nothing about who that was: K_AB
// needs the inviter's or the redeemer's identity secret.
import { concatBytes, equalBytes, expectBytes, u8 } from './bytes.ts';
import { ProtocolError } from './errors.ts';
import { blake2b, label } from './hash.ts';
import type { Identity } from './identity.ts';
import { signRecord } from './mutable-record.ts';
import { DEFAULT_REPLICAS, recordKeyPair, type RecordKeyPair } from './registry-key.ts';
import { REGISTRY_NONCE_BYTES, REGISTRY_VALUE_SIZE } from './registry-value.ts';
import { sodium } from './sodium.ts';

export const TAKEN_TOMBSTONE_VERSION = 1;
/** The only kind so far: the invitation was used by someone the inviter confirmed. */
const KIND_TAKEN = 1;
const TAG_BYTES = 16;
const PLAINTEXT_BYTES = REGISTRY_VALUE_SIZE - REGISTRY_NONCE_BYTES - TAG_BYTES; // 280
const SIGNED_FIELDS_BYTES = 1 + 1 + 32 + 32; // 66
const SIGNATURE_BYTES = 64;

const SEED_LABEL = label('sotto/invitation-taken/v1');
const VALUE_KEY_LABEL = label('sotto/invitation-taken-value/v1');
const SIG_LABEL = label('sotto/invitation-taken-sig/v1');
const TAG_LABEL = label('sotto/invitation-taken-redeemer/v1');

/** The tag naming the confirmed redeemer: only the two holders of K_AB can compute it. */
export function takenRedeemerTag(sharedKey: Uint8Array): Uint8Array {
  expectBytes(sharedKey, 32, 'shared key');
  return blake2b(32, TAG_LABEL, sharedKey);
}

/** Record key pair of replica `index` of the tombstone for the open invitation with secret `s`. */
export function takenRecordKeyPair(secret: Uint8Array, index: number): RecordKeyPair {
  expectBytes(secret, 32, 'invitation secret');
  return recordKeyPair(blake2b(32, concatBytes(SEED_LABEL, u8(index, 'replica index')), secret));
}

/** The record keys a redeemer reads: one per replica, the same at every hour. */
export function takenRecordKeys(secret: Uint8Array, replicas = DEFAULT_REPLICAS): Uint8Array[] {
  return Array.from({ length: replicas }, (_, index) => takenRecordKeyPair(secret, index).publicKey);
}

function valueKey(secret: Uint8Array): Uint8Array {
  return blake2b(32, VALUE_KEY_LABEL, secret);
}

function signedDigest(secret: Uint8Array, index: number, fields: Uint8Array): Uint8Array {
  return blake2b(32, concatBytes(SIG_LABEL, u8(index, 'replica index'), fields), secret);
}

export interface SealTakenTombstoneInput {
  readonly secret: Uint8Array;
  readonly index: number;
  readonly inviter: Identity;
  /** takenRedeemerTag(K_AB) of the pair the confirmation made. */
  readonly redeemerTag: Uint8Array;
  /** 24 fresh random bytes from the caller. */
  readonly nonce: Uint8Array;
}

/** The 320-byte value of replica `index`. */
export function sealTakenTombstone(input: SealTakenTombstoneInput): Uint8Array {
  const { secret, index, inviter, redeemerTag, nonce } = input;
  expectBytes(secret, 32, 'invitation secret');
  expectBytes(redeemerTag, 32, 'redeemer tag');
  expectBytes(nonce, REGISTRY_NONCE_BYTES, 'tombstone nonce');
  expectBytes(inviter.publicKey, 32, 'inviter public key');
  expectBytes(inviter.secretKey, 64, 'inviter secret key');
  const fields = concatBytes(u8(TAKEN_TOMBSTONE_VERSION), u8(KIND_TAKEN), inviter.publicKey, redeemerTag);
  const s = sodium();
  const signature = s.crypto_sign_detached(signedDigest(secret, index, fields), inviter.secretKey);
  const plaintext = new Uint8Array(PLAINTEXT_BYTES);
  plaintext.set(fields, 0);
  plaintext.set(signature, SIGNED_FIELDS_BYTES);
  const ad = concatBytes(u8(TAKEN_TOMBSTONE_VERSION), u8(index, 'replica index'));
  return concatBytes(nonce, s.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, valueKey(secret)));
}

export interface OpenTakenTombstoneOptions {
  readonly secret: Uint8Array;
  readonly index: number;
  /** The inviter's identity key as the invitation names it: the only valid signer. */
  readonly inviter: Uint8Array;
}

/**
 * Checks a value read under replica `index`'s key; returns normally only for a genuine "taken".
 * Coded errors, in this order: BAD_LENGTH, DECRYPT_FAILED (other key or replica, tampered, or
 * noise), BAD_VERSION, BAD_ENCODING (padding), BAD_TYPE (unknown kind), BAD_SIGNATURE,
 * WRONG_PUBLISHER (signed by someone other than the inviter).
 */
export function openTakenTombstone(value: Uint8Array, options: OpenTakenTombstoneOptions): { version: number; kind: 'taken'; redeemerTag: Uint8Array } {
  const { secret, index, inviter } = options;
  expectBytes(secret, 32, 'invitation secret');
  expectBytes(inviter, 32, 'inviter public key');
  expectBytes(value, REGISTRY_VALUE_SIZE, 'tombstone value');
  const ad = concatBytes(u8(TAKEN_TOMBSTONE_VERSION), u8(index, 'replica index'));
  let plaintext: Uint8Array;
  try {
    plaintext = sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(
      null, value.subarray(REGISTRY_NONCE_BYTES), ad, value.subarray(0, REGISTRY_NONCE_BYTES), valueKey(secret),
    );
  } catch {
    throw ProtocolError.DECRYPT_FAILED('tombstone value');
  }
  if (plaintext.length !== PLAINTEXT_BYTES) throw ProtocolError.BAD_LENGTH('tombstone plaintext', PLAINTEXT_BYTES, plaintext.length);
  const version = plaintext[0]!;
  if (version !== TAKEN_TOMBSTONE_VERSION) throw ProtocolError.BAD_VERSION('tombstone', version);
  if (plaintext.subarray(SIGNED_FIELDS_BYTES + SIGNATURE_BYTES).some((b) => b !== 0)) throw ProtocolError.BAD_ENCODING('tombstone padding');
  if (plaintext[1] !== KIND_TAKEN) throw ProtocolError.BAD_TYPE('tombstone', plaintext[1]!);
  const fields = plaintext.subarray(0, SIGNED_FIELDS_BYTES);
  const signer = plaintext.subarray(2, 34);
  const signature = plaintext.subarray(SIGNED_FIELDS_BYTES, SIGNED_FIELDS_BYTES + SIGNATURE_BYTES);
  if (!sodium().crypto_sign_verify_detached(signature, signedDigest(secret, index, fields), signer)) throw ProtocolError.BAD_SIGNATURE('tombstone');
  if (!equalBytes(signer, inviter)) throw ProtocolError.WRONG_PUBLISHER('tombstone');
  return { version, kind: 'taken', redeemerTag: plaintext.slice(34, SIGNED_FIELDS_BYTES) };
}

export interface TakenRecord {
  readonly publicKey: Uint8Array;
  readonly seq: number;
  readonly value: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * The whole tombstone: one signed hyperdht mutable record per replica, ready to put. `seq` is the
 * write time in unix ms, as every entry's is (a storer sees nothing unusual); it is written once,
 * so a retry re-puts the same record. `nonces` are `replicas` x 24 fresh random bytes.
 */
export function takenRecords(input: { secret: Uint8Array; inviter: Identity; redeemerTag: Uint8Array; seq: number; nonces: readonly Uint8Array[] }): TakenRecord[] {
  if (!Number.isSafeInteger(input.seq) || input.seq < 0) throw ProtocolError.OUT_OF_RANGE('tombstone seq');
  return input.nonces.map((nonce, index) => {
    const keyPair = takenRecordKeyPair(input.secret, index);
    const value = sealTakenTombstone({ secret: input.secret, index, inviter: input.inviter, redeemerTag: input.redeemerTag, nonce });
    return { publicKey: keyPair.publicKey, seq: input.seq, value, signature: signRecord(keyPair, input.seq, value) };
  });
}
