// Request parsing without a server: canonical encodings, exact sizes, coded refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from './errors.ts';
import { resolveLimits } from './limits.ts';
import { parseGetRequest, parsePutRequest, recordToJson } from './validation.ts';

const key = 'ab'.repeat(32);
const sig = 'cd'.repeat(64);
const limits = { maxValueBytes: 4, maxKeysPerGet: 2 };

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof GatewayError);
    return err.code;
  }
  return 'NO_ERROR';
}

test('a put request parses to buffers and back to the same JSON', () => {
  const json = { publicKey: key, seq: 0, value: 'AQIDBA==', signature: sig };
  const record = parsePutRequest(json, limits);
  assert.equal(record.value.length, 4);
  assert.deepEqual(recordToJson(record), json);
  assert.equal(parsePutRequest({ ...json, seq: Number.MAX_SAFE_INTEGER }, limits).seq, Number.MAX_SAFE_INTEGER);
});

test('value size is checked in decoded bytes, at the configured cap', () => {
  const json = { publicKey: key, seq: 1, signature: sig };
  assert.equal(code(() => parsePutRequest({ ...json, value: 'AQIDBAU=' }, limits)), 'TOO_LARGE');
  assert.equal(code(() => parsePutRequest({ ...json, value: 'AQID' }, limits)), 'NO_ERROR');
  assert.equal(code(() => parsePutRequest({ ...json, value: 'A'.repeat(10_000) }, limits)), 'TOO_LARGE');
  assert.equal(code(() => parsePutRequest({ ...json, value: 'AQ\nID' }, limits)), 'BAD_REQUEST');
});

test('get requests: 1..max keys, each canonical hex; duplicates allowed', () => {
  assert.equal(parseGetRequest({ publicKeys: [key, key] }, limits).publicKeys.length, 2);
  assert.equal(code(() => parseGetRequest({ publicKeys: [key, key, key] }, limits)), 'TOO_LARGE');
  assert.equal(code(() => parseGetRequest({ publicKeys: [`${key} `] }, limits)), 'BAD_REQUEST');
  assert.equal(code(() => parseGetRequest(Object.create(null) as object, limits)), 'BAD_REQUEST');
  assert.equal(code(() => parseGetRequest(JSON.parse('{"__proto__":{"x":1},"publicKeys":["' + key + '"]}'), limits)), 'BAD_REQUEST');
});

test('limits are validated: a request that could never pass is a configuration error', () => {
  assert.throws(() => resolveLimits({ maxKeysPerGet: 100 }), RangeError);
  assert.throws(() => resolveLimits({ dhtTimeoutMs: 0 }), RangeError);
  assert.throws(() => resolveLimits({ global: { perSecond: -1 } }), RangeError);
  assert.equal(resolveLimits({ maxValueBytes: 1800 }).maxValueBytes, 1800);
});
