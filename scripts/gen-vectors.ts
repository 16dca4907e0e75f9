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
import {
  issueSessionTicket, encodeSessionTicket, encodeGroupFrame, type GroupFrame, type SessionFrame,
} from '../src/protocol/index.ts';
import { takenRecords, takenRedeemerTag } from '../src/protocol/index.ts';

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
// Version 2 (gateway lists): rows added after the v1 ones, which stay byte for byte; the same
// people with 0, 1 and the maximum of 4 gateways, one of them on another port than 80.
const sealedV2 = [];
const openV2 = [];
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
  const gateways: InvitationGateway[] = Array.from({ length: [0, 1, 4][i]! }, (_, g) => ({
    onion: onionAddressFromPublicKey(identityFromSeed(det(`gateway/${i}/${g}`)).publicKey), port: g === 1 ? 9001 : 80,
  }));
  const gatewayUrls = gateways.map(gatewayUrl);
  const ephemeralSeedV2 = det(`ephemeral-v2/${i}`);
  const secretV2 = det(`secret-v2/${i}`);
  const s2 = createSealedInvitation({
    inviter, recipientPublicKey: recipient.publicKey, sharedKey, expiresAt, inviterName, ephemeralSeed: ephemeralSeedV2, gateways,
  });
  sealedV2.push({
    inviterSeed: toHex(inviterSeed), inviterPublicKey: toHex(inviter.publicKey),
    recipientSeed: toHex(recipientSeed), recipientPublicKey: toHex(recipient.publicKey),
    sharedKey: toHex(sharedKey), expiresAt, inviterName, ephemeralSeed: toHex(ephemeralSeedV2), gateways: gatewayUrls,
    bytes: toHex(encodeInvitationBytes(s2)), link: encodeInvitation(s2),
  });
  const o2 = createOpenInvitation({ inviter, secret: secretV2, expiresAt, inviterName, gateways });
  openV2.push({
    inviterSeed: toHex(inviterSeed), inviterPublicKey: toHex(inviter.publicKey), secret: toHex(secretV2), expiresAt, inviterName,
    gateways: gatewayUrls, bytes: toHex(encodeInvitationBytes(o2)), link: encodeInvitation(o2),
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

// Multi-party sessions (docs/PROTOCOL.md "Multi-party sessions"): tickets re-signed from their
// inputs (ed25519 is deterministic), and one frame of every type plus refused payloads.
const ticketRows = [];
for (let i = 0; i < 3; i++) {
  const issuerSeed = det(`ticket-issuer/${i}`);
  const issuer = identityFromSeed(issuerSeed);
  const sessionId = det(`ticket-session/${i}`, 16);
  const member = identityFromSeed(det(`ticket-member/${i}`)).publicKey;
  const clientAuthKey = det(`ticket-client-auth/${i}`);
  const epoch = [1, 65_536, 4_294_967_295][i]!;
  const ticket = issueSessionTicket({ sessionId, member, issuer, clientAuthKey, epoch });
  ticketRows.push({
    issuerSeed: toHex(issuerSeed), issuer: toHex(issuer.publicKey), sessionId: toHex(sessionId), member: toHex(member),
    clientAuthKey: toHex(clientAuthKey), epoch, ticket: toHex(encodeSessionTicket(ticket)),
  });
}
write('session-tickets.json', ticketRows);

/** A frame as JSON: byte fields in hex, a ticket as its 181 encoded bytes in hex. */
function groupJson(frame: GroupFrame): unknown {
  return hexJson('ticket' in frame ? { ...frame, ticket: encodeSessionTicket(frame.ticket) } : frame);
}
function hexJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return toHex(value);
  if (Array.isArray(value)) return value.map(hexJson);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hexJson(v)]));
  return value;
}
const gSession = det('group-session', 16);
const [gA, gB, gC] = [0, 1, 2].map((i) => identityFromSeed(det(`group-member/${i}`)));
const gAuth = (i: number): Uint8Array => det(`group-member-client-auth/${i}`);
const gTicket = issueSessionTicket({ sessionId: gSession, member: gC!.publicKey, issuer: gB!, clientAuthKey: det('group-client-auth'), epoch: 2 });
const gFrames: { name: string; frame: GroupFrame }[] = [
  { name: 'message', frame: { type: 'message', sessionId: gSession, id: det('group-message', 16), lamport: 7, sentAt: 1_767_225_600_000, body: 'Hi all 🦊\nsecond line' } },
  { name: 'invite', frame: { type: 'invite', sessionId: gSession, title: 'Zoë’s plans', members: [{ member: gA!.publicKey, clientAuthKey: gAuth(0) }, { member: gB!.publicKey, clientAuthKey: gAuth(1) }] } },
  { name: 'join with an endpoint', frame: { type: 'join', sessionId: gSession, clientAuthKey: det('group-client-auth'), endpoint: { onionKey: det('group-onion/2'), port: 443 } } },
  { name: 'join without an endpoint', frame: { type: 'join', sessionId: gSession, clientAuthKey: det('group-client-auth'), endpoint: null } },
  { name: 'reject', frame: { type: 'reject', sessionId: gSession } },
  {
    name: 'members (hand-over)',
    frame: {
      type: 'members', sessionId: gSession, coordinator: gA!.publicKey, epoch: 2, lamport: 7, ticket: gTicket,
      members: [
        { member: gA!.publicKey, clientAuthKey: gAuth(0), endpoint: { onionKey: det('group-onion/0'), port: 1 } },
        { member: gB!.publicKey, clientAuthKey: gAuth(1), endpoint: null },
      ],
    },
  },
  { name: 'ticket announced with the newcomer\'s endpoint', frame: { type: 'ticket', sessionId: gSession, ticket: gTicket, endpoint: { onionKey: det('group-onion/2'), port: 443 } } },
  { name: 'ticket presented', frame: { type: 'ticket', sessionId: gSession, ticket: gTicket, endpoint: null } },
  { name: 'admit', frame: { type: 'admit', sessionId: gSession, epoch: 2 } },
  { name: 'complete', frame: { type: 'complete', sessionId: gSession, epoch: 2 } },
  { name: 'token-request', frame: { type: 'token-request', sessionId: gSession, seq: 1 } },
  { name: 'token-grant', frame: { type: 'token-grant', sessionId: gSession, seq: 1, epoch: 3 } },
  { name: 'token-redirect', frame: { type: 'token-redirect', sessionId: gSession, seq: 1, coordinator: gB!.publicKey } },
  { name: 'token-release', frame: { type: 'token-release', sessionId: gSession, epoch: 3 } },
  { name: 'leave of a coordinator', frame: { type: 'leave', sessionId: gSession, successor: gB!.publicKey, tokenHolder: gC!.publicKey, epoch: 3 } },
  { name: 'leave of a member', frame: { type: 'leave', sessionId: gSession, successor: null, tokenHolder: null, epoch: 3 } },
  { name: 'endpoint re-created', frame: { type: 'endpoint', sessionId: gSession, endpoint: { onionKey: det('group-onion/3'), port: 1 } } },
  { name: 'endpoint closed', frame: { type: 'endpoint', sessionId: gSession, endpoint: null } },
];
const gValid = gFrames.map(({ name, frame }) => {
  const link: SessionFrame = encodeGroupFrame(frame);
  return { name, frame: groupJson(frame), kind: link.kind, hex: toHex(link.payload) };
});
const gHead = `01${'09'}${toHex(gSession)}`; // version 1, token-request
const gInvalid = [
  { name: 'empty payload (a pairing leave)', kind: 'leave', hex: '', code: 'BAD_LENGTH' },
  { name: 'version 2', kind: 'ticket', hex: `02${gHead.slice(2)}00000001`, code: 'BAD_VERSION' },
  { name: 'type 0x00', kind: 'ticket', hex: `0100${toHex(gSession)}`, code: 'BAD_TYPE' },
  { name: 'type 0x0e (unknown)', kind: 'ticket', hex: `010e${toHex(gSession)}`, code: 'BAD_TYPE' },
  { name: 'token-request under kind invite', kind: 'invite', hex: `${gHead}00000001`, code: 'BAD_TYPE' },
  { name: 'token-request truncated', kind: 'ticket', hex: `${gHead}000000`, code: 'BAD_LENGTH' },
  { name: 'token-request with a trailing byte', kind: 'ticket', hex: `${gHead}0000000100`, code: 'BAD_LENGTH' },
  { name: 'leave successor flag 2', kind: 'leave', hex: `010d${toHex(gSession)}020000000003`, code: 'OUT_OF_RANGE' },
  { name: 'leave with a holder but no successor', kind: 'leave', hex: `010d${toHex(gSession)}0001${toHex(gC!.publicKey)}00000003`, code: 'OUT_OF_RANGE' },
  { name: 'join endpoint port 0', kind: 'accept', hex: `0103${toHex(gSession)}${toHex(det('group-client-auth'))}01${toHex(det('group-onion/2'))}0000`, code: 'OUT_OF_RANGE' },
  { name: 'message with an empty body', kind: 'ticket', hex: `0101${toHex(gSession)}${toHex(det('group-message', 16))}${'00'.repeat(16)}0000`, code: 'OUT_OF_RANGE' },
  { name: 'invite with no members', kind: 'invite', hex: `0102${toHex(gSession)}000000`, code: 'OUT_OF_RANGE' },
  { name: 'invite listing a member twice', kind: 'invite', hex: `0102${toHex(gSession)}000002${toHex(gA!.publicKey)}${toHex(gAuth(0))}${toHex(gA!.publicKey)}${toHex(gAuth(0))}`, code: 'BAD_KEY' },
];
const forgedTicket = encodeSessionTicket(gTicket);
forgedTicket.set(gA!.publicKey, 17); // member rewritten: the issuer's signature no longer covers it
gInvalid.push({ name: 'ticket with a rewritten member (forged)', kind: 'ticket', hex: `0106${toHex(gSession)}${toHex(forgedTicket)}00`, code: 'BAD_SIGNATURE' });
write('group-frames.json', {
  description: 'Multi-party session frames (docs/PROTOCOL.md "Multi-party sessions"): the payload of a link session frame of the given kind. valid: decodeGroupFrame({kind, payload: hex}) == frame (byte fields hex, tickets as their encoded hex) and encodeGroupFrame(frame) == {kind, hex}. invalid: decodeGroupFrame throws ProtocolError with code.',
  valid: gValid,
  invalid: gInvalid,
});

// The "taken" tombstone of an open invitation (docs/PROTOCOL.md "Invitation taken tombstone").
const takenRows = [];
for (let i = 0; i < 3; i++) {
  const secret = det(`taken/secret/${i}`);
  const inviterSeed = det(`taken/inviter/${i}`);
  const seq = 1_764_000_000_000 + i * 3_600_123;
  const nonces = [0, 1, 2].map((I) => det(`taken/nonce/${i}/${I}`, 24));
  const sharedKey = det(`taken/shared-key/${i}`);
  const redeemerTag = takenRedeemerTag(sharedKey);
  const records = takenRecords({ secret, inviter: identityFromSeed(inviterSeed), redeemerTag, seq, nonces });
  takenRows.push({
    secret: toHex(secret), inviterSeed: toHex(inviterSeed), inviterPublicKey: toHex(identityFromSeed(inviterSeed).publicKey), seq,
    sharedKey: toHex(sharedKey), redeemerTag: toHex(redeemerTag),
    replicas: records.map((r, I) => ({ index: I, nonce: toHex(nonces[I]!), publicKey: toHex(r.publicKey), value: toHex(r.value), signature: toHex(r.signature) })),
  });
}
write('invitation-taken.json', takenRows);
