// The registry gateway's HTTP JSON API, version 1 (DESIGN D4 "Gateways"; docs/PROTOCOL.md
// "Gateway API (v1)"). Two processes speak it: the gateway (src/gateway) and the registry client
// (src/main/registry), which meets it as answers from an untrusted gateway over Tor. One definition,
// used by both, so the two sides cannot drift apart (they did: the client accepted upper-case hex
// and non-canonical base64 that the gateway refuses).
//
// Strict and canonical: lower-case hex, standard padded base64 with zero tail bits, exact byte
// lengths, safe-integer seq, own fields only and no unknown ones. One record has exactly one
// spelling, so `recordToJson(recordFromJson(x))` equals `x` whenever `x` is accepted. A decoder
// returns the whole value or throws a GatewayWireError (a ProtocolError), never a partial result.
import { fromBase64Url, fromHex, isBytes, toBase64, toHex } from './bytes.ts';
import { ProtocolError, type ProtocolErrorCode } from './errors.ts';

/** The version is the path prefix: a v2 would live beside v1 on the same gateway. */
export const GATEWAY_API_VERSION = 1;
export const GATEWAY_API_PATHS = {
  put: '/v1/put',
  get: '/v1/get',
  health: '/v1/health',
} as const;

export const RECORD_PUBLIC_KEY_BYTES = 32; // ed25519 public key
export const RECORD_SIGNATURE_BYTES = 64; // ed25519 signature over hyperdht's mutable signable

/** A hyperdht mutable record as it crosses the gateway API (signed by the client, never by the gateway). */
export interface SignedRecord {
  publicKey: Uint8Array; // 32 bytes
  seq: number; // safe integer >= 0
  value: Uint8Array; // 1..maxValueBytes bytes
  signature: Uint8Array; // 64 bytes
}

/** JSON form of a record: the body of `POST /v1/put` and each entry of a get answer. */
export interface SignedRecordJson {
  publicKey: string;
  seq: number;
  value: string;
  signature: string;
}

export interface GetRequest {
  publicKeys: Uint8Array[];
}

export interface GetRequestJson {
  publicKeys: string[];
}

export interface GetResponseJson {
  ok: true;
  records: (SignedRecordJson | null)[];
}

/**
 * A refusal of the wire format. `detail` is the sentence without the code prefix: the gateway
 * sends it back to its client as the error message, so it names the field and the rule.
 */
export class GatewayWireError extends ProtocolError {
  readonly detail: string;

  constructor(code: ProtocolErrorCode, detail: string) {
    super(code, detail);
    this.detail = detail;
  }
}

const RECORD_FIELDS = ['publicKey', 'seq', 'value', 'signature'] as const;
const LOWER_HEX = /^[0-9a-f]*$/;
// Standard alphabet, padded to a multiple of 4; the zero-tail-bits rule is checked when decoding.
const PADDED_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// Field names are attacker-chosen: quote a bounded prefix only.
const MAX_NAME_IN_MESSAGE = 32;

function fail(code: ProtocolErrorCode, detail: string): never {
  throw new GatewayWireError(code, detail);
}

/**
 * The object's own fields, after refusing anything that is not a plain JSON object or carries a
 * field outside `allowed`. Reads go through `Object.hasOwn` so '__proto__' or an inherited
 * property can never stand in for a missing field.
 */
function ownFields(input: unknown, allowed: readonly string[], what: string): (name: string) => unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) fail('BAD_ENCODING', `${what} must be a JSON object`);
  for (const name of Object.keys(input)) {
    if (!allowed.includes(name)) fail('BAD_ENCODING', `unknown field ${JSON.stringify(name.slice(0, MAX_NAME_IN_MESSAGE))}`);
  }
  const fields = input as Record<string, unknown>;
  return (name) => (Object.hasOwn(fields, name) ? fields[name] : undefined);
}

function hexField(input: unknown, bytes: number, detail: string): Uint8Array {
  if (typeof input !== 'string' || !LOWER_HEX.test(input)) fail('BAD_ENCODING', detail);
  if (input.length !== bytes * 2) fail('BAD_LENGTH', detail);
  return fromHex(input, bytes);
}

function publicKeyFromJson(input: unknown, field: string): Uint8Array {
  return hexField(input, RECORD_PUBLIC_KEY_BYTES, `${field} must be 32 bytes as 64 lowercase hex characters`);
}

function seqFromJson(input: unknown): number {
  if (typeof input !== 'number') fail('BAD_ENCODING', 'seq must be a safe integer >= 0');
  if (!Number.isSafeInteger(input) || input < 0) fail('OUT_OF_RANGE', 'seq must be a safe integer >= 0');
  return input;
}

