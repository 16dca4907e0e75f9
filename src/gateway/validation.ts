// Request bodies of the gateway API, parsed by the one wire definition in src/protocol
// (gateway-wire.ts: strict, canonical, unknown fields refused; docs/PROTOCOL.md "Gateway API (v1)").
// This file only maps its refusals to the gateway's HTTP codes (a size over a cap is 413
// TOO_LARGE, anything else 400 BAD_REQUEST, with the wire format's sentence as the message) and
// turns bytes into the Buffers hyperdht takes.
import {
  GatewayWireError, getRequestFromJson, putRequestFromJson, recordToJson as wireRecordToJson,
  type SignedRecordJson,
} from '../protocol/index.ts';
import { GatewayError } from './errors.ts';

/** A client-signed record as hyperdht takes it (Buffers). */
export interface SignedRecord {
  publicKey: Buffer;
  seq: number;
  value: Buffer;
  signature: Buffer;
}

export interface GetRequest {
  publicKeys: Buffer[];
}

/** The wire form of a record, as sent to /v1/put and returned by /v1/get. */
export type RecordJson = SignedRecordJson;

/** A view, not a copy: the decoder's arrays are fresh and owned by nobody else. */
function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function asGatewayError(err: unknown): unknown {
  if (!(err instanceof GatewayWireError)) return err;
  return err.code === 'TOO_LARGE' ? GatewayError.TOO_LARGE(err.detail) : GatewayError.BAD_REQUEST(err.detail);
}

export function parsePutRequest(body: unknown, opts: { maxValueBytes: number }): SignedRecord {
  try {
    const record = putRequestFromJson(body, { maxValueBytes: opts.maxValueBytes });
    return {
      publicKey: toBuffer(record.publicKey),
      seq: record.seq,
      value: toBuffer(record.value),
      signature: toBuffer(record.signature),
    };
  } catch (err) {
    throw asGatewayError(err);
  }
}

export function parseGetRequest(body: unknown, opts: { maxKeysPerGet: number }): GetRequest {
  try {
    return { publicKeys: getRequestFromJson(body, { maxKeys: opts.maxKeysPerGet }).publicKeys.map(toBuffer) };
  } catch (err) {
    throw asGatewayError(err);
  }
}

export function recordToJson(record: SignedRecord): RecordJson {
  return wireRecordToJson(record);
}
