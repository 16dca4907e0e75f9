// The gateway's wire form of a record (docs/ARCHITECTURE.md, src/gateway):
//   { publicKey: hex32, seq: integer, value: base64, signature: hex64 }
// Answers cross a trust boundary (an untrusted gateway over Tor), so decoding is strict: anything
// that is not exactly this shape is an error, never a best-effort guess.
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, toHex, type SignedRecord } from './transport.ts';

/** hyperdht's own cap on a mutable value is ~1870 B (TESTBED-NOTES.md); anything larger is junk. */
export const MAX_VALUE_BYTES = 2048;

export interface RecordJson {
  publicKey: string;
  seq: number;
  value: string;
  signature: string;
}

export function recordToJson(record: SignedRecord): RecordJson {
  return {
    publicKey: toHex(record.publicKey),
    seq: record.seq,
    value: Buffer.from(record.value.buffer, record.value.byteOffset, record.value.byteLength).toString('base64'),
    signature: toHex(record.signature),
  };
}

/** Returns the record, or a string saying why `input` is not one. */
export function recordFromJson(input: unknown): SignedRecord | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'record is not an object';
  const o = input as Record<string, unknown>;
  const publicKey = hexBytes(o.publicKey, PUBLIC_KEY_BYTES);
  if (publicKey === null) return 'publicKey is not 32 bytes of hex';
  const signature = hexBytes(o.signature, SIGNATURE_BYTES);
  if (signature === null) return 'signature is not 64 bytes of hex';
  if (typeof o.seq !== 'number' || !Number.isSafeInteger(o.seq) || o.seq < 0) return 'seq is not a non-negative integer';
  const value = base64Bytes(o.value);
  if (value === null) return 'value is not base64';
  if (value.length === 0 || value.length > MAX_VALUE_BYTES) return `value has ${value.length} bytes`;
  return { publicKey, seq: o.seq, value, signature };
}

function hexBytes(s: unknown, length: number): Uint8Array | null {
  if (typeof s !== 'string' || s.length !== length * 2 || !/^[0-9a-f]*$/i.test(s)) return null;
  return new Uint8Array(Buffer.from(s, 'hex'));
}

function base64Bytes(s: unknown): Uint8Array | null {
  // Buffer.from(..., 'base64') silently skips junk characters; check the alphabet first.
  if (typeof s !== 'string' || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return null;
  return new Uint8Array(Buffer.from(s, 'base64'));
}
