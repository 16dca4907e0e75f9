// bytes.ts, sha3.ts, onion.ts and schedule.ts: RFC and spec known answers.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import {
  ready, toHex, fromHex, toBase32, fromBase32, toBase64Url, fromBase64Url, toBase64, u64be, readU64be, utf8Decode,
  sha3_256, onionAddressFromPublicKey, publicKeyFromOnionAddress, hourOf, publishHours, lookupHours, nextRefreshDelay,
  HOUR_MS,
} from './index.ts';

before(async () => {
  await ready();
});

test('base32 and base64url: RFC 4648 section 10 vectors, no padding, strict', () => {
  const rfc = ['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'];
  const b32 = ['', 'MY', 'MZXQ', 'MZXW6', 'MZXW6YQ', 'MZXW6YTB', 'MZXW6YTBOI'];
  const b64 = ['', 'Zg', 'Zm8', 'Zm9v', 'Zm9vYg', 'Zm9vYmE', 'Zm9vYmFy'];
  rfc.forEach((s, i) => {
    const bytes = Buffer.from(s);
    assert.equal(toBase32(bytes), b32[i]);
    assert.equal(Buffer.from(fromBase32(b32[i]!.toLowerCase())).toString(), s);
    assert.equal(toBase64Url(bytes), b64[i]);
    assert.equal(Buffer.from(fromBase64Url(b64[i]!)).toString(), s);
  });
  const any = randomBytes(100);
  assert.equal(toBase64Url(any), any.toString('base64url'));
  assert.equal(toBase64(any), any.toString('base64'));
  assert.throws(() => fromBase32('MZ======'), { code: 'BAD_ENCODING' });
  assert.throws(() => fromBase32('MZ'), { code: 'BAD_ENCODING' }); // non-zero trailing bits
  assert.throws(() => fromBase64Url('Zm9v+g'), { code: 'BAD_ENCODING' });
  assert.throws(() => fromBase64Url('Zh'), { code: 'BAD_ENCODING' }); // non-canonical
  assert.throws(() => fromHex('abc'), { code: 'BAD_ENCODING' });
  assert.throws(() => fromHex('zz'), { code: 'BAD_ENCODING' });
});

test('u64be round-trips up to 2^53 - 1 and refuses larger values', () => {
  for (const n of [0, 1, 255, 2 ** 32, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER]) assert.equal(readU64be(u64be(n), 0), n);
  assert.equal(toHex(u64be(2 ** 32 + 1)), '0000000100000001');
  assert.throws(() => u64be(2 ** 53), { code: 'OUT_OF_RANGE' });
  assert.throws(() => readU64be(fromHex('0020000000000000'), 0), { code: 'OUT_OF_RANGE' });
  assert.throws(() => utf8Decode(Uint8Array.of(0xc3)), { code: 'BAD_ENCODING' });
});

test('sha3_256: FIPS 202 answers and agreement with OpenSSL for lengths around the 136-byte rate', () => {
  assert.equal(toHex(sha3_256(new Uint8Array())), 'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a');
  assert.equal(toHex(sha3_256(Buffer.from('abc'))), '3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532');
  for (let n = 0; n < 300; n += 1) {
    const m = randomBytes(n);
    assert.equal(toHex(sha3_256(m)), createHash('sha3-256').update(m).digest('hex'), `length ${n}`);
  }
});

test('onion addresses: a real v3 address decodes; typos and versions are caught', () => {
  // The published v3 onion of duckduckgo.com: its checksum must verify with our SHA3.
  const ddg = 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion';
  const pk = publicKeyFromOnionAddress(ddg);
  assert.equal(onionAddressFromPublicKey(pk), ddg);
  assert.equal(toHex(publicKeyFromOnionAddress(ddg.toUpperCase().replace('.ONION', ''))), toHex(pk));
  assert.throws(() => publicKeyFromOnionAddress(ddg.replace('duck', 'dack')), { code: 'BAD_CHECKSUM' });
  assert.throws(() => publicKeyFromOnionAddress(ddg.slice(1)), { code: 'BAD_LENGTH' });
  const raw = fromBase32(ddg.slice(0, 56));
  raw[34] = 2;
  assert.throws(() => publicKeyFromOnionAddress(toBase32(raw)), { code: 'BAD_VERSION' });
});

test('schedule: hour of a time, publish lead, lookup grace and lead', () => {
  const D = 490_000;
  const start = D * HOUR_MS;
  const opts = { leadMs: 5 * 60_000, graceMs: 10 * 60_000 };
  assert.equal(hourOf(start), D);
  assert.equal(hourOf(start - 1), D - 1);
  assert.deepEqual(publishHours(start + 30 * 60_000, opts), [D]);
  assert.deepEqual(publishHours(start + HOUR_MS - 5 * 60_000, opts), [D, D + 1]);
  assert.deepEqual(publishHours(start + HOUR_MS - 5 * 60_000 - 1, opts), [D]);
  assert.deepEqual(lookupHours(start + 30 * 60_000, opts), [D]);
  assert.deepEqual(lookupHours(start + 60_000, opts), [D, D - 1]);
  assert.deepEqual(lookupHours(start + 10 * 60_000, opts), [D]);
  assert.deepEqual(lookupHours(start + HOUR_MS - 60_000, opts), [D, D + 1]);
  assert.throws(() => hourOf(-1), { code: 'OUT_OF_RANGE' });
  assert.throws(() => publishHours(start, { leadMs: HOUR_MS }), { code: 'OUT_OF_RANGE' });
});

test('nextRefreshDelay: within [min, max], spread by the random bytes', () => {
  const opts = { minMs: 15 * 60_000, maxMs: 20 * 60_000 };
  assert.equal(nextRefreshDelay(Uint8Array.of(0, 0, 0, 0), opts), opts.minMs);
  assert.equal(nextRefreshDelay(Uint8Array.of(255, 255, 255, 255), opts), opts.maxMs);
  const seen = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const d = nextRefreshDelay(randomBytes(4), opts);
    assert.ok(d >= opts.minMs && d <= opts.maxMs);
    seen.add(Math.floor((d - opts.minMs) / 60_000));
  }
  assert.ok(seen.size >= 5);
  assert.throws(() => nextRefreshDelay(new Uint8Array(3), opts), { code: 'BAD_LENGTH' });
});
