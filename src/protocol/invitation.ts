// Invitations (DESIGN D3, paper eq. 9: A -> B : E_B(S_A(K_AB))). One versioned byte format
// with two forms; the link and the QR carry the same bytes (see invitation-link.ts).
//
//   byte 0      version (1 or 2)
//   byte 1      form: 1 sealed, 2 open
//   sealed:     seal_B(K_AB(32) || A(32) || B(32) || expiry u64be ms || nameLen u8 || name padded to 64
//                      [v2: || gateway list padded to 4 slots (137)]
//                      || ed25519 signature by A)        -> fixed 283 bytes in total (v2: 420)
//   open:       A(32) || s(32) || expiry u64be ms || nameLen u8 || name [v2: || gateway list]
//               || signature by A                        -> 139 + nameLen (v2: + 1 + 34 per gateway)
//
// v2 adds the inviter's registry gateways (invitation-gateways.ts) inside the signed part, so an
// invitee without gateways of their own gets working ones and nobody on the way can swap them.
// Both versions are accepted; a new invitation is v2 when its creator passes a gateway list.
//
// Signatures cover a domain label, the two header bytes and every field before them, so a form
// or version cannot be swapped and any flipped bit is rejected (the open form has no other
// integrity check). B inside the sealed payload stops surreptitious forwarding: C cannot
// re-seal an invitation A wrote for C to someone else.
import {
  concatBytes, equalBytes, expectBytes, readU64be, u64be, u8, utf8Decode, utf8Encode,
} from './bytes.ts';
import { ProtocolError } from './errors.ts';
import { label } from './hash.ts';
import { type Identity, x25519KeyPair, x25519PublicKey } from './identity.ts';
import {
  decodeGatewayList, encodeGatewayList, gatewayListBytes, PADDED_GATEWAY_LIST_BYTES, MAX_INVITATION_GATEWAYS,
  INVITATION_GATEWAY_BYTES, type InvitationGateway,
} from './invitation-gateways.ts';
import { openSeal, SEAL_OVERHEAD, sealWithSeed } from './seal.ts';
import { sodium } from './sodium.ts';

/** The newest version: what an invitation with a gateway list is written in. */
export const INVITATION_VERSION = 2;
export const INVITATION_VERSIONS = [1, 2] as const;
export type InvitationVersion = (typeof INVITATION_VERSIONS)[number];
export const INVITATION_FORM_SEALED = 1;
export const INVITATION_FORM_OPEN = 2;
export const MAX_INVITER_NAME_BYTES = 64;

const SIGN_LABELS: Record<InvitationVersion, { sealed: Uint8Array; open: Uint8Array }> = {
  1: { sealed: label('sotto/invite/sealed/v1'), open: label('sotto/invite/open/v1') },
  2: { sealed: label('sotto/invite/sealed/v2'), open: label('sotto/invite/open/v2') },
};
const SIGNATURE_BYTES = 64;
const HEADER_BYTES = 2;
/** K || A || B || expiry || nameLen || padded name. */
const SEALED_V1_FIELDS_BYTES = 32 + 32 + 32 + 8 + 1 + MAX_INVITER_NAME_BYTES;
const SEALED_NAME_END = SEALED_V1_FIELDS_BYTES;

function sealedFieldsBytes(version: InvitationVersion): number {
  return SEALED_V1_FIELDS_BYTES + (version === 2 ? PADDED_GATEWAY_LIST_BYTES : 0);
}
function sealedPlaintextBytes(version: InvitationVersion): number {
  return sealedFieldsBytes(version) + SIGNATURE_BYTES;
}
/** The sealed form has one size per version whatever the name or the number of gateways. */
export function sealedInvitationBytes(version: InvitationVersion): number {
  return HEADER_BYTES + SEAL_OVERHEAD + sealedPlaintextBytes(version);
}
/** Version 1 (kept: the size older links have). */
export const SEALED_INVITATION_BYTES = sealedInvitationBytes(1);
/** A || s || expiry || nameLen (name, v2's gateway list and the signature follow). */
const OPEN_FIXED_BYTES = 32 + 32 + 8 + 1;
export const MIN_OPEN_INVITATION_BYTES = HEADER_BYTES + OPEN_FIXED_BYTES + SIGNATURE_BYTES;
export const MAX_INVITATION_BYTES = Math.max(
  sealedInvitationBytes(2), MIN_OPEN_INVITATION_BYTES + MAX_INVITER_NAME_BYTES + 1 + MAX_INVITATION_GATEWAYS * INVITATION_GATEWAY_BYTES,
);