function valueFromJson(input: unknown, maxValueBytes: number): Uint8Array {
  if (typeof input !== 'string') fail('BAD_ENCODING', 'value must be a base64 string');
  // Length check before any decoding (4 characters per 3 bytes): a huge string costs nothing.
  if (input.length > Math.ceil(maxValueBytes / 3) * 4) fail('TOO_LARGE', `value must be at most ${maxValueBytes} bytes`);
  if (!PADDED_BASE64.test(input)) fail('BAD_ENCODING', 'value must be canonical padded base64');
  let value: Uint8Array;
  try {
    // Same bits as base64url once the two alphabet differences are mapped and the padding (whose
    // placement the pattern above already checked) is dropped; fromBase64Url refuses a
    // non-zero tail ('dh==' and 'dg==' must not both mean "v").
    value = fromBase64Url(input.replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_'));
  } catch {
    fail('BAD_ENCODING', 'value must be canonical padded base64');
  }
  if (value.length === 0) fail('BAD_LENGTH', 'value must not be empty');
  if (value.length > maxValueBytes) fail('TOO_LARGE', `value must be at most ${maxValueBytes} bytes`);
  return value;
}

function checkLimit(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${what} must be a positive integer`);
}

/** Encodes a record; refuses one that `recordFromJson` would refuse under any limit. */
export function recordToJson(record: SignedRecord): SignedRecordJson {
  const { publicKey, seq, value, signature } = record;
  if (!isBytes(publicKey) || publicKey.length !== RECORD_PUBLIC_KEY_BYTES) fail('BAD_LENGTH', 'publicKey must be 32 bytes');
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) fail('OUT_OF_RANGE', 'seq must be a safe integer >= 0');
  if (!isBytes(value) || value.length === 0) fail('BAD_LENGTH', 'value must not be empty');
  if (!isBytes(signature) || signature.length !== RECORD_SIGNATURE_BYTES) fail('BAD_LENGTH', 'signature must be 64 bytes');
  return { publicKey: toHex(publicKey), seq, value: toBase64(value), signature: toHex(signature) };
}

/**
 * Decodes one record. Fields are checked in the order publicKey, seq, value, signature (the
 * gateway's messages depend on it). Values over `maxValueBytes` are TOO_LARGE.
 */
export function recordFromJson(input: unknown, opts: { maxValueBytes: number }): SignedRecord {
  checkLimit(opts.maxValueBytes, 'maxValueBytes');
  return recordFields(input, opts.maxValueBytes, 'record');
}

function recordFields(input: unknown, maxValueBytes: number, what: string): SignedRecord {
  const field = ownFields(input, RECORD_FIELDS, what);
  const publicKey = publicKeyFromJson(field('publicKey'), 'publicKey');
  const seq = seqFromJson(field('seq'));
  const value = valueFromJson(field('value'), maxValueBytes);
  const signature = hexField(field('signature'), RECORD_SIGNATURE_BYTES, 'signature must be 64 bytes as 128 lowercase hex characters');
  return { publicKey, seq, value, signature };
}

/** `POST /v1/put` body: exactly one record. */
export function putRequestFromJson(input: unknown, opts: { maxValueBytes: number }): SignedRecord {
  checkLimit(opts.maxValueBytes, 'maxValueBytes');
  return recordFields(input, opts.maxValueBytes, 'body');
}

export function getRequestToJson(publicKeys: readonly Uint8Array[]): GetRequestJson {
  if (publicKeys.length === 0) fail('BAD_LENGTH', 'publicKeys must not be empty');
  return {
    publicKeys: publicKeys.map((key) => {
      if (!isBytes(key) || key.length !== RECORD_PUBLIC_KEY_BYTES) fail('BAD_LENGTH', 'publicKeys must be 32 bytes each');
      return toHex(key);
    }),
  };
}

/** `POST /v1/get` body: 1..maxKeys public keys, duplicates allowed, order kept. */
export function getRequestFromJson(input: unknown, opts: { maxKeys: number }): GetRequest {
  checkLimit(opts.maxKeys, 'maxKeys');
  const field = ownFields(input, ['publicKeys'], 'body');
  const keys = field('publicKeys');
  if (!Array.isArray(keys)) fail('BAD_ENCODING', 'publicKeys must be an array');
  if (keys.length === 0) fail('BAD_LENGTH', 'publicKeys must not be empty');
  if (keys.length > opts.maxKeys) fail('TOO_LARGE', `publicKeys may hold at most ${opts.maxKeys} keys`);
  return { publicKeys: keys.map((key: unknown, i) => publicKeyFromJson(key, `publicKeys[${i}]`)) };
}

/** A successful `POST /v1/get` answer: one entry per requested key, `null` where none was found. */
export function getResponseToJson(records: readonly (SignedRecord | null)[]): GetResponseJson {
  return { ok: true, records: records.map((r) => (r === null ? null : recordToJson(r))) };
}

/**
 * Decodes a successful get answer `{ ok: true, records }` for a request of `expectedCount` keys.
 * It checks form only: whether each record is for the key asked at its index and whether its
 * signature verifies is the caller's job (the wire format does not know either).
 */
export function getResponseFromJson(input: unknown, opts: { expectedCount: number; maxValueBytes: number }): (SignedRecord | null)[] {
  checkLimit(opts.expectedCount, 'expectedCount');
  checkLimit(opts.maxValueBytes, 'maxValueBytes');
  const field = ownFields(input, ['ok', 'records'], 'answer');
  if (field('ok') !== true) fail('BAD_ENCODING', 'ok must be true');
  const records = field('records');
  if (!Array.isArray(records)) fail('BAD_ENCODING', 'records must be an array');
  if (records.length !== opts.expectedCount) fail('BAD_LENGTH', `records must hold ${opts.expectedCount} entries, one per key`);
  return records.map((raw: unknown, i) => {
    if (raw === null) return null;
    try {
      return recordFields(raw, opts.maxValueBytes, 'record');
    } catch (err) {
      if (err instanceof GatewayWireError) fail(err.code, `records[${i}]: ${err.detail}`);
      throw err;
    }
  });
}
