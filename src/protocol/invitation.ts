// Invitations (DESIGN D3, paper eq. 9: A -> B : E_B(S_A(K_AB))). One versioned byte format
// with two forms; the link and the QR carry the same bytes (see invitation-link.ts).
//
//   byte 0      version (1)
//   byte 1      form: 1 sealed, 2 open
//   sealed:     seal_B(K_AB(32) || A(32) || B(32) || expiry u64be ms || nameLen u8 || name padded to 64
//                      || ed25519 signature by A)                       -> fixed 283 bytes in total
//   open:       A(32) || s(32) || expiry u64be ms || nameLen u8 || name || signature by A  -> 139 + nameLen
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
import { openSeal, SEAL_OVERHEAD, sealWithSeed } from './seal.ts';
import { sodium } from './sodium.ts';

export const INVITATION_VERSION = 1;
export const INVITATION_FORM_SEALED = 1;
export const INVITATION_FORM_OPEN = 2;
export const MAX_INVITER_NAME_BYTES = 64;

const SEALED_SIGN_LABEL = label('sotto/invite/sealed/v1');
const OPEN_SIGN_LABEL = label('sotto/invite/open/v1');
const SIGNATURE_BYTES = 64;
const HEADER_BYTES = 2;
/** K || A || B || expiry || nameLen || padded name. */
const SEALED_FIELDS_BYTES = 32 + 32 + 32 + 8 + 1 + MAX_INVITER_NAME_BYTES;
const SEALED_PLAINTEXT_BYTES = SEALED_FIELDS_BYTES + SIGNATURE_BYTES;
export const SEALED_INVITATION_BYTES = HEADER_BYTES + SEAL_OVERHEAD + SEALED_PLAINTEXT_BYTES;
/** A || s || expiry || nameLen (name and signature follow). */
const OPEN_FIXED_BYTES = 32 + 32 + 8 + 1;
export const MIN_OPEN_INVITATION_BYTES = HEADER_BYTES + OPEN_FIXED_BYTES + SIGNATURE_BYTES;
export const MAX_INVITATION_BYTES = Math.max(SEALED_INVITATION_BYTES, MIN_OPEN_INVITATION_BYTES + MAX_INVITER_NAME_BYTES);

/** A sealed invitation as transported: opaque until its recipient opens it. */
export interface SealedInvitation {
  readonly form: 'sealed';
  readonly version: number;
  /** epk || box, SEAL_OVERHEAD + plaintext bytes. */
  readonly sealed: Uint8Array;
}

/** An open invitation; decoding has already checked its signature. */
export interface OpenInvitation {
  readonly form: 'open';
  readonly version: number;
  readonly inviterPublicKey: Uint8Array;
  /** One-time secret s: the bootstrap K until upgradeSharedKey replaces it. */
  readonly secret: Uint8Array;
  /** Unix milliseconds; redeemable while now < expiresAt. */
  readonly expiresAt: number;
  readonly inviterName: string;
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
}

function header(form: number): Uint8Array {
  return Uint8Array.of(INVITATION_VERSION, form);
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
}

export function createSealedInvitation(input: SealedInvitationInput): SealedInvitation {
  const { inviter, recipientPublicKey, sharedKey, expiresAt, inviterName, ephemeralSeed } = input;
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
  );
  const signature = sodium().crypto_sign_detached(concatBytes(SEALED_SIGN_LABEL, header(INVITATION_FORM_SEALED), fields), inviter.secretKey);
  const sealed = sealWithSeed(concatBytes(fields, signature), x25519PublicKey(recipientPublicKey), ephemeralSeed);
  return { form: 'sealed', version: INVITATION_VERSION, sealed };
}

/**
 * Opens a sealed invitation with the recipient's identity. Rejects: DECRYPT_FAILED (not sealed
 * to this key, or damaged), BAD_SIGNATURE, WRONG_RECIPIENT (re-sealed from someone else's
 * invitation), EXPIRED (now >= expiry).
 */
export function openSealedInvitation(invitation: SealedInvitation, recipient: Identity, now: number): OpenedSealedInvitation {
  if (invitation.form !== 'sealed') throw ProtocolError.BAD_TYPE('invitation form', String(invitation.form));
  if (invitation.sealed.length !== SEAL_OVERHEAD + SEALED_PLAINTEXT_BYTES) {
    throw ProtocolError.BAD_LENGTH('sealed invitation', SEAL_OVERHEAD + SEALED_PLAINTEXT_BYTES, invitation.sealed.length);
  }
  const plain = openSeal(invitation.sealed, x25519KeyPair(recipient), 'sealed invitation');
  if (plain.length !== SEALED_PLAINTEXT_BYTES) throw ProtocolError.BAD_LENGTH('sealed invitation payload');
  const fields = plain.subarray(0, SEALED_FIELDS_BYTES);
  const signature = plain.subarray(SEALED_FIELDS_BYTES);
  const sharedKey = plain.slice(0, 32);
  const inviterPublicKey = plain.slice(32, 64);
  const recipientPublicKey = plain.slice(64, 96);
  const signed = concatBytes(SEALED_SIGN_LABEL, header(INVITATION_FORM_SEALED), fields);
  if (!sodium().crypto_sign_verify_detached(signature, signed, inviterPublicKey)) throw ProtocolError.BAD_SIGNATURE('sealed invitation');
  if (!equalBytes(recipientPublicKey, recipient.publicKey)) throw ProtocolError.WRONG_RECIPIENT('sealed invitation');
  const expiresAt = readU64be(plain, 96, 'invitation expiry');
  const nameLength = plain[104]!;
  if (nameLength > MAX_INVITER_NAME_BYTES) throw ProtocolError.OUT_OF_RANGE('inviter name length');
  const paddedName = plain.subarray(105, 105 + MAX_INVITER_NAME_BYTES);
  if (paddedName.subarray(nameLength).some((b) => b !== 0)) throw ProtocolError.BAD_ENCODING('inviter name padding');
  const inviterName = utf8Decode(paddedName.subarray(0, nameLength), 'inviter name');
  checkNotExpired(expiresAt, now);
  return { sharedKey, inviterPublicKey, recipientPublicKey, expiresAt, inviterName };
}

