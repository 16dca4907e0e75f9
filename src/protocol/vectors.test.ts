// Recomputes every row of the known-answer vectors in ./vectors from its inputs and compares:
// any change to a wire format or derivation fails here (regenerate with scripts/gen-vectors.ts
// only when the change is intended, and bump the format's version).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  ready, fromHex, toHex, identityFromSeed, encodeContactCode, decodeContactCode, fingerprint, safetyNumber,
  registryKey, recordSeed, recordKeyPair, createSealedInvitation, openSealedInvitation, createOpenInvitation,
  encodeInvitation, decodeInvitation, encodeInvitationBytes, upgradeSharedKey, sealRegistryValue, openRegistryValue,
  onionAddressFromPublicKey, publicKeyFromOnionAddress, clientAuthKeyPair, clientAuthPublicKeyText,
  mutableSignable, signRecord, verifyRecord, parseGatewayUrl, gatewayUrl, type PresenceState, type Role,
} from './index.ts';

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8')) as T;
}

before(async () => {
  await ready();
});

test('registry-keys.json: X = BLAKE2b-256(key = K, "sotto/registry/v1" || u64be(D) || u8(I))', () => {
  const rows = load<{ k: string; hour: number; index: number; key: string }[]>('registry-keys.json');
  assert.ok(rows.length >= 10);
  for (const row of rows) assert.equal(toHex(registryKey(fromHex(row.k), row.hour, row.index)), row.key);
});

test('record-seeds.json: seed and record public key per role', () => {
  const rows = load<{ key: string; role: Role; seed: string; publicKey: string }[]>('record-seeds.json');
  assert.ok(rows.length >= 10);
  for (const row of rows) {
    const seed = recordSeed(fromHex(row.key), row.role);
    assert.equal(toHex(seed), row.seed);
    assert.equal(toHex(recordKeyPair(seed).publicKey), row.publicKey);
  }
});

interface SealedRow {
  inviterSeed: string; inviterPublicKey: string; recipientSeed: string; recipientPublicKey: string; sharedKey: string;
  expiresAt: number; inviterName: string; ephemeralSeed: string; bytes: string; link: string;
}
interface OpenRow { inviterSeed: string; inviterPublicKey: string; secret: string; expiresAt: number; inviterName: string; bytes: string; link: string }
interface UpgradeRow { secret: string; seedA: string; publicKeyA: string; seedB: string; publicKeyB: string; sharedKey: string }

test('invitations.json: sealed invitations re-created byte for byte, then opened by the recipient', () => {
  const { sealed } = load<{ sealed: SealedRow[] }>('invitations.json');
  assert.ok(sealed.length >= 3);
  for (const row of sealed) {
    const inviter = identityFromSeed(fromHex(row.inviterSeed));
    const recipient = identityFromSeed(fromHex(row.recipientSeed));
    assert.equal(toHex(inviter.publicKey), row.inviterPublicKey);
    const invitation = createSealedInvitation({
      inviter, recipientPublicKey: recipient.publicKey, sharedKey: fromHex(row.sharedKey), expiresAt: row.expiresAt,
      inviterName: row.inviterName, ephemeralSeed: fromHex(row.ephemeralSeed),
    });
    assert.equal(toHex(encodeInvitationBytes(invitation)), row.bytes);
    assert.equal(encodeInvitation(invitation), row.link);
    const decoded = decodeInvitation(row.link);
    assert.equal(decoded.form, 'sealed');
    if (decoded.form !== 'sealed') return;
    const opened = openSealedInvitation(decoded, recipient, row.expiresAt - 1);
    assert.equal(toHex(opened.sharedKey), row.sharedKey);
    assert.equal(toHex(opened.inviterPublicKey), row.inviterPublicKey);
    assert.equal(toHex(opened.recipientPublicKey), row.recipientPublicKey);
    assert.equal(opened.inviterName, row.inviterName);
  }
});

