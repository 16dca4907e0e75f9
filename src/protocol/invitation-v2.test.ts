// Invitation format v2 (docs/PROTOCOL.md "Invitations"): the inviter's gateways inside the signed
// part, bounded, strictly decoded; v1 still read. The vectors of both are in vectors.test.ts.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  ready, identityFromSeed, createSealedInvitation, openSealedInvitation, createOpenInvitation, encodeInvitation, decodeInvitation,
  encodeInvitationBytes, decodeInvitationBytes, onionAddressFromPublicKey, parseGatewayUrl, gatewayUrl, sealedInvitationBytes,
  SEALED_INVITATION_BYTES, MAX_INVITATION_BYTES, type InvitationGateway, type SealedInvitation,
} from './index.ts';
import { openSeal, sealWithSeed } from './seal.ts';
import { x25519KeyPair, x25519PublicKey } from './identity.ts';

const NOW = 1_767_225_600_000;
const DAY = 86_400_000;

before(async () => {
  await ready();
});

function gateway(port = 80): InvitationGateway {
  return { onion: onionAddressFromPublicKey(randomBytes(32)), port };
}

test('gateway URL: typed forms normalise to http://<onion>:<port>; bad ones are refused with a code', () => {
  const g = gateway(8080);
  const id = g.onion.slice(0, -'.onion'.length);
  for (const typed of [`http://${id}.onion:8080`, ` ${id.toUpperCase()}.ONION:8080/ `, `${id}.onion:8080`]) {
    assert.equal(gatewayUrl(parseGatewayUrl(typed)), `http://${g.onion}:8080`);
  }
  assert.equal(gatewayUrl(parseGatewayUrl(`http://${id}.onion`)), `http://${g.onion}:80`);
  const typo = `${id.slice(0, 10)}${id[10] === 'a' ? 'b' : 'a'}${id.slice(11)}`;
  assert.throws(() => parseGatewayUrl(`http://${typo}.onion`), { code: 'BAD_CHECKSUM' });
  assert.throws(() => parseGatewayUrl(`http://${id.slice(1)}.onion`), { code: 'BAD_LENGTH' });
  assert.throws(() => parseGatewayUrl(`https://${id}.onion`), { code: 'BAD_ENCODING' });
  assert.throws(() => parseGatewayUrl(`http://${id}.onion/v1/get`), { code: 'BAD_ENCODING' });
  assert.throws(() => parseGatewayUrl('http://127.0.0.1:8080'), { code: 'BAD_ENCODING' });
  assert.throws(() => parseGatewayUrl(`http://${id}.onion:0`), { code: 'OUT_OF_RANGE' });
  assert.throws(() => parseGatewayUrl(`http://${id}.onion:65536`), { code: 'OUT_OF_RANGE' });
  assert.throws(() => parseGatewayUrl(''), { code: 'BAD_ENCODING' });
});

