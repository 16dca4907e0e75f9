// Deterministic choice between two links to the same contact (DESIGN D6: one link per contact).
// When both sides dial each other at once, each ends up with two open links. Both sides apply
// the same rule to the same facts, so they keep the same connection without talking about it:
//
//   1. links dialed by different sides: keep the one dialed by the smaller identity public key
//      (lexicographic byte order, the same order that picks registry role 0);
//   2. links dialed by the same side: keep the newer one (the dialer only dials again when it
//      believes the older link is gone, e.g. a Tor circuit that died silently).
import { compareBytes } from '../../protocol/index.ts';

export interface LinkOrigin {
  /** True when we dialed this link. */
  initiator: boolean;
}

/** The identity key of whoever dialed `link`. */
export function dialerOf(link: LinkOrigin, ownPublicKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
  return link.initiator ? ownPublicKey : peerPublicKey;
}

/**
 * Which of two links to one contact survives: `existing` (older) or `incoming` (newer).
 * Pure, so both sides compute the same answer from their own view.
 */
export function preferLink<T extends LinkOrigin>(
  existing: T, incoming: T, ownPublicKey: Uint8Array, peerPublicKey: Uint8Array,
): T {
  if (existing.initiator === incoming.initiator) return incoming;
  const smallerDials = compareBytes(ownPublicKey, peerPublicKey) < 0 ? 'us' : 'them';
  const keepOurs = smallerDials === 'us';
  return existing.initiator === keepOurs ? existing : incoming;
}