test('invitations.json: open invitations re-created and decoded', () => {
  const { open } = load<{ open: OpenRow[] }>('invitations.json');
  assert.ok(open.length >= 3);
  for (const row of open) {
    const inviter = identityFromSeed(fromHex(row.inviterSeed));
    const invitation = createOpenInvitation({ inviter, secret: fromHex(row.secret), expiresAt: row.expiresAt, inviterName: row.inviterName });
    assert.equal(toHex(encodeInvitationBytes(invitation)), row.bytes);
    assert.equal(encodeInvitation(invitation), row.link);
    const decoded = decodeInvitation(row.link);
    assert.equal(decoded.form, 'open');
    if (decoded.form !== 'open') return;
    assert.equal(toHex(decoded.inviterPublicKey), row.inviterPublicKey);
    assert.equal(toHex(decoded.secret), row.secret);
    assert.equal(decoded.expiresAt, row.expiresAt);
    assert.equal(decoded.inviterName, row.inviterName);
  }
});

test('invitations.json: key upgrade K_AB = KDF(s, X25519(a, B)), same from both sides', () => {
  const { upgrade } = load<{ upgrade: UpgradeRow[] }>('invitations.json');
  assert.ok(upgrade.length >= 3);
  for (const row of upgrade) {
    const a = identityFromSeed(fromHex(row.seedA));
    const b = identityFromSeed(fromHex(row.seedB));
    assert.equal(toHex(upgradeSharedKey(fromHex(row.secret), a, b.publicKey)), row.sharedKey);
    assert.equal(toHex(upgradeSharedKey(fromHex(row.secret), b, a.publicKey)), row.sharedKey);
  }
});

test('invitations.json: v2 rows (gateway lists) re-created byte for byte; the gateways come back to the invitee', () => {
  const { sealedV2, openV2 } = load<{ sealedV2: (SealedRow & { gateways: string[] })[]; openV2: (OpenRow & { gateways: string[] })[] }>('invitations.json');
  assert.ok(sealedV2.length >= 3 && openV2.length >= 3);
  assert.deepEqual(sealedV2.map((r) => r.gateways.length), [0, 1, 4]);
  for (const row of sealedV2) {
    const inviter = identityFromSeed(fromHex(row.inviterSeed));
    const recipient = identityFromSeed(fromHex(row.recipientSeed));
    const gateways = row.gateways.map(parseGatewayUrl);
    const invitation = createSealedInvitation({
      inviter, recipientPublicKey: recipient.publicKey, sharedKey: fromHex(row.sharedKey), expiresAt: row.expiresAt,
      inviterName: row.inviterName, ephemeralSeed: fromHex(row.ephemeralSeed), gateways,
    });
    assert.equal(toHex(encodeInvitationBytes(invitation)), row.bytes);
    assert.equal(encodeInvitation(invitation), row.link);
    const decoded = decodeInvitation(row.link);
    assert.ok(decoded.form === 'sealed' && decoded.version === 2);
    const opened = openSealedInvitation(decoded, recipient, row.expiresAt - 1);
    assert.equal(toHex(opened.sharedKey), row.sharedKey);
    assert.deepEqual(opened.gateways.map(gatewayUrl), row.gateways);
  }
  for (const row of openV2) {
    const inviter = identityFromSeed(fromHex(row.inviterSeed));
    const invitation = createOpenInvitation({
      inviter, secret: fromHex(row.secret), expiresAt: row.expiresAt, inviterName: row.inviterName, gateways: row.gateways.map(parseGatewayUrl),
    });
    assert.equal(toHex(encodeInvitationBytes(invitation)), row.bytes);
    assert.equal(encodeInvitation(invitation), row.link);
    const decoded = decodeInvitation(row.link);
    assert.ok(decoded.form === 'open' && decoded.version === 2);
    assert.equal(toHex(decoded.secret), row.secret);
    assert.deepEqual(decoded.gateways.map(gatewayUrl), row.gateways);
  }
});

interface ValueRow {
  sharedKey: string; hour: number; index: number; role: Role; publisherSeed: string; publisherPublicKey: string;
  onionPublicKey: string; onionAddress: string; virtualPort: number; timestamp: number; state: PresenceState;
  endpointExpiresAt: number; nonce: string; value: string;
}

