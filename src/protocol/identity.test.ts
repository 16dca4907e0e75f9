import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  ready, identityFromSeed, encodeContactCode, decodeContactCode, fingerprint, safetyNumber, toHex, toBase32,
  type ProtocolErrorCode,
} from './index.ts';
import { crc16 } from './identity.ts';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

before(async () => {
  await ready();
});

function code(err: unknown): ProtocolErrorCode | undefined {
  return (err as { code?: ProtocolErrorCode }).code;
}

test('identityFromSeed is libsodium ed25519 (RFC 8032 test 1 public key)', () => {
  const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
  assert.equal(toHex(identityFromSeed(seed).publicKey), 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
  assert.throws(() => identityFromSeed(new Uint8Array(31)), { code: 'BAD_LENGTH' });
});

test('contact code: 56 base32 characters in groups of 4, decoded with any case, spaces and dashes', () => {
  const pk = identityFromSeed(randomBytes(32)).publicKey;
  const text = encodeContactCode(pk);
  assert.match(text, /^([A-Z2-7]{4}-){13}[A-Z2-7]{4}$/);
  for (const variant of [text, text.toLowerCase(), text.replace(/-/g, ' '), text.replace(/-/g, ''), ` ${text.replace(/-/g, ' - ')}\n`]) {
    assert.equal(toHex(decodeContactCode(variant)), toHex(pk));
  }
});

test('contact code: every single-character typo and every swap of neighbours is detected', () => {
  for (let round = 0; round < 4; round++) {
    const pk = identityFromSeed(randomBytes(32)).publicKey;
    const compact = encodeContactCode(pk).replace(/-/g, '');
    for (let i = 0; i < compact.length; i++) {
      for (const ch of BASE32) {
        if (ch === compact[i]) continue;
        const typo = compact.slice(0, i) + ch + compact.slice(i + 1);
        assert.throws(() => decodeContactCode(typo), (e) => code(e) === 'BAD_CHECKSUM' || code(e) === 'BAD_ENCODING', `typo at ${i}`);
      }
      if (i + 1 < compact.length && compact[i] !== compact[i + 1]) {
        const swapped = compact.slice(0, i) + compact[i + 1] + compact[i] + compact.slice(i + 2);
        assert.throws(() => decodeContactCode(swapped), (e) => code(e) === 'BAD_CHECKSUM' || code(e) === 'BAD_ENCODING', `swap at ${i}`);
      }
    }
    assert.throws(() => decodeContactCode(compact.slice(1)), { code: 'BAD_LENGTH' });
    assert.throws(() => decodeContactCode(`${compact}A`), { code: 'BAD_LENGTH' });
    assert.throws(() => decodeContactCode(compact.slice(0, 10) + '0' + compact.slice(11)), { code: 'BAD_ENCODING' });
  }
});

test('contact code: unknown version and invalid curve points are rejected even with a valid checksum', () => {
  const pk = identityFromSeed(randomBytes(32)).publicKey;
  const withVersion = (version: number, key: Uint8Array): string => {
    const body = Buffer.concat([Buffer.of(version), key]);
    const crc = crc16(body);
    return toBase32(Buffer.concat([body, Buffer.of(crc >> 8, crc & 0xff)]));
  };
  assert.throws(() => decodeContactCode(withVersion(2, pk)), { code: 'BAD_VERSION' });
  // y = 2 is not on the curve (x^2 has no square root), so it cannot be an identity key.
  const notAPoint = new Uint8Array(32);
  notAPoint[0] = 2;
  assert.throws(() => decodeContactCode(withVersion(1, notAPoint)), { code: 'BAD_KEY' });
});

test('fingerprint: 6 groups of 5 digits, stable; safety number symmetric and pair specific', () => {
  const a = identityFromSeed(randomBytes(32)).publicKey;
  const b = identityFromSeed(randomBytes(32)).publicKey;
  const c = identityFromSeed(randomBytes(32)).publicKey;
  assert.match(fingerprint(a), /^(\d{5} ){5}\d{5}$/);
  assert.equal(fingerprint(a), fingerprint(Uint8Array.from(a)));
  assert.notEqual(fingerprint(a), fingerprint(b));
  assert.match(safetyNumber(a, b), /^(\d{5} ){11}\d{5}$/);
  assert.equal(safetyNumber(a, b), safetyNumber(b, a));
  assert.notEqual(safetyNumber(a, b), safetyNumber(a, c));
  assert.throws(() => safetyNumber(a, a), { code: 'BAD_KEY' });
});
