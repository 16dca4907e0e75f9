// "Invisible to one contact" (and globally invisible, blocked, revoked): the one place that says
// what hiding does, so a reader finds it here (issue 10 items 3 and 7; docs/THREAT-MODEL.md
// "Hiding looks like quitting"). The rule: hiding from a contact must look to that contact
// exactly like quitting. What the hidden contact can observe, and where each part is done:
//
// 1. The link: it ends with the bye a quit sends (HIDE_BYE = 'shutdown'), and any later dial that
//    reaches us is closed with the same bye (ContactChannel.refresh / attach use HIDE_BYE).
// 2. Dials: our endpoint for that contact is removed (Rendezvous.applyVisibility; a group endpoint
//    moves to a new onion without their client-auth key, EndpointGroups.leave), so their dials
//    fail the way dials to a quitter's dead onion fail. We stop dialing them (Rendezvous dials only
//    while visible).
// 3. The registry: their slot this hour gets one encrypted 'gone' within the offline window, as a
//    quit writes it, and that record is re-put unchanged afterwards, also across restarts
//    (src/main/registry/publisher.ts); a quit writes one 'gone' too and then nothing. From the next
//    hour they have no slot at all, like a quitter who is not running. Shown on running cores by
//    hidden-view.int.test.ts.
// 4. Presence frames: none (no link).
// The toggle reaches this file through announcedTo(): null means hidden.
import type { ByeReason } from '../../protocol/frames.ts';
import { effectiveState, type AnnouncedState, type OwnPresence } from './presence.ts';

/** The bye a hidden contact gets: the one a quit sends. */
export const HIDE_BYE: ByeReason = 'shutdown';

/** What one pairing's rendezvous serves: an endpoint with our state, or nothing (hidden). */
export type Visibility = { kind: 'visible'; state: AnnouncedState } | { kind: 'hidden' };

/**
 * What we announce to one contact, or null when we are hidden from them (globally invisible, or
 * invisible/blocked/revoked toward that contact). Hidden changes what is written and served, not
 * a UI flag (DESIGN D4).
 */
export function announcedTo(own: OwnPresence, contact: { visible: boolean; blocked: boolean; revoked: boolean }): { state: AnnouncedState; text: string } | null {
  const state = effectiveState(own);
  if (state === 'invisible' || !contact.visible || contact.blocked || contact.revoked) return null;
  return { state, text: own.text };
}

export function visibilityOf(announced: { state: AnnouncedState } | null): Visibility {
  return announced ? { kind: 'visible', state: announced.state } : { kind: 'hidden' };
}
