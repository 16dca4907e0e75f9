// Encryption at rest (DESIGN D7). A passphrase never encrypts data directly: Argon2id turns it into a
// key-encryption key (KEK) that wraps one random 32-byte data key, so changing the passphrase only
// re-wraps 72 bytes. From the data key we derive two subkeys: one seals rows (XChaCha20-Poly1305),
// one makes opaque row references (keyed BLAKE2b), so a disk reader sees neither ids nor names.
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import sodium from 'libsodium-wrappers-sumo';
import { StoreError } from './errors.ts';

/** Must be a CSPRNG: nonces and keys come from it. Tests may pass a seeded one, never production. */
export type RandomBytes = (length: number) => Uint8Array;

export type Passphrase = string | Uint8Array;

const BOX_VERSION = 1;
const NONCE_BYTES = 24; // XChaCha20-Poly1305 public nonce: random nonces are safe at this size
export const KEY_BYTES = 32;
const REF_BYTES = 16; // 128-bit row references: collisions need ~2^64 rows
const PAD_BLOCK = 64; // hides exact plaintext lengths (a nickname's or a short message's length)
const DOMAIN = 'sotto/store/v1';

let ready: Promise<void> | undefined;
export function sodiumReady(): Promise<void> {
  ready ??= sodium.ready;
  return ready;
}

// One call into node's CSPRNG (OpenSSL RAND_bytes). libsodium.js's randombytes_buf asks the host for
// one 32-bit value per BYTE (its WASM build has no bulk source): 24 calls per nonce, measured as a
// third of a message commit's time (issue 11 item 2; docs/ARCHITECTURE.md "Message path").
export const defaultRandomBytes: RandomBytes = (n) => new Uint8Array(nodeRandomBytes(n));

// ---------------------------------------------------------------------------------------------
// Key derivation

export interface KdfParams {
  readonly alg: 'argon2id13';
  /** Argon2 passes. */
  readonly opslimit: number;
  /** Argon2 memory in bytes. */
  readonly memlimit: number;
  readonly salt: Uint8Array;
}

/** Cost of Argon2id; stored in the file so a later build can raise it at the next passphrase change. */
export interface KdfCost {
  readonly opslimit: number;
  readonly memlimit: number;
}

/** libsodium's INTERACTIVE: 2 passes over 64 MiB, ~219 ms on the 2-core build machines. */
export const KDF_INTERACTIVE: KdfCost = { opslimit: 2, memlimit: 64 * 1024 * 1024 };
/** libsodium's MIN limits: for tests only (about 1 ms), never for a real profile. */
export const KDF_MINIMAL_FOR_TESTS: KdfCost = { opslimit: 1, memlimit: 8192 };

// Bounds on what a file may ask for: a tampered file must not make unlock allocate gigabytes.
const OPS_MAX = 64;
const MEM_MIN = 8192;
const MEM_MAX = 1024 * 1024 * 1024;

export function checkKdfCost(cost: KdfCost): KdfCost {
  const { opslimit, memlimit } = cost;
  if (!Number.isSafeInteger(opslimit) || opslimit < 1 || opslimit > OPS_MAX) {
    throw StoreError.INVALID_ARGUMENT(`kdf opslimit must be an integer in [1, ${OPS_MAX}]`);
  }
  if (!Number.isSafeInteger(memlimit) || memlimit < MEM_MIN || memlimit > MEM_MAX) {
    throw StoreError.INVALID_ARGUMENT(`kdf memlimit must be an integer in [${MEM_MIN}, ${MEM_MAX}] bytes`);
  }
  return { opslimit, memlimit };
}

export function newKdfParams(cost: KdfCost, randomBytes: RandomBytes): KdfParams {
  checkKdfCost(cost);
  return { alg: 'argon2id13', ...cost, salt: randomBytes(sodium.crypto_pwhash_SALTBYTES) };
}

export function passphraseBytes(passphrase: Passphrase): Uint8Array {
  if (passphrase instanceof Uint8Array) {
    if (passphrase.length === 0) throw StoreError.INVALID_ARGUMENT('passphrase must not be empty');
    return passphrase;
  }
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw StoreError.INVALID_ARGUMENT('passphrase must be a non-empty string or byte array');
  }
  // NFC: the same typed passphrase may arrive composed or decomposed depending on the OS input method.
  return sodium.from_string(passphrase.normalize('NFC'));
}

export function deriveKek(passphrase: Uint8Array, params: KdfParams): Uint8Array {
  return sodium.crypto_pwhash(KEY_BYTES, passphrase, params.salt, params.opslimit, params.memlimit,
    sodium.crypto_pwhash_ALG_ARGON2ID13);
}

function kdfAd(params: KdfParams): Uint8Array {
  // The parameters are authenticated with the wrapped key: lowering them in the file breaks unwrap.
  return sodium.from_string(`${DOMAIN}\x1fkeyring\x1f${params.alg}\x1f${params.opslimit}\x1f${params.memlimit}\x1f${sodium.to_hex(params.salt)}`);
}

