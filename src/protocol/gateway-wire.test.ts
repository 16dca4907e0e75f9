// The gateway API's JSON forms (docs/PROTOCOL.md "Gateway API (v1)"): round trips, one spelling
// per record (checked against Node's own base64/hex as an oracle), and random JSON-ish input gives
// a ProtocolError, never another exception and never a partial result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { ProtocolError } from './errors.ts';
import { verifyRecord } from './mutable-record.ts';
import { ready } from './sodium.ts';
import {
  GATEWAY_API_PATHS, GATEWAY_API_VERSION, GatewayWireError, getRequestFromJson, getRequestToJson,
  getResponseFromJson, getResponseToJson, putRequestFromJson, recordFromJson, recordToJson, type SignedRecord,
} from './gateway-wire.ts';

const MAX_VALUE = 1000;
const key = 'ab'.repeat(32);
const sig = 'cd'.repeat(64);
const good = { publicKey: key, seq: 7, value: 'AQIDBA==', signature: sig };

const recordArb: fc.Arbitrary<SignedRecord> = fc.record({
  publicKey: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  seq: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.maxSafeNat()),
  value: fc.uint8Array({ minLength: 1, maxLength: MAX_VALUE }),
  signature: fc.uint8Array({ minLength: 64, maxLength: 64 }),
}).map((r) => ({ ...r })); // fc.record makes null-prototype objects; decoders return plain ones

/** The ProtocolError code `run` throws; fails the test on any other exception or on success. */
function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof ProtocolError, `expected a ProtocolError, got ${String(err)}`);
    return err.code;
  }
  assert.fail('accepted');
}

/** A ProtocolError or a result passes; any other exception fails the property. */
function onlyProtocolErrors(run: () => unknown): void {
  try {
    run();
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
  }
}

test('paths carry the version', () => {
  assert.equal(GATEWAY_API_VERSION, 1);
  for (const path of Object.values(GATEWAY_API_PATHS)) assert.ok(path.startsWith(`/v${GATEWAY_API_VERSION}/`));
});

test('the worked example of docs/PROTOCOL.md is a hyperdht vector: it decodes and its signature verifies', async () => {
  await ready();
  const rows = JSON.parse(readFileSync(new URL('./vectors/mutable-records.json', import.meta.url), 'utf8')) as
    { publicKey: string; seq: number; value: string; signature: string }[];
  const row = rows[1]!;
  const text = `{"publicKey":"${row.publicKey}","seq":1,"value":"Gw==","signature":"${row.signature}"}`;
  const record = putRequestFromJson(JSON.parse(text), { maxValueBytes: 1000 });
  assert.equal(row.value, '1b');
  assert.deepEqual([...record.value], [0x1b]);
  assert.ok(verifyRecord(record.publicKey, record.seq, record.value, record.signature));
  assert.equal(JSON.stringify(recordToJson(record)), text);
  // Every vector with a value survives the JSON form bit for bit.
  for (const r of rows.filter((v) => v.value.length > 0)) {
    const json = { publicKey: r.publicKey, seq: r.seq, value: Buffer.from(r.value, 'hex').toString('base64'), signature: r.signature };
    const back = recordFromJson(json, { maxValueBytes: 2048 });
    assert.ok(verifyRecord(back.publicKey, back.seq, back.value, back.signature));
  }
});

test('records round-trip through JSON text, in the same spelling Node uses for hex and base64', () => {
  fc.assert(fc.property(recordArb, (record) => {
    const json = recordToJson(record);
    assert.equal(json.publicKey, Buffer.from(record.publicKey).toString('hex'));
    assert.equal(json.value, Buffer.from(record.value).toString('base64'));
    assert.equal(json.signature, Buffer.from(record.signature).toString('hex'));
    const back = recordFromJson(JSON.parse(JSON.stringify(json)), { maxValueBytes: MAX_VALUE });
    assert.deepEqual(back, record);
    assert.deepEqual(putRequestFromJson(json, { maxValueBytes: MAX_VALUE }), record);
  }), { numRuns: 500 });
});

