import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import sodium from 'libsodium-wrappers-sumo';
import {
  ready, identityFromSeed, registryKey, recordSeed, recordKeyPair, roleOf, bootstrapRole, otherRole, toHex,
  sealRegistryValue, openRegistryValue, dummyRegistryValue, REGISTRY_VALUE_SIZE, clientAuthKeyPair,
  clientAuthPublicKeyText, clientAuthSecretKeyText, type Role, type SealRegistryValueInput,
} from './index.ts';

const HOUR = 3_600_000;
const D = 490_000;
const T = D * HOUR + 120_000;

before(async () => {
  await ready();
});

function input(over: Partial<SealRegistryValueInput> = {}): SealRegistryValueInput {
  return {
    sharedKey: randomBytes(32), hour: D, index: 1, role: 0, publisher: identityFromSeed(randomBytes(32)),
    onionPublicKey: identityFromSeed(randomBytes(32)).publicKey, virtualPort: 443, timestamp: T, state: 'away',
    endpointExpiresAt: T + 24 * HOUR, nonce: randomBytes(24), ...over,
  };
}

function slotOf(i: SealRegistryValueInput) {
  return { sharedKey: i.sharedKey, hour: i.hour, index: i.index, role: i.role, now: T + 1000, maxAgeMs: 30 * 60_000 };
}

test('registry keys differ per hour, replica and K; record key pairs differ per role', () => {
  const k = randomBytes(32);
  const keys = new Set<string>();
  for (const hour of [D - 1, D, D + 1]) for (const index of [0, 1, 2]) keys.add(toHex(registryKey(k, hour, index)));
  keys.add(toHex(registryKey(randomBytes(32), D, 0)));
  assert.equal(keys.size, 10);
  const x = registryKey(k, D, 0);
  assert.notEqual(toHex(recordKeyPair(recordSeed(x, 0)).publicKey), toHex(recordKeyPair(recordSeed(x, 1)).publicKey));
  assert.throws(() => registryKey(k, -1, 0), { code: 'OUT_OF_RANGE' });
  assert.throws(() => registryKey(k, D, 256), { code: 'OUT_OF_RANGE' });
  assert.throws(() => registryKey(k.subarray(1), D, 0), { code: 'BAD_LENGTH' });
  assert.throws(() => recordSeed(x, 2 as Role), { code: 'OUT_OF_RANGE' });
});

test('roles: smaller identity key is role 0, both sides agree; bootstrap roles are fixed', () => {
  const a = identityFromSeed(randomBytes(32)).publicKey;
  const b = identityFromSeed(randomBytes(32)).publicKey;
  assert.equal(roleOf(a, b), otherRole(roleOf(b, a)));
  assert.equal(roleOf(a, b), Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0 ? 0 : 1);
  assert.throws(() => roleOf(a, a), { code: 'BAD_KEY' });
  assert.equal(bootstrapRole('inviter'), 0);
  assert.equal(bootstrapRole('redeemer'), 1);
});

test('registry value: fixed size, opens with the same slot and returns every field', () => {
  const i = input({ state: 'dnd', virtualPort: 65535 });
  const value = sealRegistryValue(i);
  assert.equal(value.length, REGISTRY_VALUE_SIZE);
  const entry = openRegistryValue(value, { ...slotOf(i), expectedPublisher: i.publisher.publicKey });
  assert.equal(toHex(entry.publisherPublicKey), toHex(i.publisher.publicKey));
  assert.equal(toHex(entry.onionPublicKey), toHex(i.onionPublicKey));
  assert.deepEqual([entry.virtualPort, entry.timestamp, entry.state, entry.endpointExpiresAt], [65535, T, 'dnd', T + 24 * HOUR]);
  // Without an expected publisher (open-invitation bootstrap) the signed publisher key is returned.
  assert.equal(toHex(openRegistryValue(value, slotOf(i)).publisherPublicKey), toHex(i.publisher.publicKey));
});

