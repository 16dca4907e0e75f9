// Which of the two sides of a contact is role 0 and which is role 1. Roles pick the record
// key pair (registry), the onion endpoint's client-auth key and the registry value's AD, so
// both sides must agree on them without talking.
import { compareBytes, expectBytes } from './bytes.ts';
import { ProtocolError } from './errors.ts';

export type Role = 0 | 1;

/** Established contacts: role 0 is the lexicographically smaller identity public key. */
export function roleOf(ownPublicKey: Uint8Array, peerPublicKey: Uint8Array): Role {
  expectBytes(ownPublicKey, 32, 'own identity public key');
  expectBytes(peerPublicKey, 32, 'peer identity public key');
  const order = compareBytes(ownPublicKey, peerPublicKey);
  if (order === 0) throw ProtocolError.BAD_KEY('a contact with oneself');
  return order < 0 ? 0 : 1;
}

export type InvitationSide = 'inviter' | 'redeemer';

/**
 * During an open-invitation bootstrap (K = s) the inviter does not know the redeemer's key,
 * so roleOf cannot be computed: the inviter is role 0 and the redeemer role 1 until the key
 * upgrade, after which roleOf applies.
 */
export function bootstrapRole(side: InvitationSide): Role {
  if (side === 'inviter') return 0;
  if (side === 'redeemer') return 1;
  throw ProtocolError.BAD_TYPE('invitation side', String(side));
}

export function otherRole(role: Role): Role {
  return role === 0 ? 1 : 0;
}

export function expectRole(role: unknown): Role {
  if (role !== 0 && role !== 1) throw ProtocolError.OUT_OF_RANGE('role');
  return role;
}