test('get requests and answers round-trip, nulls and duplicates kept in order', () => {
  fc.assert(fc.property(fc.array(fc.option(recordArb, { nil: null }), { minLength: 1, maxLength: 12 }), (records) => {
    const keys = records.map((r, i) => r?.publicKey ?? new Uint8Array(32).fill(i));
    assert.deepEqual(getRequestFromJson(JSON.parse(JSON.stringify(getRequestToJson(keys))), { maxKeys: 12 }).publicKeys, keys);
    const answer = JSON.parse(JSON.stringify(getResponseToJson(records)));
    assert.deepEqual(getResponseFromJson(answer, { expectedCount: records.length, maxValueBytes: MAX_VALUE }), records);
  }), { numRuns: 300 });
});

test('one spelling per value: a base64 string is accepted exactly when it is canonical padded base64', () => {
  const chars = fc.constantFrom(...'AQgwdhg+/=Zz09\n '.split(''));
  fc.assert(fc.property(fc.string({ unit: chars, maxLength: 12 }), (text) => {
    const oracle = Buffer.from(text, 'base64');
    const canonical = text.length > 0 && oracle.toString('base64') === text;
    let accepted: Uint8Array | null = null;
    try {
      accepted = recordFromJson({ ...good, value: text }, { maxValueBytes: MAX_VALUE }).value;
    } catch (err) {
      assert.ok(err instanceof ProtocolError);
    }
    assert.equal(accepted !== null, canonical, JSON.stringify(text));
    if (accepted !== null) assert.deepEqual(Buffer.from(accepted), oracle);
  }), { numRuns: 3000 });
});

test('the gateway rules, case by case', () => {
  const put = (json: unknown, maxValueBytes = 4): string => codeOf(() => putRequestFromJson(json, { maxValueBytes }));
  // Shapes.
  for (const json of [null, [], 'str', 42, {}]) assert.equal(put(json), 'BAD_ENCODING', JSON.stringify(json));
  assert.equal(put({ ...good, extra: 1 }), 'BAD_ENCODING');
  assert.equal(put(JSON.parse(`{"__proto__":{"x":1},"publicKey":"${key}","seq":1,"value":"AQ==","signature":"${sig}"}`)), 'BAD_ENCODING');
  assert.equal(put({ publicKey: key, seq: 1, value: 'AQ==' }), 'BAD_ENCODING', 'missing signature');
  const inherited = Object.assign(Object.create({ signature: sig }) as object, { publicKey: key, seq: 1, value: 'AQ==' });
  assert.equal(put(inherited), 'BAD_ENCODING', 'an inherited field is not a field');
  // Hex: lower case only, exact length.
  assert.equal(put({ ...good, publicKey: key.toUpperCase() }), 'BAD_ENCODING');
  assert.equal(put({ ...good, publicKey: key.slice(2) }), 'BAD_LENGTH');
  assert.equal(put({ ...good, publicKey: `${key} ` }), 'BAD_ENCODING');
  assert.equal(put({ ...good, signature: sig.slice(1) }), 'BAD_LENGTH');
  assert.equal(put({ ...good, signature: null }), 'BAD_ENCODING');
  // seq.
  for (const seq of [-1, 1.5, 2 ** 53, Number.NaN]) assert.equal(put({ ...good, seq }), 'OUT_OF_RANGE', String(seq));
  assert.equal(put({ ...good, seq: '1' }), 'BAD_ENCODING');
  assert.equal(recordFromJson({ ...good, seq: Number.MAX_SAFE_INTEGER }, { maxValueBytes: 4 }).seq, Number.MAX_SAFE_INTEGER);
  // value: canonical padded base64, 1..max bytes, size checked in decoded bytes.
  assert.equal(put({ ...good, value: '' }), 'BAD_LENGTH');
  assert.equal(put({ ...good, value: 'dg' }), 'BAD_ENCODING', 'unpadded');
  assert.equal(put({ ...good, value: 'dh==' }), 'BAD_ENCODING', 'non-zero tail bits');
  assert.equal(put({ ...good, value: 'd$==' }), 'BAD_ENCODING');
  assert.equal(put({ ...good, value: 'AQ\nID' }), 'BAD_ENCODING');
  assert.equal(put({ ...good, value: 'AQ-_' }), 'BAD_ENCODING', 'base64url alphabet');
  assert.equal(put({ ...good, value: ['dg=='] }), 'BAD_ENCODING');
  assert.equal(put({ ...good, value: 'AQIDBAU=' }), 'TOO_LARGE');
  assert.equal(put({ ...good, value: 'A'.repeat(10_000) }), 'TOO_LARGE');
  assert.equal(putRequestFromJson({ ...good, value: 'AQID' }, { maxValueBytes: 3 }).value.length, 3);
});