test('sealed v2: the gateways come back to the recipient; the size is fixed whatever the list', () => {
  const alice = identityFromSeed(randomBytes(32));
  const bob = identityFromSeed(randomBytes(32));
  const base = { inviter: alice, recipientPublicKey: bob.publicKey, sharedKey: randomBytes(32), expiresAt: NOW + DAY, inviterName: 'Alice', ephemeralSeed: randomBytes(32) };
  for (const gateways of [[], [gateway()], [gateway(), gateway(9001), gateway(), gateway(443)]]) {
    const invitation = createSealedInvitation({ ...base, gateways });
    assert.equal(invitation.version, 2);
    const link = encodeInvitation(invitation);
    assert.match(link, /^sotto:\/\/invite\/v2#[A-Za-z0-9_-]+$/);
    assert.equal(encodeInvitationBytes(invitation).length, sealedInvitationBytes(2));
    const opened = openSealedInvitation(decodeInvitation(link) as SealedInvitation, bob, NOW);
    assert.deepEqual(opened.gateways, gateways);
    assert.equal(opened.inviterName, 'Alice');
  }
  assert.ok(sealedInvitationBytes(2) <= MAX_INVITATION_BYTES);
  // Without a list it is still v1, byte-compatible with older apps.
  const v1 = createSealedInvitation(base);
  assert.equal(v1.version, 1);
  assert.equal(encodeInvitationBytes(v1).length, SEALED_INVITATION_BYTES);
  assert.deepEqual(openSealedInvitation(v1, bob, NOW).gateways, []);
});

test('sealed v2: a gateway swapped by whoever holds the payload breaks the signature; a v2 payload is not a v1 one', () => {
  const alice = identityFromSeed(randomBytes(32));
  const carol = identityFromSeed(randomBytes(32));
  const invitation = createSealedInvitation({
    inviter: alice, recipientPublicKey: carol.publicKey, sharedKey: randomBytes(32), expiresAt: NOW + DAY, inviterName: 'A',
    ephemeralSeed: randomBytes(32), gateways: [gateway()],
  });
  const inner = openSeal(invitation.sealed, x25519KeyPair(carol), 'test');
  const swapped = Uint8Array.from(inner);
  swapped.set(randomBytes(32), 169 + 1); // the first gateway's key, right after the padded name
  const resealed: SealedInvitation = { form: 'sealed', version: 2, sealed: sealWithSeed(swapped, x25519PublicKey(carol.publicKey), randomBytes(32)) };
  assert.throws(() => openSealedInvitation(resealed, carol, NOW), { code: 'BAD_SIGNATURE' });
  const relabelled: SealedInvitation = { form: 'sealed', version: 1, sealed: invitation.sealed };
  assert.throws(() => openSealedInvitation(relabelled, carol, NOW), { code: 'BAD_LENGTH' });
});

test('open v2: gateways decoded after the signature check; bounded to 4, no duplicates; tampering is caught', () => {
  const alice = identityFromSeed(randomBytes(32));
  const gateways = [gateway(), gateway(1234)];
  const invitation = createOpenInvitation({ inviter: alice, secret: randomBytes(32), expiresAt: NOW + DAY, inviterName: 'Alice', gateways });
  const decoded = decodeInvitation(encodeInvitation(invitation));
  assert.equal(decoded.version, 2);
  assert.ok(decoded.form === 'open');
  assert.deepEqual(decoded.gateways, gateways);

  const bytes = encodeInvitationBytes(invitation);
  const flipped = Uint8Array.from(bytes);
  flipped[2 + 73 + 5 + 1 + 33]! ^= 1; // the first gateway's port
  assert.throws(() => decodeInvitationBytes(flipped), { code: 'BAD_SIGNATURE' });
  const counted = Uint8Array.from(bytes);
  counted[2 + 73 + 5] = 5;
  assert.throws(() => decodeInvitationBytes(counted), { code: 'OUT_OF_RANGE' });
  const shorter = Uint8Array.from(bytes);
  shorter[2 + 73 + 5] = 1;
  assert.throws(() => decodeInvitationBytes(shorter), { code: 'BAD_LENGTH' });

  const five = [gateway(), gateway(), gateway(), gateway(), gateway()];
  assert.throws(() => createOpenInvitation({ inviter: alice, secret: randomBytes(32), expiresAt: NOW, inviterName: 'A', gateways: five }), { code: 'TOO_LARGE' });
  const twice = [gateways[0]!, gateways[0]!];
  assert.throws(() => createOpenInvitation({ inviter: alice, secret: randomBytes(32), expiresAt: NOW, inviterName: 'A', gateways: twice }), { code: 'BAD_ENCODING' });
  assert.throws(() => createOpenInvitation({ inviter: alice, secret: randomBytes(32), expiresAt: NOW, inviterName: 'A', gateways: [{ onion: 'x.onion', port: 80 }] }), { code: 'BAD_LENGTH' });
});

test('v1 and v2 links side by side: each read as its own version; a link whose path and bytes disagree is refused', () => {
  const alice = identityFromSeed(randomBytes(32));
  const input = { inviter: alice, secret: randomBytes(32), expiresAt: NOW + DAY, inviterName: 'A' };
  const v1 = encodeInvitation(createOpenInvitation(input));
  const v2 = encodeInvitation(createOpenInvitation({ ...input, gateways: [gateway()] }));
  assert.match(v1, /\/v1#/);
  assert.equal(decodeInvitation(v1).version, 1);
  assert.equal(decodeInvitation(v2).version, 2);
  assert.throws(() => decodeInvitation(v2.replace('/v2#', '/v1#')), { code: 'BAD_VERSION' });
});
