// Property tests (issue 2 item 5): every encoder/decoder round-trips; any flipped bit, truncation
// or extension of an invitation or registry value is rejected with a ProtocolError; 10^4 random
// inputs per decoder give a ProtocolError or a value, never another kind of exception.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  ready, ProtocolError, toHex, fromHex, toBase32, fromBase32, toBase64Url, fromBase64Url, u64be, readU64be,
  utf8Encode, utf8Decode, identityFromSeed, encodeContactCode, decodeContactCode, onionAddressFromPublicKey,
  publicKeyFromOnionAddress, createSealedInvitation, openSealedInvitation, createOpenInvitation, encodeInvitation,
  decodeInvitation, encodeInvitationBytes, decodeInvitationBytes, sealRegistryValue, openRegistryValue,
  REGISTRY_VALUE_SIZE, PRESENCE_STATES, type Identity, type Role, type Invitation,
} from './index.ts';

const RANDOM_RUNS = 10_000;
const NOW = 1_767_225_600_000;

let alice: Identity;
let bob: Identity;
before(async () => {
  await ready();
  alice = identityFromSeed(randomBytes(32));
  bob = identityFromSeed(randomBytes(32));
});

/** Runs `decode`; a ProtocolError or a result passes, any other exception fails the property. */
function onlyProtocolErrors<T>(decode: (input: T) => unknown): (input: T) => void {
  return (input) => {
    try {
      decode(input);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
    }
  };
}

function mustReject(run: () => unknown, what: string): void {
  try {
    run();
  } catch (err) {
    if (err instanceof ProtocolError) return;
    throw err;
  }
  assert.fail(`${what} was accepted`);
}

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const name = fc.string({ unit: 'grapheme', maxLength: 20 }).filter((s) => utf8Encode(s).length <= 64);
const time = fc.integer({ min: 0, max: 2 ** 50 });

test('round-trips: hex, base32, base64url, u64be, UTF-8', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
    assert.equal(toHex(fromHex(toHex(b))), toHex(b));
    assert.equal(toHex(fromBase32(toBase32(b))), toHex(b));
    assert.equal(toHex(fromBase64Url(toBase64Url(b))), toHex(b));
  }), { numRuns: 2000 });
  fc.assert(fc.property(fc.maxSafeNat(), (n) => readU64be(u64be(n), 0) === n), { numRuns: 2000 });
  fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => utf8Decode(utf8Encode(s)) === s), { numRuns: 2000 });
});

test('round-trips: contact codes and onion addresses', () => {
  fc.assert(fc.property(bytes32, (seed) => {
    const pk = identityFromSeed(seed).publicKey;
    assert.equal(toHex(decodeContactCode(encodeContactCode(pk))), toHex(pk));
    assert.equal(toHex(publicKeyFromOnionAddress(onionAddressFromPublicKey(pk))), toHex(pk));
  }), { numRuns: 300 });
});

test('round-trips: sealed and open invitations through the link', () => {
  fc.assert(fc.property(bytes32, bytes32, time, name, (k, eph, expiresAt, inviterName) => {
    const sealed = createSealedInvitation({ inviter: alice, recipientPublicKey: bob.publicKey, sharedKey: k, expiresAt: expiresAt + 1, inviterName, ephemeralSeed: eph });
    const decoded = decodeInvitation(encodeInvitation(sealed));
    assert.equal(decoded.form, 'sealed');
    const opened = openSealedInvitation(decoded as typeof sealed, bob, expiresAt);
    assert.equal(toHex(opened.sharedKey), toHex(k));
    assert.equal(opened.inviterName, inviterName);
    assert.equal(opened.expiresAt, expiresAt + 1);
    const open = createOpenInvitation({ inviter: alice, secret: k, expiresAt, inviterName });
    const back = decodeInvitation(encodeInvitation(open));
    assert.deepEqual(back, open);
  }), { numRuns: 200 });
});

test('round-trips: registry values', () => {
  fc.assert(fc.property(
    bytes32, fc.nat({ max: 2 ** 31 }), fc.nat({ max: 255 }), fc.constantFrom<Role>(0, 1), bytes32,
    fc.integer({ min: 1, max: 65535 }), fc.constantFrom(...PRESENCE_STATES), fc.uint8Array({ minLength: 24, maxLength: 24 }),
    (sharedKey, hour, index, role, onionPublicKey, virtualPort, state, nonce) => {
      const timestamp = hour * 3_600_000;
      const value = sealRegistryValue({
        sharedKey, hour, index, role, publisher: alice, onionPublicKey, virtualPort, timestamp, state, endpointExpiresAt: timestamp + 1, nonce,
      });
      assert.equal(value.length, REGISTRY_VALUE_SIZE);
      const entry = openRegistryValue(value, { sharedKey, hour, index, role, expectedPublisher: alice.publicKey, now: timestamp, maxAgeMs: 0 });
      assert.deepEqual(
        [toHex(entry.onionPublicKey), entry.virtualPort, entry.state, entry.timestamp],
        [toHex(onionPublicKey), virtualPort, state, timestamp],
      );
    },
  ), { numRuns: 300 });
});

