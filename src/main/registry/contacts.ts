// What the registry needs to know about a contact, and the own state, validated at the boundary
// (the core hands these over from the store and IPC).
import { RegistryError } from './errors.ts';
import { publicKeyFromOnionAddress, isProtocolError, type PresenceState, type Role } from './protocol.ts';

/** This profile's onion endpoint for one contact (DESIGN D5: one endpoint per contact or group). */
export interface OnionEndpoint {
  /** "<56 chars>.onion" or the bare ServiceID. */
  onion: string;
  /** Virtual port of the onion service. */
  port: number;
  /** Unix ms after which the endpoint is not served any more (rotation every 24 h). */
  expiresAt: number;
}

export interface RegistryContact {
  id: string;
  /** K_AB, or the open invitation's secret s during the bootstrap. */
  sharedKey: Uint8Array;
  ownRole: Role;
  peerRole: Role;
  /** Identity the peer's entries must be signed by; absent during the open-invitation bootstrap. */
  peerIdentityPk?: Uint8Array | undefined;
  /** false = invisible to this contact: a dummy takes the place of the real entry. */
  visible: boolean;
  /** Where this contact can reach us now; without one there is nothing real to publish. */
  endpoint?: OnionEndpoint | undefined;
  /**
   * Must be findable now: no link to this pairing (an invitation, a contact not met yet, a link
   * that dropped). Without a slot this hour it takes a free one at once (docs/PROTOCOL.md
   * "Registry schedule"); otherwise it waits for the next hour.
   */
  urgent?: boolean | undefined;
}

/** States a user picks. 'invisible' is not a wire state: it means "publish dummies only". */
export type OwnState = Exclude<PresenceState, 'gone'> | 'invisible';
export const OWN_STATES: readonly OwnState[] = ['online', 'away', 'busy', 'dnd', 'invisible'];

export interface CheckedContact extends RegistryContact {
  onionPublicKey: Uint8Array | null;
}

export function checkOwnState(state: unknown): OwnState {
  if (typeof state !== 'string' || !(OWN_STATES as readonly string[]).includes(state)) {
    throw RegistryError.BAD_INPUT(`own state must be one of ${OWN_STATES.join(', ')}`);
  }
  return state as OwnState;
}

export function checkContacts(list: unknown): CheckedContact[] {
  if (!Array.isArray(list)) throw RegistryError.BAD_INPUT('contacts must be an array');
  const seen = new Set<string>();
  return list.map((c: unknown, i) => {
    const where = `contact ${i}`;
    if (typeof c !== 'object' || c === null) throw RegistryError.BAD_INPUT(`${where} is not an object`);
    const o = c as Partial<RegistryContact>;
    if (typeof o.id !== 'string' || o.id.length === 0 || o.id.length > 200) throw RegistryError.BAD_INPUT(`${where}: id must be a non-empty string`);
    if (seen.has(o.id)) throw RegistryError.BAD_INPUT(`${where}: duplicate id ${o.id}`);
    seen.add(o.id);
    if (!(o.sharedKey instanceof Uint8Array) || o.sharedKey.length !== 32) throw RegistryError.BAD_INPUT(`${where}: sharedKey must be 32 bytes`);
    if (o.ownRole !== 0 && o.ownRole !== 1) throw RegistryError.BAD_INPUT(`${where}: ownRole must be 0 or 1`);
    if (o.peerRole !== 0 && o.peerRole !== 1) throw RegistryError.BAD_INPUT(`${where}: peerRole must be 0 or 1`);
    if (o.peerRole === o.ownRole) throw RegistryError.BAD_INPUT(`${where}: peerRole must differ from ownRole`);
    if (o.peerIdentityPk !== undefined && (!(o.peerIdentityPk instanceof Uint8Array) || o.peerIdentityPk.length !== 32)) {
      throw RegistryError.BAD_INPUT(`${where}: peerIdentityPk must be 32 bytes`);
    }
    if (typeof o.visible !== 'boolean') throw RegistryError.BAD_INPUT(`${where}: visible must be a boolean`);
    if (o.urgent !== undefined && typeof o.urgent !== 'boolean') throw RegistryError.BAD_INPUT(`${where}: urgent must be a boolean`);
    let onionPublicKey: Uint8Array | null = null;
    if (o.endpoint !== undefined) {
      const e = o.endpoint;
      if (typeof e !== 'object' || e === null) throw RegistryError.BAD_INPUT(`${where}: endpoint is not an object`);
      if (!Number.isInteger(e.port) || e.port < 1 || e.port > 65535) throw RegistryError.BAD_INPUT(`${where}: endpoint port out of range`);
      if (!Number.isSafeInteger(e.expiresAt) || e.expiresAt <= 0) throw RegistryError.BAD_INPUT(`${where}: endpoint expiresAt must be unix ms`);
      try {
        onionPublicKey = publicKeyFromOnionAddress(e.onion);
      } catch (err) {
        if (isProtocolError(err)) throw RegistryError.BAD_INPUT(`${where}: endpoint onion: ${err.message}`);
        throw err;
      }
    }
    return {
      id: o.id,
      sharedKey: o.sharedKey,
      ownRole: o.ownRole,
      peerRole: o.peerRole,
      peerIdentityPk: o.peerIdentityPk,
      visible: o.visible,
      urgent: o.urgent ?? false,
      endpoint: o.endpoint === undefined ? undefined : { ...o.endpoint },
      onionPublicKey,
    };
  });
}
