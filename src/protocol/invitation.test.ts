import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import sodium from 'libsodium-wrappers-sumo';
import {
  ready, identityFromSeed, createSealedInvitation, openSealedInvitation, createOpenInvitation, checkOpenInvitation,
  encodeInvitation, decodeInvitation, encodeInvitationBytes, upgradeSharedKey, toHex, toBase64Url,
  SEALED_INVITATION_BYTES, type SealedInvitation,
} from './index.ts';
import { openSeal, sealWithSeed } from './seal.ts';
import { x25519KeyPair, x25519PublicKey } from './identity.ts';

const NOW = 1_767_225_600_000;
const DAY = 86_400_000;

before(async () => {
  await ready();
});

function people() {
  return { alice: identityFromSeed(randomBytes(32)), bob: identityFromSeed(randomBytes(32)), carol: identityFromSeed(randomBytes(32)) };
}

function sealedFor(inviter: ReturnType<typeof identityFromSeed>, recipientPublicKey: Uint8Array, sharedKey = randomBytes(32)): SealedInvitation {
  return createSealedInvitation({ inviter, recipientPublicKey, sharedKey, expiresAt: NOW + DAY, inviterName: 'Alice', ephemeralSeed: randomBytes(32) });
}

test('sealed invitation: Bob opens it from the link; K_AB, Alice and expiry come back', () => {
  const { alice, bob } = people();
  const k = randomBytes(32);
  const invitation = sealedFor(alice, bob.publicKey, k);
  assert.equal(encodeInvitationBytes(invitation).length, SEALED_INVITATION_BYTES);
  const link = encodeInvitation(invitation);
  assert.match(link, /^sotto:\/\/invite\/v1#[A-Za-z0-9_-]+$/);
  const decoded = decodeInvitation(link);
  assert.equal(decoded.form, 'sealed');
  const opened = openSealedInvitation(decoded as SealedInvitation, bob, NOW);
  assert.equal(toHex(opened.sharedKey), toHex(k));
  assert.equal(toHex(opened.inviterPublicKey), toHex(alice.publicKey));
  assert.equal(opened.expiresAt, NOW + DAY);
  assert.equal(opened.inviterName, 'Alice');
});

test('sealed invitation: same inputs give the same bytes; another seed gives other bytes', () => {
  const { alice, bob } = people();
  const input = { inviter: alice, recipientPublicKey: bob.publicKey, sharedKey: randomBytes(32), expiresAt: NOW, inviterName: 'A', ephemeralSeed: randomBytes(32) };
  assert.equal(encodeInvitation(createSealedInvitation(input)), encodeInvitation(createSealedInvitation(input)));
  assert.notEqual(encodeInvitation(createSealedInvitation({ ...input, ephemeralSeed: randomBytes(32) })), encodeInvitation(createSealedInvitation(input)));
});

test('sealed invitation: expired, sealed to someone else, forwarded, or forged signature are rejected', () => {
  const { alice, bob, carol } = people();
  const invitation = sealedFor(alice, bob.publicKey);
  assert.throws(() => openSealedInvitation(invitation, bob, NOW + DAY), { code: 'EXPIRED' });
  assert.throws(() => openSealedInvitation(invitation, carol, NOW), { code: 'DECRYPT_FAILED' });

  // Surreptitious forwarding: Carol opens an invitation Alice wrote for her and re-seals it to Bob.
  const forCarol = sealedFor(alice, carol.publicKey);
  const inner = openSeal(forCarol.sealed, x25519KeyPair(carol), 'test');
  const forwarded: SealedInvitation = { form: 'sealed', version: 1, sealed: sealWithSeed(inner, x25519PublicKey(bob.publicKey), randomBytes(32)) };
  assert.throws(() => openSealedInvitation(forwarded, bob, NOW), { code: 'WRONG_RECIPIENT' });

  // Carol edits the expiry of a payload and re-seals it: Alice's signature no longer holds.
  const tampered = Uint8Array.from(inner);
  tampered[100] = tampered[100]! ^ 1;
  const forged: SealedInvitation = { form: 'sealed', version: 1, sealed: sealWithSeed(tampered, x25519PublicKey(carol.publicKey), randomBytes(32)) };
  assert.throws(() => openSealedInvitation(forged, carol, NOW), { code: 'BAD_SIGNATURE' });
});

test('the seal is libsodium crypto_box_seal: each side opens the other', () => {
  const { bob } = people();
  const bx = x25519KeyPair(bob);
  const message = randomBytes(100);
  const ours = sealWithSeed(message, bx.publicKey, randomBytes(32));
  assert.equal(toHex(sodium.crypto_box_seal_open(ours, bx.publicKey, bx.secretKey)), toHex(message));
  const theirs = sodium.crypto_box_seal(message, bx.publicKey);
  assert.equal(toHex(openSeal(theirs, bx, 'test')), toHex(message));
});

test('open invitation: decodes with a verified signature; expiry and self-redemption are checked', () => {
  const { alice, bob } = people();
  const secret = randomBytes(32);
  const invitation = createOpenInvitation({ inviter: alice, secret, expiresAt: NOW + DAY, inviterName: 'Alice 🦊' });
  const decoded = decodeInvitation(encodeInvitation(invitation));
  assert.equal(decoded.form, 'open');
  if (decoded.form !== 'open') return;
  assert.equal(toHex(decoded.secret), toHex(secret));
  assert.equal(decoded.inviterName, 'Alice 🦊');
  assert.doesNotThrow(() => checkOpenInvitation(decoded, bob.publicKey, NOW));
  assert.throws(() => checkOpenInvitation(decoded, bob.publicKey, NOW + DAY), { code: 'EXPIRED' });
  assert.throws(() => checkOpenInvitation(decoded, alice.publicKey, NOW), { code: 'BAD_KEY' });
  assert.throws(() => createOpenInvitation({ inviter: alice, secret, expiresAt: NOW, inviterName: 'x'.repeat(65) }), { code: 'TOO_LARGE' });
});

test('invitation link: tolerant of wrapping and case of the scheme, strict about version and body', () => {
  const { alice } = people();
  const link = encodeInvitation(createOpenInvitation({ inviter: alice, secret: randomBytes(32), expiresAt: NOW, inviterName: 'A' }));
  const wrapped = `  ${link.slice(0, 40)}\n${link.slice(40, 90)}\r\n ${link.slice(90)} `;
  assert.equal(decodeInvitation(wrapped).form, 'open');
  assert.equal(decodeInvitation(link.replace('sotto://invite', 'SOTTO://INVITE')).form, 'open');
  assert.throws(() => decodeInvitation(link.replace('/v1#', '/v2#')), { code: 'BAD_VERSION' });
  assert.throws(() => decodeInvitation(link.replace('sotto://', 'https://')), { code: 'BAD_ENCODING' });
  assert.throws(() => decodeInvitation(`${link}=`), { code: 'BAD_ENCODING' });
  const bytes = encodeInvitationBytes(decodeInvitation(link));
  bytes[0] = 3;
  assert.throws(() => decodeInvitation(`sotto://invite/v1#${toBase64Url(bytes)}`), { code: 'BAD_VERSION' });
  assert.throws(() => decodeInvitation(link.replace('/v1#', '/v3#')), { code: 'BAD_VERSION' });
  bytes[0] = 1;
  bytes[1] = 9;
  assert.throws(() => decodeInvitation(bytes), { code: 'BAD_TYPE' });
});

test('upgradeSharedKey: both sides agree; differs from s and per peer; rejects oneself', () => {
  const { alice, bob, carol } = people();
  const s = randomBytes(32);
  const ab = upgradeSharedKey(s, alice, bob.publicKey);
  assert.equal(toHex(upgradeSharedKey(s, bob, alice.publicKey)), toHex(ab));
  assert.notEqual(toHex(ab), toHex(s));
  assert.notEqual(toHex(upgradeSharedKey(s, alice, carol.publicKey)), toHex(ab));
  // Someone who read the e-mail knows s and both public keys, but not a or b: with any other
  // identity of theirs they get a different key.
  assert.notEqual(toHex(upgradeSharedKey(s, carol, bob.publicKey)), toHex(ab));
  assert.throws(() => upgradeSharedKey(s, alice, alice.publicKey), { code: 'BAD_KEY' });
});