/** A sealed invitation as transported: opaque until its recipient opens it. */
export interface SealedInvitation {
  readonly form: 'sealed';
  readonly version: InvitationVersion;
  /** epk || box, SEAL_OVERHEAD + plaintext bytes. */
  readonly sealed: Uint8Array;
}

/** An open invitation; decoding has already checked its signature. */
export interface OpenInvitation {
  readonly form: 'open';
  readonly version: InvitationVersion;
  readonly inviterPublicKey: Uint8Array;
  /** One-time secret s: the bootstrap K until upgradeSharedKey replaces it. */
  readonly secret: Uint8Array;
  /** Unix milliseconds; redeemable while now < expiresAt. */
  readonly expiresAt: number;
  readonly inviterName: string;
  /** The inviter's registry gateways (v2; empty in v1). */
  readonly gateways: readonly InvitationGateway[];
  readonly signature: Uint8Array;
}

export type Invitation = SealedInvitation | OpenInvitation;

/** What the recipient learns from a sealed invitation. */
export interface OpenedSealedInvitation {
  readonly sharedKey: Uint8Array;
  readonly inviterPublicKey: Uint8Array;
  readonly recipientPublicKey: Uint8Array;
  readonly expiresAt: number;
  readonly inviterName: string;
  /** The inviter's registry gateways (v2; empty in v1). */
  readonly gateways: readonly InvitationGateway[];
}

function header(version: InvitationVersion, form: number): Uint8Array {
  return Uint8Array.of(version, form);
}

function checkVersion(version: unknown, what: string): InvitationVersion {
  if (version !== 1 && version !== 2) throw ProtocolError.BAD_VERSION(what, Number(version));
  return version;
}

/** v2 when the creator gives a gateway list (even an empty one), v1 otherwise. */
function versionFor(gateways: readonly InvitationGateway[] | undefined): InvitationVersion {
  return gateways === undefined ? 1 : 2;
}

function encodeName(name: string): Uint8Array {
  if (typeof name !== 'string') throw ProtocolError.BAD_ENCODING('inviter name');
  const bytes = utf8Encode(name);
  if (bytes.length > MAX_INVITER_NAME_BYTES) throw ProtocolError.TOO_LARGE('inviter name', MAX_INVITER_NAME_BYTES);
  return bytes;
}

function expectTime(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw ProtocolError.OUT_OF_RANGE(what);
  return value;
}

function checkNotExpired(expiresAt: number, now: number): void {
  expectTime(now, 'now');
  if (now >= expiresAt) throw ProtocolError.EXPIRED('invitation');
}

export interface SealedInvitationInput {
  readonly inviter: Identity;
  readonly recipientPublicKey: Uint8Array;
  /** K_AB: 32 fresh random bytes from the caller. */
  readonly sharedKey: Uint8Array;
  readonly expiresAt: number;
  readonly inviterName: string;
  /** 32 fresh random bytes: seed of the seal's ephemeral X25519 key pair. */
  readonly ephemeralSeed: Uint8Array;
  /** The inviter's gateways, at most MAX_INVITATION_GATEWAYS: given, the invitation is v2. */
  readonly gateways?: readonly InvitationGateway[];
}

export function createSealedInvitation(input: SealedInvitationInput): SealedInvitation {
  const { inviter, recipientPublicKey, sharedKey, expiresAt, inviterName, ephemeralSeed, gateways } = input;
  const version = versionFor(gateways);
  expectBytes(inviter.publicKey, 32, 'inviter public key');
  expectBytes(inviter.secretKey, 64, 'inviter secret key');
  expectBytes(recipientPublicKey, 32, 'recipient public key');
  expectBytes(sharedKey, 32, 'shared key');
  if (equalBytes(inviter.publicKey, recipientPublicKey)) throw ProtocolError.BAD_KEY('an invitation to oneself');
  const name = encodeName(inviterName);
  const paddedName = new Uint8Array(MAX_INVITER_NAME_BYTES);
  paddedName.set(name);
  const fields = concatBytes(
    sharedKey, inviter.publicKey, recipientPublicKey, u64be(expectTime(expiresAt, 'expiry')), u8(name.length), paddedName,
    gateways === undefined ? new Uint8Array(0) : encodeGatewayList(gateways, true),
  );
  const signature = sodium().crypto_sign_detached(sealedSignedBytes(version, fields), inviter.secretKey);
  const sealed = sealWithSeed(concatBytes(fields, signature), x25519PublicKey(recipientPublicKey), ephemeralSeed);
  return { form: 'sealed', version, sealed };
}

function sealedSignedBytes(version: InvitationVersion, fields: Uint8Array): Uint8Array {
  return concatBytes(SIGN_LABELS[version].sealed, header(version, INVITATION_FORM_SEALED), fields);
}

