// Regenerates the known-answer vectors in src/protocol/vectors/*.json (docs/PROTOCOL.md names
// which file covers which format). Inputs are derived from fixed labels, so a run reproduces the
// committed files byte for byte unless a format changed: `npx tsx scripts/gen-vectors.ts`, then
// `git diff src/protocol/vectors` shows exactly what a change did to the wire.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sodium from 'libsodium-wrappers-sumo';
import {
  ready, toHex, utf8Encode, identityFromSeed, encodeContactCode, fingerprint, safetyNumber,
  registryKey, recordSeed, recordKeyPair, createSealedInvitation, createOpenInvitation,
  encodeInvitation, encodeInvitationBytes, upgradeSharedKey, sealRegistryValue,
  onionAddressFromPublicKey, clientAuthKeyPair, clientAuthPublicKeyText, mutableSignable, signRecord, gatewayUrl,
  type PresenceState, type Role, type InvitationGateway,
} from '../src/protocol/index.ts';

await ready();

const dir = join(import.meta.dirname, '..', 'src', 'protocol', 'vectors');

/** n bytes named by a label: BLAKE2b-512 of the label text and a block counter, truncated. */
function det(name: string, n = 32): Uint8Array {
  const out = new Uint8Array(n);
  for (let block = 0; block * 64 < n; block++) {
    const h = sodium.crypto_generichash(64, utf8Encode(`sotto/vectors/${name}/${block}`), null);
    out.set(h.subarray(0, Math.min(64, n - block * 64)), block * 64);
  }
  return out;
}