test('refusals name the field and rule (the gateway sends `detail` back as its message)', () => {
  const detail = (run: () => unknown): string => {
    try {
      run();
    } catch (err) {
      assert.ok(err instanceof GatewayWireError);
      assert.equal(err.message, `${err.code}: ${err.detail}`);
      return err.detail;
    }
    assert.fail('accepted');
  };
  assert.equal(detail(() => putRequestFromJson(null, { maxValueBytes: 4 })), 'body must be a JSON object');
  assert.equal(detail(() => putRequestFromJson({ ...good, ['x'.repeat(100)]: 1 }, { maxValueBytes: 4 })), `unknown field "${'x'.repeat(32)}"`);
  assert.equal(detail(() => getRequestFromJson({ publicKeys: [key, 'no'] }, { maxKeys: 2 })), 'publicKeys[1] must be 32 bytes as 64 lowercase hex characters');
  assert.equal(detail(() => getRequestFromJson({ publicKeys: [key, key, key] }, { maxKeys: 2 })), 'publicKeys may hold at most 2 keys');
  assert.equal(detail(() => putRequestFromJson({ ...good, value: 'AQIDBAU=' }, { maxValueBytes: 4 })), 'value must be at most 4 bytes');
  assert.equal(detail(() => getResponseFromJson({ ok: true, records: [null, { ...good, seq: -1 }] }, { expectedCount: 2, maxValueBytes: 4 })),
    'records[1]: seq must be a safe integer >= 0');
});

test('get requests: 1..maxKeys keys, each canonical hex; duplicates allowed', () => {
  const get = (json: unknown): string => codeOf(() => getRequestFromJson(json, { maxKeys: 2 }));
  assert.equal(getRequestFromJson({ publicKeys: [key, key] }, { maxKeys: 2 }).publicKeys.length, 2);
  assert.equal(get({ publicKeys: [key, key, key] }), 'TOO_LARGE');
  assert.equal(get({ publicKeys: [] }), 'BAD_LENGTH');
  assert.equal(get({ publicKeys: key }), 'BAD_ENCODING');
  assert.equal(get({ publicKeys: [key, 5] }), 'BAD_ENCODING');
  assert.equal(get({ publicKeys: [key], more: true }), 'BAD_ENCODING');
  assert.equal(get([key]), 'BAD_ENCODING');
  assert.equal(get(Object.create(null) as object), 'BAD_ENCODING');
  assert.equal(get(JSON.parse(`{"__proto__":{"x":1},"publicKeys":["${key}"]}`)), 'BAD_ENCODING');
});