export interface OpenInvitationInput {
  readonly inviter: Identity;
  /** One-time secret s: 32 fresh random bytes from the caller. */
  readonly secret: Uint8Array;
  readonly expiresAt: number;
  readonly inviterName: string;
}

function openSignedBytes(fields: Uint8Array): Uint8Array {
  return concatBytes(OPEN_SIGN_LABEL, header(INVITATION_FORM_OPEN), fields);
}

function openFields(inviterPublicKey: Uint8Array, secret: Uint8Array, expiresAt: number, name: Uint8Array): Uint8Array {
  return concatBytes(inviterPublicKey, secret, u64be(expiresAt, 'expiry'), u8(name.length), name);
}

export function createOpenInvitation(input: OpenInvitationInput): OpenInvitation {
  const { inviter, secret, expiresAt, inviterName } = input;
  expectBytes(inviter.publicKey, 32, 'inviter public key');
  expectBytes(inviter.secretKey, 64, 'inviter secret key');
  expectBytes(secret, 32, 'invitation secret');
  const name = encodeName(inviterName);
  const fields = openFields(inviter.publicKey, secret, expectTime(expiresAt, 'expiry'), name);
  const signature = sodium().crypto_sign_detached(openSignedBytes(fields), inviter.secretKey);
  return {
    form: 'open', version: INVITATION_VERSION, inviterPublicKey: inviter.publicKey.slice(), secret: secret.slice(),
    expiresAt, inviterName, signature,
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
  if (invitation.version !== INVITATION_VERSION) throw ProtocolError.BAD_VERSION('invitation', invitation.version);
  if (invitation.form === 'sealed') {
    expectBytes(invitation.sealed, SEAL_OVERHEAD + SEALED_PLAINTEXT_BYTES, 'sealed invitation');
    return concatBytes(header(INVITATION_FORM_SEALED), invitation.sealed);
  }
  if (invitation.form === 'open') {
    const name = encodeName(invitation.inviterName);
    expectBytes(invitation.signature, SIGNATURE_BYTES, 'invitation signature');
    return concatBytes(
      header(INVITATION_FORM_OPEN),
      openFields(expectBytes(invitation.inviterPublicKey, 32, 'inviter public key'), expectBytes(invitation.secret, 32, 'invitation secret'),
        expectTime(invitation.expiresAt, 'expiry'), name),
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
  const version = bytes[0]!;
  if (version !== INVITATION_VERSION) throw ProtocolError.BAD_VERSION('invitation', version);
  const form = bytes[1]!;
  if (form === INVITATION_FORM_SEALED) {
    if (bytes.length !== SEALED_INVITATION_BYTES) throw ProtocolError.BAD_LENGTH('sealed invitation', SEALED_INVITATION_BYTES, bytes.length);
    return { form: 'sealed', version, sealed: bytes.slice(HEADER_BYTES) };
  }
  if (form !== INVITATION_FORM_OPEN) throw ProtocolError.BAD_TYPE('invitation form', form);
  if (bytes.length < MIN_OPEN_INVITATION_BYTES) throw ProtocolError.BAD_LENGTH('open invitation');
  const nameLength = bytes[HEADER_BYTES + 72]!;
  if (nameLength > MAX_INVITER_NAME_BYTES) throw ProtocolError.OUT_OF_RANGE('inviter name length');
  const expectedLength = MIN_OPEN_INVITATION_BYTES + nameLength;
  if (bytes.length !== expectedLength) throw ProtocolError.BAD_LENGTH('open invitation', expectedLength, bytes.length);
  const fields = bytes.subarray(HEADER_BYTES, HEADER_BYTES + OPEN_FIXED_BYTES + nameLength);
  const signature = bytes.slice(HEADER_BYTES + OPEN_FIXED_BYTES + nameLength);
  const inviterPublicKey = fields.slice(0, 32);
  // Verify before interpreting any field: an unsigned open invitation is not an invitation.
  if (!sodium().crypto_sign_verify_detached(signature, openSignedBytes(fields), inviterPublicKey)) {
    throw ProtocolError.BAD_SIGNATURE('open invitation');
  }
  return {
    form: 'open',
    version,
    inviterPublicKey,
    secret: fields.slice(32, 64),
    expiresAt: readU64be(fields, 64, 'invitation expiry'),
    inviterName: utf8Decode(fields.subarray(OPEN_FIXED_BYTES), 'inviter name'),
    signature,
  };
}
