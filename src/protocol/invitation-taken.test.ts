// The "taken" tombstone (docs/PROTOCOL.md "Invitation taken tombstone"): known answers from
// vectors/invitation-taken.json, and every kind of damage refused with its own code.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { concatBytes, u8 } from './bytes.ts';
import { blake2b, label } from './hash.ts';
import {
  fromHex, identityFromSeed, isProtocolError, openTakenTombstone, ready, REGISTRY_VALUE_SIZE, sealTakenTombstone, takenRecordKeys, takenRedeemerTag,
  takenRecords, toHex, verifyRecord, type Identity,
} from './index.ts';
import { sodium } from './sodium.ts';

interface Row {
  secret: string; inviterSeed: string; inviterPublicKey: string; seq: number; sharedKey: string; redeemerTag: string;
  replicas: { index: number; nonce: string; publicKey: string; value: string; signature: string }[];
}
const rows = (): Row[] => JSON.parse(readFileSync(new URL('./vectors/invitation-taken.json', import.meta.url), 'utf8')) as Row[];

before(async () => { await ready(); });

const coded = (code: string) => (err: unknown): boolean => isProtocolError(err, code as never);

test('invitation-taken.json: records rebuilt byte for byte, hyperdht-valid, opened back', () => {
  const all = rows();
  assert.ok(all.length >= 3);
  for (const row of all) {
    const secret = fromHex(row.secret);
    const inviter = identityFromSeed(fromHex(row.inviterSeed));
    assert.equal(toHex(inviter.publicKey), row.inviterPublicKey);
    assert.equal(toHex(takenRedeemerTag(fromHex(row.sharedKey))), row.redeemerTag);
    const records = takenRecords({ secret, inviter, redeemerTag: fromHex(row.redeemerTag), seq: row.seq, nonces: row.replicas.map((r) => fromHex(r.nonce)) });
    assert.deepEqual(takenRecordKeys(secret).map(toHex), row.replicas.map((r) => r.publicKey));
    for (const [I, expected] of row.replicas.entries()) {
      const r = records[I]!;
      assert.equal(toHex(r.publicKey), expected.publicKey);
      assert.equal(toHex(r.value), expected.value);
      assert.equal(toHex(r.signature), expected.signature);
      assert.equal(r.value.length, REGISTRY_VALUE_SIZE, 'the size of every registry value');
      assert.ok(verifyRecord(r.publicKey, row.seq, r.value, r.signature));
      assert.deepEqual(
        openTakenTombstone(fromHex(expected.value), { secret, index: I, inviter: inviter.publicKey }),
        { version: 1, kind: 'taken', redeemerTag: fromHex(row.redeemerTag) },
      );
    }
  }
});

test('the keys depend on s and the replica only, and differ per replica', () => {
  const [a, b] = rows();
  const keys = takenRecordKeys(fromHex(a!.secret));
  assert.equal(new Set(keys.map(toHex)).size, 3);
  assert.notDeepEqual(keys.map(toHex), takenRecordKeys(fromHex(b!.secret)).map(toHex));
  assert.deepEqual(takenRecordKeys(fromHex(a!.secret), 5).slice(0, 3).map(toHex), keys.map(toHex));
});

test('damage is refused with a code: length, any flipped bit, another replica, another s, another signer', () => {
  const row = rows()[0]!;
  const secret = fromHex(row.secret);
  const inviter = fromHex(row.inviterPublicKey);
  const value = fromHex(row.replicas[0]!.value);
  const open = (v: Uint8Array, o: Partial<{ secret: Uint8Array; index: number; inviter: Uint8Array }> = {}) =>
    () => openTakenTombstone(v, { secret, index: 0, inviter, ...o });
  assert.throws(open(value.subarray(0, REGISTRY_VALUE_SIZE - 1)), coded('BAD_LENGTH'));
  assert.throws(open(concatBytes(value, u8(0))), coded('BAD_LENGTH'));
  for (let i = 0; i < value.length; i += 7) {
    const bad = value.slice();
    bad[i]! ^= 1 << (i % 8);
    assert.throws(open(bad), coded('DECRYPT_FAILED'), `byte ${i}`);
  }
  assert.throws(open(value, { index: 1 }), coded('DECRYPT_FAILED'), 'a replica moved to another key');
  assert.throws(open(value, { secret: fromHex(rows()[1]!.secret) }), coded('DECRYPT_FAILED'));
  assert.throws(open(new Uint8Array(REGISTRY_VALUE_SIZE).fill(7)), coded('DECRYPT_FAILED'), 'noise (a dummy)');
  assert.throws(open(value, { inviter: fromHex(rows()[1]!.inviterPublicKey) }), coded('WRONG_PUBLISHER'));
});