function write(file: string, data: unknown): void {
  writeFileSync(join(dir, file), `${JSON.stringify(data, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

// Hours: the epoch, around 2025, 2^32, and the largest D that fits in a safe integer.
const hours = [0, 1, 489_000, 489_001, 500_000, 2 ** 32, 2 ** 40 + 7, 9_007_199_254_740_991];
const registryRows = [];
for (let i = 0; i < 12; i++) {
  const k = det(`k/${i}`);
  const hour = hours[i % hours.length]!;
  const index = [0, 1, 2, 255][i % 4]!;
  registryRows.push({ k: toHex(k), hour, index, key: toHex(registryKey(k, hour, index)) });
}
write('registry-keys.json', registryRows);

const seedRows = [];
for (const row of registryRows.slice(0, 6)) {
  for (const role of [0, 1] as Role[]) {
    const seed = recordSeed(Buffer.from(row.key, 'hex'), role);
    seedRows.push({ key: row.key, role, seed: toHex(seed), publicKey: toHex(recordKeyPair(seed).publicKey) });
  }
}
write('record-seeds.json', seedRows);

const names = ['Alice', 'Zoë Ünïcødé 🦊', ''];
const sealed = [];
const open = [];
const upgrade = [];
for (let i = 0; i < 3; i++) {
  const inviterSeed = det(`inviter/${i}`);
  const recipientSeed = det(`recipient/${i}`);
  const inviter = identityFromSeed(inviterSeed);
  const recipient = identityFromSeed(recipientSeed);
  const sharedKey = det(`shared-key/${i}`);
  const ephemeralSeed = det(`ephemeral/${i}`);
  const secret = det(`secret/${i}`);
  const expiresAt = 1_767_225_600_000 + i * 86_400_000; // 2026-01-01T00:00Z + i days
  const inviterName = names[i]!;
  const s = createSealedInvitation({ inviter, recipientPublicKey: recipient.publicKey, sharedKey, expiresAt, inviterName, ephemeralSeed });
  sealed.push({
    inviterSeed: toHex(inviterSeed), inviterPublicKey: toHex(inviter.publicKey),
    recipientSeed: toHex(recipientSeed), recipientPublicKey: toHex(recipient.publicKey),
    sharedKey: toHex(sharedKey), expiresAt, inviterName, ephemeralSeed: toHex(ephemeralSeed),
    bytes: toHex(encodeInvitationBytes(s)), link: encodeInvitation(s),
  });
  const o = createOpenInvitation({ inviter, secret, expiresAt, inviterName });
  open.push({
    inviterSeed: toHex(inviterSeed), inviterPublicKey: toHex(inviter.publicKey), secret: toHex(secret), expiresAt, inviterName,
    bytes: toHex(encodeInvitationBytes(o)), link: encodeInvitation(o),
  });
  upgrade.push({
    secret: toHex(secret), seedA: toHex(inviterSeed), publicKeyA: toHex(inviter.publicKey),
    seedB: toHex(recipientSeed), publicKeyB: toHex(recipient.publicKey),
    sharedKey: toHex(upgradeSharedKey(secret, inviter, recipient.publicKey)),
  });
}
// Version 2 (gateway lists): rows added after the v1 ones, which stay byte for byte. 0, 1 and the
// maximum of 4 gateways, one of them on another port than 80.
const sealedV2 = [];
const openV2 = [];
for (let i = 0; i < 3; i++) {
  const inviterSeed = det(`inviter/${i}`);
  const recipientSeed = det(`recipient/${i}`);
  const inviter = identityFromSeed(inviterSeed);
  const recipient = identityFromSeed(recipientSeed);
  const sharedKey = det(`shared-key/${i}`);
  const ephemeralSeed = det(`ephemeral-v2/${i}`);
  const secret = det(`secret-v2/${i}`);
  const expiresAt = 1_767_225_600_000 + i * 86_400_000;
  const inviterName = names[i]!;
  const gateways: InvitationGateway[] = [0, 1, 4][i] === 0 ? [] : Array.from({ length: [0, 1, 4][i]! }, (_, g) => ({
    onion: onionAddressFromPublicKey(identityFromSeed(det(`gateway/${i}/${g}`)).publicKey), port: g === 1 ? 9001 : 80,
  }));
  const gatewayUrls = gateways.map(gatewayUrl);
  const s = createSealedInvitation({ inviter, recipientPublicKey: recipient.publicKey, sharedKey, expiresAt, inviterName, ephemeralSeed, gateways });
  sealedV2.push({
    inviterSeed: toHex(inviterSeed), inviterPublicKey: toHex(inviter.publicKey),
    recipientSeed: toHex(recipientSeed), recipientPublicKey: toHex(recipient.publicKey),
    sharedKey: toHex(sharedKey), expiresAt, inviterName, ephemeralSeed: toHex(ephemeralSeed), gateways: gatewayUrls,
    bytes: toHex(encodeInvitationBytes(s)), link: encodeInvitation(s),
  });
  const o = createOpenInvitation({ inviter, secret, expiresAt, inviterName, gateways });
  openV2.push({
    inviterSeed: toHex(inviterSeed), inviterPublicKey: toHex(inviter.publicKey), secret: toHex(secret), expiresAt, inviterName,
    gateways: gatewayUrls, bytes: toHex(encodeInvitationBytes(o)), link: encodeInvitation(o),
  });
}
write('invitations.json', { sealed, open, upgrade, sealedV2, openV2 });

const states: PresenceState[] = ['online', 'away', 'busy', 'dnd', 'gone'];
const valueRows = [];
for (let i = 0; i < 6; i++) {
  const sharedKey = det(`value-k/${i}`);
  const publisherSeed = det(`publisher/${i}`);
  const publisher = identityFromSeed(publisherSeed);
  const onionPublicKey = identityFromSeed(det(`onion/${i}`)).publicKey;
  const nonce = det(`nonce/${i}`, 24);
  const hour = 490_000 + i;
  const index = i % 3;
  const role = (i % 2) as Role;
  const timestamp = hour * 3_600_000 + 60_000 * i;
  const endpointExpiresAt = timestamp + 86_400_000;
  const virtualPort = [80, 443, 1, 65535, 8080, 9999][i]!;
  const state = states[i % states.length]!;
  const value = sealRegistryValue({
    sharedKey, hour, index, role, publisher, onionPublicKey, virtualPort, timestamp, state, endpointExpiresAt, nonce,
  });
  valueRows.push({
    sharedKey: toHex(sharedKey), hour, index, role, publisherSeed: toHex(publisherSeed), publisherPublicKey: toHex(publisher.publicKey),
    onionPublicKey: toHex(onionPublicKey), onionAddress: onionAddressFromPublicKey(onionPublicKey), virtualPort, timestamp, state,
    endpointExpiresAt, nonce: toHex(nonce), value: toHex(value),
  });
}
write('registry-values.json', valueRows);

const codes = [];
const keys = [];
for (let i = 0; i < 6; i++) {
  const publicKey = identityFromSeed(det(`contact/${i}`)).publicKey;
  keys.push(publicKey);
  codes.push({ publicKey: toHex(publicKey), code: encodeContactCode(publicKey), fingerprint: fingerprint(publicKey) });
}
const safetyNumbers = [];
for (let i = 0; i + 1 < keys.length; i += 2) {
  safetyNumbers.push({ publicKeyA: toHex(keys[i]!), publicKeyB: toHex(keys[i + 1]!), safetyNumber: safetyNumber(keys[i]!, keys[i + 1]!) });
}
write('contact-codes.json', { codes, safetyNumbers });

const onionRows = [];
for (let i = 0; i < 4; i++) {
  const publicKey = identityFromSeed(det(`onion-address/${i}`)).publicKey;
  onionRows.push({ publicKey: toHex(publicKey), address: onionAddressFromPublicKey(publicKey) });
}
write('onion-addresses.json', onionRows);

const clientAuthRows = [];
for (let i = 0; i < 3; i++) {
  const sharedKey = det(`client-auth/${i}`);
  for (const role of [0, 1] as Role[]) {
    const kp = clientAuthKeyPair(sharedKey, role);
    clientAuthRows.push({
      sharedKey: toHex(sharedKey), role, secretKey: toHex(kp.secretKey), publicKey: toHex(kp.publicKey),
      publicKeyText: clientAuthPublicKeyText(kp.publicKey),
    });
  }
}
write('client-auth.json', clientAuthRows);

const seqs = [0, 1, 252, 253, 65_535, 65_536, 4_294_967_295, 4_294_967_296, 1_767_225_600_000];
const recordRows = [];
for (let i = 0; i < seqs.length; i++) {
  const seed = det(`record/${i}`);
  const keyPair = recordKeyPair(seed);
  const value = det(`record-value/${i}`, [0, 1, 252, 253, 320, 1000, 17, 64, 320][i]!);
  const seq = seqs[i]!;
  recordRows.push({
    seed: toHex(seed), publicKey: toHex(keyPair.publicKey), seq, value: toHex(value),
    signable: toHex(mutableSignable(seq, value)), signature: toHex(signRecord(keyPair, seq, value)),
  });
}
write('mutable-records.json', recordRows);