/**
 * Opens a sealed invitation with the recipient's identity. Rejects: DECRYPT_FAILED (not sealed
 * to this key, or damaged), BAD_SIGNATURE, WRONG_RECIPIENT (re-sealed from someone else's
 * invitation), EXPIRED (now >= expiry).
 */
export function openSealedInvitation(invitation: SealedInvitation, recipient: Identity, now: number): OpenedSealedInvitation {
  if (invitation.form !== 'sealed') throw ProtocolError.BAD_TYPE('invitation form', String(invitation.form));
  const version = checkVersion(invitation.version, 'sealed invitation');
  const plaintextBytes = sealedPlaintextBytes(version);
  if (invitation.sealed.length !== SEAL_OVERHEAD + plaintextBytes) {
    throw ProtocolError.BAD_LENGTH('sealed invitation', SEAL_OVERHEAD + plaintextBytes, invitation.sealed.length);
  }
  const plain = openSeal(invitation.sealed, x25519KeyPair(recipient), 'sealed invitation');
  if (plain.length !== plaintextBytes) throw ProtocolError.BAD_LENGTH('sealed invitation payload');
  const fields = plain.subarray(0, sealedFieldsBytes(version));
  const signature = plain.subarray(sealedFieldsBytes(version));
  const sharedKey = plain.slice(0, 32);
  const inviterPublicKey = plain.slice(32, 64);
  const recipientPublicKey = plain.slice(64, 96);
  if (!sodium().crypto_sign_verify_detached(signature, sealedSignedBytes(version, fields), inviterPublicKey)) {
    throw ProtocolError.BAD_SIGNATURE('sealed invitation');
  }
  if (!equalBytes(recipientPublicKey, recipient.publicKey)) throw ProtocolError.WRONG_RECIPIENT('sealed invitation');
  const expiresAt = readU64be(plain, 96, 'invitation expiry');
  const nameLength = plain[104]!;
  if (nameLength > MAX_INVITER_NAME_BYTES) throw ProtocolError.OUT_OF_RANGE('inviter name length');
  const paddedName = plain.subarray(105, 105 + MAX_INVITER_NAME_BYTES);
  if (paddedName.subarray(nameLength).some((b) => b !== 0)) throw ProtocolError.BAD_ENCODING('inviter name padding');
  const inviterName = utf8Decode(paddedName.subarray(0, nameLength), 'inviter name');
  const gateways = version === 2 ? decodeGatewayList(fields.subarray(SEALED_NAME_END), true) : [];
  checkNotExpired(expiresAt, now);
  return { sharedKey, inviterPublicKey, recipientPublicKey, expiresAt, inviterName, gateways };
}

export interface OpenInvitationInput {
  readonly inviter: Identity;
  /** One-time secret s: 32 fresh random bytes from the caller. */
  readonly secret: Uint8Array;
  readonly expiresAt: number;
  readonly inviterName: string;
  /** The inviter's gateways, at most MAX_INVITATION_GATEWAYS: given, the invitation is v2. */
  readonly gateways?: readonly InvitationGateway[];
}

function openSignedBytes(version: InvitationVersion, fields: Uint8Array): Uint8Array {
  return concatBytes(SIGN_LABELS[version].open, header(version, INVITATION_FORM_OPEN), fields);
}

function openFields(
  version: InvitationVersion, inviterPublicKey: Uint8Array, secret: Uint8Array, expiresAt: number, name: Uint8Array,
  gateways: readonly InvitationGateway[],
): Uint8Array {
  if (version === 1 && gateways.length > 0) throw ProtocolError.BAD_VERSION('a gateway list in invitation', 1);
  return concatBytes(
    inviterPublicKey, secret, u64be(expiresAt, 'expiry'), u8(name.length), name,
    version === 2 ? encodeGatewayList(gateways, false) : new Uint8Array(0),
  );
}

export function createOpenInvitation(input: OpenInvitationInput): OpenInvitation {
  const { inviter, secret, expiresAt, inviterName } = input;
  const version = versionFor(input.gateways);
  const gateways = input.gateways ?? [];
  expectBytes(inviter.publicKey, 32, 'inviter public key');
  expectBytes(inviter.secretKey, 64, 'inviter secret key');
  expectBytes(secret, 32, 'invitation secret');
  const name = encodeName(inviterName);
  const fields = openFields(version, inviter.publicKey, secret, expectTime(expiresAt, 'expiry'), name, gateways);
  const signature = sodium().crypto_sign_detached(openSignedBytes(version, fields), inviter.secretKey);
  return {
    form: 'open', version, inviterPublicKey: inviter.publicKey.slice(), secret: secret.slice(),
    expiresAt, inviterName, gateways: gateways.map((g) => ({ ...g })), signature,
  };
}