export function wrapDataKey(dataKey: Uint8Array, kek: Uint8Array, params: KdfParams, randomBytes: RandomBytes): Uint8Array {
  return seal(dataKey, kdfAd(params), kek, randomBytes);
}

/** Returns undefined when the KEK is wrong (or the keyring row was altered): the two are indistinguishable. */
export function unwrapDataKey(wrapped: Uint8Array, kek: Uint8Array, params: KdfParams): Uint8Array | undefined {
  const key = open(wrapped, kdfAd(params), kek);
  return key !== undefined && key.length === KEY_BYTES ? key : undefined;
}

export function newDataKey(randomBytes: RandomBytes): Uint8Array {
  const key = randomBytes(KEY_BYTES);
  if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) throw StoreError.INVALID_ARGUMENT('randomBytes returned the wrong length');
  return key;
}

export function wipe(bytes: Uint8Array | undefined): void {
  if (bytes !== undefined) sodium.memzero(bytes);
}

// ---------------------------------------------------------------------------------------------
// Boxes: version byte || nonce || XChaCha20-Poly1305(pad(plaintext))

function seal(plaintext: Uint8Array, ad: Uint8Array, key: Uint8Array, randomBytes: RandomBytes): Uint8Array {
  const nonce = randomBytes(NONCE_BYTES);
  if (!(nonce instanceof Uint8Array) || nonce.length !== NONCE_BYTES) throw StoreError.INVALID_ARGUMENT('randomBytes returned the wrong length');
  const ct = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key);
  const box = new Uint8Array(1 + NONCE_BYTES + ct.length);
  box[0] = BOX_VERSION;
  box.set(nonce, 1);
  box.set(ct, 1 + NONCE_BYTES);
  return box;
}

function open(box: Uint8Array, ad: Uint8Array, key: Uint8Array): Uint8Array | undefined {
  if (!(box instanceof Uint8Array) || box.length < 1 + NONCE_BYTES + 16 || box[0] !== BOX_VERSION) return undefined;
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, box.subarray(1 + NONCE_BYTES), ad,
      box.subarray(1, 1 + NONCE_BYTES), key);
  } catch {
    return undefined;
  }
}

/**
 * Seals and opens rows. The associated data names the table and every plaintext column of the
 * row (its opaque reference, sequence number, owner reference), so a ciphertext copied or moved to
 * another row, table or position fails to open.
 */
export class RowCipher {
  readonly #rowKey: Uint8Array;
  readonly #indexKey: Uint8Array;
  readonly #randomBytes: RandomBytes;
  #wiped = false;

  constructor(dataKey: Uint8Array, randomBytes: RandomBytes) {
    this.#rowKey = sodium.crypto_generichash(KEY_BYTES, `${DOMAIN}/row-key`, dataKey);
    this.#indexKey = sodium.crypto_generichash(KEY_BYTES, `${DOMAIN}/index-key`, dataKey);
    this.#randomBytes = randomBytes;
  }

  /** Opaque, stable reference of a domain id (contact id, message id, setting key) in `table`. */
  ref(table: string, id: string): Uint8Array {
    return sodium.crypto_generichash(REF_BYTES, `${table}\x1f${id}`, this.#indexKey);
  }

  seal(table: string, rowParts: readonly (string | number | Uint8Array)[], value: unknown): Uint8Array {
    const plain = sodium.pad(sodium.from_string(JSON.stringify(value)), PAD_BLOCK);
    try {
      return seal(plain, rowAd(table, rowParts), this.#rowKey, this.#randomBytes);
    } finally {
      sodium.memzero(plain);
    }
  }

  /** Throws CORRUPT when the box does not open under this row's associated data. */
  open(table: string, rowParts: readonly (string | number | Uint8Array)[], box: unknown): unknown {
    const padded = box instanceof Uint8Array ? open(box, rowAd(table, rowParts), this.#rowKey) : undefined;
    if (padded === undefined) throw StoreError.CORRUPT(`a row of ${table} failed authentication (altered, or moved from another row)`);
    try {
      return JSON.parse(sodium.to_string(sodium.unpad(padded, PAD_BLOCK)));
    } catch (err) {
      throw StoreError.CORRUPT(`a row of ${table} holds an undecodable payload`, err);
    } finally {
      sodium.memzero(padded);
    }
  }

  get wiped(): boolean {
    return this.#wiped;
  }

  wipe(): void {
    sodium.memzero(this.#rowKey);
    sodium.memzero(this.#indexKey);
    this.#wiped = true;
  }
}

function rowAd(table: string, parts: readonly (string | number | Uint8Array)[]): Uint8Array {
  const rendered = parts.map((p) => (p instanceof Uint8Array ? sodium.to_hex(p) : String(p)));
  return sodium.from_string([DOMAIN, table, ...rendered].join('\x1f'));
}

export function toHex(bytes: Uint8Array): string {
  return sodium.to_hex(bytes);
}