function everyMutation(original: Uint8Array, accept: (b: Uint8Array) => unknown, what: string): number {
  let checked = 0;
  for (let bit = 0; bit < original.length * 8; bit++) {
    const flipped = Uint8Array.from(original);
    flipped[bit >> 3] = flipped[bit >> 3]! ^ (1 << (bit & 7));
    mustReject(() => accept(flipped), `${what} with bit ${bit} flipped`);
    checked++;
  }
  for (let len = 0; len < original.length; len++) {
    mustReject(() => accept(original.subarray(0, len)), `${what} truncated to ${len}`);
    checked++;
  }
  for (const extra of [1, 2, 31, 64]) {
    mustReject(() => accept(Uint8Array.from([...original, ...randomBytes(extra)])), `${what} extended by ${extra}`);
    checked++;
  }
  return checked;
}

test('every flipped bit, truncation and extension of a sealed invitation is rejected', () => {
  const invitation = createSealedInvitation({
    inviter: alice, recipientPublicKey: bob.publicKey, sharedKey: randomBytes(32), expiresAt: NOW + 1, inviterName: 'Alice', ephemeralSeed: randomBytes(32),
  });
  const bytes = encodeInvitationBytes(invitation);
  const open = (b: Uint8Array) => {
    const inv = decodeInvitationBytes(b);
    if (inv.form !== 'sealed') throw new Error('form changed to open');
    return openSealedInvitation(inv, bob, NOW);
  };
  assert.doesNotThrow(() => open(bytes));
  assert.ok(everyMutation(bytes, open, 'sealed invitation') > 2000);
});

test('every flipped bit, truncation and extension of an open invitation is rejected', () => {
  const bytes = encodeInvitationBytes(createOpenInvitation({ inviter: alice, secret: randomBytes(32), expiresAt: NOW, inviterName: 'Alice' }));
  assert.doesNotThrow(() => decodeInvitationBytes(bytes));
  everyMutation(bytes, decodeInvitationBytes, 'open invitation');
  // The link text as well: any changed base64url character of the body.
  const link = encodeInvitation(decodeInvitationBytes(bytes));
  const body = link.indexOf('#') + 1;
  for (let i = body; i < link.length; i++) {
    const ch = link[i] === 'A' ? 'B' : 'A';
    mustReject(() => decodeInvitation(link.slice(0, i) + ch + link.slice(i + 1)), `link with character ${i} changed`);
  }
});

test('every flipped bit, truncation and extension of a registry value is rejected', () => {
  const sharedKey = randomBytes(32);
  const slot = { sharedKey, hour: 490_000, index: 0, role: 1 as Role };
  const timestamp = slot.hour * 3_600_000;
  const value = sealRegistryValue({
    ...slot, publisher: alice, onionPublicKey: randomBytes(32), virtualPort: 80, timestamp, state: 'online', endpointExpiresAt: timestamp + 1, nonce: randomBytes(24),
  });
  const open = (b: Uint8Array) => openRegistryValue(b, { ...slot, now: timestamp, maxAgeMs: 1000 });
  assert.doesNotThrow(() => open(value));
  assert.equal(everyMutation(value, open, 'registry value'), REGISTRY_VALUE_SIZE * 9 + 4);
});

test(`${RANDOM_RUNS} random inputs per decoder: ProtocolError or a value, never another exception`, () => {
  const runs = { numRuns: RANDOM_RUNS };
  const anyBytes = fc.uint8Array({ maxLength: 400 });
  const anyText = fc.string({ maxLength: 120 });
  const base32Text = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abc -01'), minLength: 50, maxLength: 70 });
  const b64Text = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ '), maxLength: 400 });
  fc.assert(fc.property(anyText, onlyProtocolErrors(fromHex)), runs);
  fc.assert(fc.property(base32Text, onlyProtocolErrors(fromBase32)), runs);
  fc.assert(fc.property(b64Text, onlyProtocolErrors(fromBase64Url)), runs);
  fc.assert(fc.property(anyBytes, onlyProtocolErrors((b) => utf8Decode(b))), runs);
  fc.assert(fc.property(fc.oneof(anyText, base32Text), onlyProtocolErrors(decodeContactCode)), runs);
  fc.assert(fc.property(fc.oneof(anyText, base32Text.map((s) => `${s}.onion`)), onlyProtocolErrors(publicKeyFromOnionAddress)), runs);
  fc.assert(fc.property(fc.oneof(anyText, b64Text.map((s) => `sotto://invite/v1#${s}`)), onlyProtocolErrors(decodeInvitation)), runs);
  // Bytes with a valid header reach the seal and signature checks, not only the header checks.
  const invitationBytes = fc.oneof(
    anyBytes,
    fc.uint8Array({ minLength: 281, maxLength: 281 }).map((b) => Uint8Array.from([1, 1, ...b])),
    fc.uint8Array({ minLength: 137, maxLength: 201 }).map((b) => Uint8Array.from([1, 2, ...b])),
  );
  fc.assert(fc.property(invitationBytes, onlyProtocolErrors((b: Uint8Array) => {
    const inv: Invitation = decodeInvitationBytes(b);
    return inv.form === 'sealed' ? openSealedInvitation(inv, bob, NOW) : inv;
  })), runs);
  const slot = { sharedKey: randomBytes(32), hour: 490_000, index: 0, role: 0 as Role, now: NOW, maxAgeMs: 1000 };
  const valueBytes = fc.oneof(anyBytes, fc.uint8Array({ minLength: REGISTRY_VALUE_SIZE, maxLength: REGISTRY_VALUE_SIZE }));
  fc.assert(fc.property(valueBytes, onlyProtocolErrors((b: Uint8Array) => openRegistryValue(b, slot))), runs);
});