test('registry-values.json: sealed with the given nonce, byte for byte, and opened back', () => {
  const rows = load<ValueRow[]>('registry-values.json');
  assert.ok(rows.length >= 5);
  for (const row of rows) {
    const slot = { sharedKey: fromHex(row.sharedKey), hour: row.hour, index: row.index, role: row.role };
    const value = sealRegistryValue({
      ...slot, publisher: identityFromSeed(fromHex(row.publisherSeed)), onionPublicKey: fromHex(row.onionPublicKey),
      virtualPort: row.virtualPort, timestamp: row.timestamp, state: row.state, endpointExpiresAt: row.endpointExpiresAt,
      nonce: fromHex(row.nonce),
    });
    assert.equal(toHex(value), row.value);
    const entry = openRegistryValue(fromHex(row.value), {
      ...slot, expectedPublisher: fromHex(row.publisherPublicKey), now: row.timestamp + 1000, maxAgeMs: 3_600_000,
    });
    assert.equal(onionAddressFromPublicKey(entry.onionPublicKey), row.onionAddress);
    assert.equal(entry.virtualPort, row.virtualPort);
    assert.equal(entry.state, row.state);
    assert.equal(entry.timestamp, row.timestamp);
    assert.equal(entry.endpointExpiresAt, row.endpointExpiresAt);
  }
});

test('contact-codes.json: codes, fingerprints and safety numbers', () => {
  const { codes, safetyNumbers } = load<{
    codes: { publicKey: string; code: string; fingerprint: string }[];
    safetyNumbers: { publicKeyA: string; publicKeyB: string; safetyNumber: string }[];
  }>('contact-codes.json');
  assert.ok(codes.length >= 5 && safetyNumbers.length >= 3);
  for (const row of codes) {
    assert.equal(encodeContactCode(fromHex(row.publicKey)), row.code);
    assert.equal(toHex(decodeContactCode(row.code)), row.publicKey);
    assert.equal(fingerprint(fromHex(row.publicKey)), row.fingerprint);
  }
  for (const row of safetyNumbers) {
    assert.equal(safetyNumber(fromHex(row.publicKeyA), fromHex(row.publicKeyB)), row.safetyNumber);
    assert.equal(safetyNumber(fromHex(row.publicKeyB), fromHex(row.publicKeyA)), row.safetyNumber);
  }
});

test('onion-addresses.json: v3 address <-> service key', () => {
  const rows = load<{ publicKey: string; address: string }[]>('onion-addresses.json');
  for (const row of rows) {
    assert.equal(onionAddressFromPublicKey(fromHex(row.publicKey)), row.address);
    assert.equal(toHex(publicKeyFromOnionAddress(row.address)), row.publicKey);
  }
});

test('client-auth.json: clamped x25519 pair per role', () => {
  const rows = load<{ sharedKey: string; role: Role; secretKey: string; publicKey: string; publicKeyText: string }[]>('client-auth.json');
  for (const row of rows) {
    const kp = clientAuthKeyPair(fromHex(row.sharedKey), row.role);
    assert.equal(toHex(kp.secretKey), row.secretKey);
    assert.equal(toHex(kp.publicKey), row.publicKey);
    assert.equal(clientAuthPublicKeyText(kp.publicKey), row.publicKeyText);
  }
});

test('mutable-records.json: hyperdht signable and signature for seq widths 1/3/5/9 bytes', () => {
  const rows = load<{ seed: string; publicKey: string; seq: number; value: string; signable: string; signature: string }[]>('mutable-records.json');
  for (const row of rows) {
    const keyPair = recordKeyPair(fromHex(row.seed));
    assert.equal(toHex(keyPair.publicKey), row.publicKey);
    assert.equal(toHex(mutableSignable(row.seq, fromHex(row.value))), row.signable);
    assert.equal(toHex(signRecord(keyPair, row.seq, fromHex(row.value))), row.signature);
    assert.ok(verifyRecord(keyPair.publicKey, row.seq, fromHex(row.value), fromHex(row.signature)));
  }
});