test('registry value: wrong K, hour, replica or role cannot decrypt it', () => {
  const i = input();
  const value = sealRegistryValue(i);
  const s = slotOf(i);
  for (const wrong of [{ sharedKey: randomBytes(32) }, { hour: D + 1 }, { index: 2 }, { role: 1 as Role }]) {
    assert.throws(() => openRegistryValue(value, { ...s, ...wrong }), { code: 'DECRYPT_FAILED' });
  }
});

test('registry value: stale, future-dated, expired endpoint and unexpected publisher are rejected', () => {
  const i = input();
  const value = sealRegistryValue(i);
  const s = slotOf(i);
  assert.throws(() => openRegistryValue(value, { ...s, now: T + 31 * 60_000 }), { code: 'EXPIRED' });
  assert.throws(() => openRegistryValue(value, { ...s, now: T - 6 * 60_000 }), { code: 'FROM_FUTURE' });
  assert.doesNotThrow(() => openRegistryValue(value, { ...s, now: T - 4 * 60_000 }));
  assert.throws(() => openRegistryValue(value, { ...s, now: T + 24 * HOUR, maxAgeMs: 48 * HOUR }), { code: 'EXPIRED' });
  assert.throws(() => openRegistryValue(value, { ...s, expectedPublisher: identityFromSeed(randomBytes(32)).publicKey }), { code: 'WRONG_PUBLISHER' });
});

test('registry value: the contact (who holds K) cannot forge the publisher\'s value', () => {
  // Bob knows K_AB and decrypts Alice's value; he changes the state and re-encrypts it. The AEAD
  // accepts it, Alice's identity signature does not.
  const i = input();
  const value = sealRegistryValue(i);
  const valueKey = sodium.crypto_generichash(32, Buffer.concat([Buffer.from('sotto/registry-value/v1'), registryKey(i.sharedKey, D, 1)]), i.sharedKey);
  const ad = Buffer.concat([Buffer.of(1, 0), Buffer.from(BigInt(D).toString(16).padStart(16, '0'), 'hex'), Buffer.of(1)]);
  const plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, value.subarray(24), ad, value.subarray(0, 24), valueKey);
  plain[75] = 1; // 'away' -> 'online'
  const nonce = randomBytes(24);
  const forged = Buffer.concat([nonce, sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, ad, null, nonce, valueKey)]);
  assert.throws(() => openRegistryValue(forged, slotOf(i)), { code: 'BAD_SIGNATURE' });
});

test('dummy values have the real size and never open', () => {
  const dummy = dummyRegistryValue(randomBytes(REGISTRY_VALUE_SIZE));
  assert.equal(dummy.length, REGISTRY_VALUE_SIZE);
  assert.throws(() => openRegistryValue(dummy, slotOf(input())), { code: 'DECRYPT_FAILED' });
  assert.throws(() => dummyRegistryValue(randomBytes(10)), { code: 'BAD_LENGTH' });
});

test('client auth: x25519 pairs per role, clamped, in the text forms Tor takes', () => {
  const k = randomBytes(32);
  const served0 = clientAuthKeyPair(k, 0);
  const served1 = clientAuthKeyPair(k, 1);
  assert.notEqual(toHex(served0.publicKey), toHex(served1.publicKey));
  assert.equal(toHex(clientAuthKeyPair(k, 0).secretKey), toHex(served0.secretKey));
  assert.equal(served0.secretKey[0]! & 7, 0);
  assert.equal(served0.secretKey[31]! & 0xc0, 0x40);
  assert.equal(toHex(sodium.crypto_scalarmult_base(served0.secretKey)), toHex(served0.publicKey));
  assert.match(clientAuthPublicKeyText(served0.publicKey), /^[A-Z2-7]{52}$/);
  assert.match(clientAuthSecretKeyText(served0.secretKey), /^[A-Za-z0-9+/]{43}=$/);
});