test('a holder of s (the mail reader) cannot forge one: well-formed plaintexts that break a rule are refused', () => {
  const row = rows()[0]!;
  const secret = fromHex(row.secret);
  const inviter = identityFromSeed(fromHex(row.inviterSeed));
  const nonce = fromHex(row.replicas[0]!.nonce);
  const redeemerTag = fromHex(row.redeemerTag);
  // Encrypts a chosen plaintext exactly as the format does: what anyone holding s can write.
  const sealRaw = (plaintext: Uint8Array): Uint8Array => {
    const key = blake2b(32, label('sotto/invitation-taken-value/v1'), secret);
    return concatBytes(nonce, sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, concatBytes(u8(1), u8(0)), null, nonce, key));
  };
  const genuine = (): Uint8Array => {
    const key = blake2b(32, label('sotto/invitation-taken-value/v1'), secret);
    const v = sealTakenTombstone({ secret, index: 0, inviter, redeemerTag, nonce });
    return sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(null, v.subarray(24), concatBytes(u8(1), u8(0)), nonce, key);
  };
  const open = (v: Uint8Array) => () => openTakenTombstone(v, { secret, index: 0, inviter: inviter.publicKey });
  assert.doesNotThrow(open(sealRaw(genuine())));
  const version2 = genuine(); version2[0] = 2;
  assert.throws(open(sealRaw(version2)), coded('BAD_VERSION'));
  const padded = genuine(); padded[279] = 1;
  assert.throws(open(sealRaw(padded)), coded('BAD_ENCODING'));
  const kind2 = genuine(); kind2[1] = 2;
  assert.throws(open(sealRaw(kind2)), coded('BAD_TYPE'));
  const badSig = genuine(); badSig[80]! ^= 1;
  assert.throws(open(sealRaw(badSig)), coded('BAD_SIGNATURE'));
  const otherTag = genuine(); otherTag[40]! ^= 1;
  assert.throws(open(sealRaw(otherTag)), coded('BAD_SIGNATURE'), 'the redeemer tag is signed: a holder of s cannot swap it');
  const short = genuine().subarray(0, 279);
  assert.throws(open(sealRaw(short)), coded('BAD_LENGTH'));
  // The reader signs with its own identity: a valid signature, by the wrong person.
  const mallory: Identity = identityFromSeed(new Uint8Array(32).fill(9));
  assert.throws(open(sealTakenTombstone({ secret, index: 0, inviter: mallory, redeemerTag, nonce })), coded('WRONG_PUBLISHER'));
  // Its signature over replica 0 does not carry over to replica 1 even with the same plaintext.
  const key = blake2b(32, label('sotto/invitation-taken-value/v1'), secret);
  const moved = concatBytes(nonce, sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(genuine(), concatBytes(u8(1), u8(1)), null, nonce, key));
  assert.throws(() => openTakenTombstone(moved, { secret, index: 1, inviter: inviter.publicKey }), coded('BAD_SIGNATURE'));
});

test('bad inputs to the writer are coded errors', () => {
  const row = rows()[0]!;
  const inviter = identityFromSeed(fromHex(row.inviterSeed));
  assert.throws(() => takenRecords({ secret: new Uint8Array(31), inviter, redeemerTag: new Uint8Array(32), seq: 1, nonces: [new Uint8Array(24)] }), coded('BAD_LENGTH'));
  assert.throws(() => takenRecords({ secret: new Uint8Array(32), inviter, redeemerTag: new Uint8Array(32), seq: -1, nonces: [new Uint8Array(24)] }), coded('OUT_OF_RANGE'));
  assert.throws(() => takenRecords({ secret: new Uint8Array(32), inviter, redeemerTag: new Uint8Array(32), seq: 1, nonces: [new Uint8Array(23)] }), coded('BAD_LENGTH'));
  assert.throws(() => takenRecords({ secret: new Uint8Array(32), inviter, redeemerTag: new Uint8Array(31), seq: 1, nonces: [new Uint8Array(24)] }), coded('BAD_LENGTH'));
});