test('get answers: exactly one entry per key, ok true, nothing else; records as strict as puts', () => {
  const opts = { expectedCount: 2, maxValueBytes: 4 };
  const answer = (json: unknown): string => codeOf(() => getResponseFromJson(json, opts));
  assert.deepEqual(getResponseFromJson({ ok: true, records: [null, null] }, opts), [null, null]);
  assert.equal(answer({ ok: true, records: [null] }), 'BAD_LENGTH');
  assert.equal(answer({ ok: true, records: [null, null, null] }), 'BAD_LENGTH');
  assert.equal(answer({ ok: false, records: [null, null] }), 'BAD_ENCODING');
  assert.equal(answer({ ok: true, records: [null, null], extra: 1 }), 'BAD_ENCODING');
  assert.equal(answer({ ok: true, records: 'x' }), 'BAD_ENCODING');
  assert.equal(answer({ records: [null, null] }), 'BAD_ENCODING');
  // The old client decoder accepted these two; an honest gateway never sends them.
  assert.equal(answer({ ok: true, records: [null, { ...good, publicKey: key.toUpperCase() }] }), 'BAD_ENCODING');
  assert.equal(answer({ ok: true, records: [{ ...good, value: 'AQIDBA' }, null] }), 'BAD_ENCODING');
  assert.equal(answer({ ok: true, records: [{ ...good, more: 1 }, null] }), 'BAD_ENCODING');
  assert.equal(answer({ ok: true, records: ['x'.repeat(100_000), null] }), 'BAD_ENCODING');
  assert.equal(answer({ ok: true, records: [{ ...good, value: 'AQIDBAU=' }, null] }), 'TOO_LARGE');
});

test('encoders refuse what no decoder would accept', () => {
  const record: SignedRecord = { publicKey: new Uint8Array(32), seq: 1, value: new Uint8Array(1), signature: new Uint8Array(64) };
  assert.equal(codeOf(() => recordToJson({ ...record, publicKey: new Uint8Array(31) })), 'BAD_LENGTH');
  assert.equal(codeOf(() => recordToJson({ ...record, signature: new Uint8Array(65) })), 'BAD_LENGTH');
  assert.equal(codeOf(() => recordToJson({ ...record, value: new Uint8Array(0) })), 'BAD_LENGTH');
  assert.equal(codeOf(() => recordToJson({ ...record, seq: -1 })), 'OUT_OF_RANGE');
  assert.equal(codeOf(() => recordToJson({ ...record, seq: 2 ** 53 })), 'OUT_OF_RANGE');
  assert.equal(codeOf(() => getRequestToJson([])), 'BAD_LENGTH');
  assert.equal(codeOf(() => getRequestToJson([new Uint8Array(33)])), 'BAD_LENGTH');
  assert.throws(() => recordFromJson(good, { maxValueBytes: 0 }), RangeError, 'a limit that admits nothing is a caller bug');
});

test('random JSON-ish input to every decoder gives a value or a ProtocolError', () => {
  // Random JSON, and valid records with one field swapped for random JSON or one field added.
  const json = fc.jsonValue({ maxDepth: 3 });
  const field = fc.constantFrom('publicKey', 'seq', 'value', 'signature', 'publicKeys', 'ok', 'records', '__proto__', 'constructor');
  const mutated = fc.tuple(field, json).map(([name, v]) => ({ ...good, [name]: v }));
  const answers = fc.array(fc.oneof(fc.constant(null), mutated, json), { maxLength: 3 }).map((records) => ({ ok: true, records }));
  const inputs = fc.oneof(json, mutated, answers, fc.anything());
  fc.assert(fc.property(inputs, fc.integer({ min: 1, max: 3 }), (input, n) => {
    onlyProtocolErrors(() => recordFromJson(input, { maxValueBytes: 8 }));
    onlyProtocolErrors(() => putRequestFromJson(input, { maxValueBytes: 8 }));
    onlyProtocolErrors(() => getRequestFromJson(input, { maxKeys: n }));
    onlyProtocolErrors(() => getResponseFromJson(input, { expectedCount: n, maxValueBytes: 8 }));
  }), { numRuns: 5000 });
});