/** Checks that an open invitation may still be redeemed by `ownPublicKey` at `now`. */
export function checkOpenInvitation(invitation: OpenInvitation, ownPublicKey: Uint8Array, now: number): OpenInvitation {
  if (invitation.form !== 'open') throw ProtocolError.BAD_TYPE('invitation form', String(invitation.form));
  if (equalBytes(invitation.inviterPublicKey, ownPublicKey)) throw ProtocolError.BAD_KEY('redeeming one\'s own invitation');
  checkNotExpired(invitation.expiresAt, now);
  return invitation;
}

export function encodeInvitationBytes(invitation: Invitation): Uint8Array {
  const version = checkVersion(invitation.version, 'invitation');
  if (invitation.form === 'sealed') {
    expectBytes(invitation.sealed, SEAL_OVERHEAD + sealedPlaintextBytes(version), 'sealed invitation');
    return concatBytes(header(version, INVITATION_FORM_SEALED), invitation.sealed);
  }
  if (invitation.form === 'open') {
    const name = encodeName(invitation.inviterName);
    expectBytes(invitation.signature, SIGNATURE_BYTES, 'invitation signature');
    return concatBytes(
      header(version, INVITATION_FORM_OPEN),
      openFields(version, expectBytes(invitation.inviterPublicKey, 32, 'inviter public key'), expectBytes(invitation.secret, 32, 'invitation secret'),
        expectTime(invitation.expiresAt, 'expiry'), name, invitation.gateways),
      invitation.signature,
    );
  }
  throw ProtocolError.BAD_TYPE('invitation form', String((invitation as { form: unknown }).form));
}

/** Strict decoder: exact lengths, known version and form; open invitations must verify. */
export function decodeInvitationBytes(bytes: Uint8Array): Invitation {
  if (!(bytes instanceof Uint8Array)) throw ProtocolError.BAD_ENCODING('invitation (not bytes)');
  if (bytes.length < HEADER_BYTES) throw ProtocolError.BAD_LENGTH('invitation');
  if (bytes.length > MAX_INVITATION_BYTES) throw ProtocolError.TOO_LARGE('invitation', MAX_INVITATION_BYTES);
  const version = checkVersion(bytes[0]!, 'invitation');
  const form = bytes[1]!;
  if (form === INVITATION_FORM_SEALED) {
    const expected = sealedInvitationBytes(version);
    if (bytes.length !== expected) throw ProtocolError.BAD_LENGTH('sealed invitation', expected, bytes.length);
    return { form: 'sealed', version, sealed: bytes.slice(HEADER_BYTES) };
  }
  if (form !== INVITATION_FORM_OPEN) throw ProtocolError.BAD_TYPE('invitation form', form);
  if (bytes.length < MIN_OPEN_INVITATION_BYTES) throw ProtocolError.BAD_LENGTH('open invitation');
  const nameLength = bytes[HEADER_BYTES + 72]!;
  if (nameLength > MAX_INVITER_NAME_BYTES) throw ProtocolError.OUT_OF_RANGE('inviter name length');
  const nameEnd = HEADER_BYTES + OPEN_FIXED_BYTES + nameLength;
  const listBytes = version === 2 ? gatewayListBytes(bytes, nameEnd) : 0;
  const expectedLength = nameEnd + listBytes + SIGNATURE_BYTES;
  if (bytes.length !== expectedLength) throw ProtocolError.BAD_LENGTH('open invitation', expectedLength, bytes.length);
  const fields = bytes.subarray(HEADER_BYTES, nameEnd + listBytes);
  const signature = bytes.slice(nameEnd + listBytes);
  const inviterPublicKey = fields.slice(0, 32);
  // Verify before interpreting any field: an unsigned open invitation is not an invitation.
  if (!sodium().crypto_sign_verify_detached(signature, openSignedBytes(version, fields), inviterPublicKey)) {
    throw ProtocolError.BAD_SIGNATURE('open invitation');
  }
  return {
    form: 'open',
    version,
    inviterPublicKey,
    secret: fields.slice(32, 64),
    expiresAt: readU64be(fields, 64, 'invitation expiry'),
    inviterName: utf8Decode(fields.subarray(OPEN_FIXED_BYTES, OPEN_FIXED_BYTES + nameLength), 'inviter name'),
    gateways: version === 2 ? decodeGatewayList(bytes.subarray(nameEnd, nameEnd + listBytes), false) : [],
    signature,
  };
}
