// Strict parsing of request bodies: every field is checked for type, form and size, unknown fields
// are refused, and each refusal is a coded GatewayError (never a crash, never a best guess).
// Encodings are canonical (lowercase hex, padded standard base64) so one record has one spelling.
import { GatewayError } from './errors.ts';

export interface SignedRecord {
  publicKey: Buffer;
  seq: number;
  value: Buffer;
  signature: Buffer;
}

export interface GetRequest {
  publicKeys: Buffer[];
}

const HEX_64 = /^[0-9a-f]{64}$/;
const HEX_128 = /^[0-9a-f]{128}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function requirePlainObject(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw GatewayError.BAD_REQUEST('body must be a JSON object');
  }
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) throw GatewayError.BAD_REQUEST(`unknown field ${JSON.stringify(key.slice(0, 32))}`);
  }
  return record;
}

export function parsePublicKey(input: unknown, field = 'publicKey'): Buffer {
  if (typeof input !== 'string' || !HEX_64.test(input)) {
    throw GatewayError.BAD_REQUEST(`${field} must be 32 bytes as 64 lowercase hex characters`);
  }
  return Buffer.from(input, 'hex');
}

function parseSignature(input: unknown): Buffer {
  if (typeof input !== 'string' || !HEX_128.test(input)) {
    throw GatewayError.BAD_REQUEST('signature must be 64 bytes as 128 lowercase hex characters');
  }
  return Buffer.from(input, 'hex');
}

function parseSeq(input: unknown): number {
  if (typeof input !== 'number' || !Number.isSafeInteger(input) || input < 0) {
    throw GatewayError.BAD_REQUEST('seq must be a safe integer >= 0');
  }
  return input;
}

function parseValue(input: unknown, maxValueBytes: number): Buffer {
  if (typeof input !== 'string') throw GatewayError.BAD_REQUEST('value must be a base64 string');
  // Cheap length check before decoding: 4 characters per 3 bytes.
  if (input.length > Math.ceil(maxValueBytes / 3) * 4) {
    throw GatewayError.TOO_LARGE(`value must be at most ${maxValueBytes} bytes`);
  }
  if (!BASE64.test(input)) throw GatewayError.BAD_REQUEST('value must be canonical padded base64');
  const value = Buffer.from(input, 'base64');
  if (value.toString('base64') !== input) throw GatewayError.BAD_REQUEST('value must be canonical padded base64');
  if (value.length === 0) throw GatewayError.BAD_REQUEST('value must not be empty');
  if (value.length > maxValueBytes) throw GatewayError.TOO_LARGE(`value must be at most ${maxValueBytes} bytes`);
  return value;
}

export function parsePutRequest(body: unknown, opts: { maxValueBytes: number }): SignedRecord {
  const fields = requirePlainObject(body, ['publicKey', 'seq', 'value', 'signature']);
  return {
    publicKey: parsePublicKey(fields.publicKey),
    seq: parseSeq(fields.seq),
    value: parseValue(fields.value, opts.maxValueBytes),
    signature: parseSignature(fields.signature),
  };
}

export function parseGetRequest(body: unknown, opts: { maxKeysPerGet: number }): GetRequest {
  const fields = requirePlainObject(body, ['publicKeys']);
  const keys = fields.publicKeys;
  if (!Array.isArray(keys)) throw GatewayError.BAD_REQUEST('publicKeys must be an array');
  if (keys.length === 0) throw GatewayError.BAD_REQUEST('publicKeys must not be empty');
  if (keys.length > opts.maxKeysPerGet) {
    throw GatewayError.TOO_LARGE(`publicKeys may hold at most ${opts.maxKeysPerGet} keys`);
  }
  return { publicKeys: keys.map((key, i) => parsePublicKey(key, `publicKeys[${i}]`)) };
}

/** The wire form of a record, as returned by /v1/get. */
export interface RecordJson {
  publicKey: string;
  seq: number;
  value: string;
  signature: string;
}

export function recordToJson(record: SignedRecord): RecordJson {
  return {
    publicKey: record.publicKey.toString('hex'),
    seq: record.seq,
    value: record.value.toString('base64'),
    signature: record.signature.toString('hex'),
  };
}
