// Invitation lifecycle (DESIGN D3, issue 5 item 2), pure. One-time use, expiry and cancellation are
// decided here so the store and the UI cannot disagree about them. State names are the store's
// (src/main/store InvitationRecord.state).
//
//   open:    pending --redeem--> awaiting-confirmation --confirm--> redeemed   (secret s erased)
//                                                     --decline--> cancelled  (secret s erased)
//   sealed:  pending --use--> redeemed   (first authenticated link with the named contact)
//   both:    pending|awaiting-confirmation --cancel--> cancelled
//            pending|awaiting-confirmation --expire--> expired  (secret s erased)
//
// The expiry is the deadline of the whole bootstrap, redeem *and* confirm, on both sides: the
// redeemer keeps s and serves entries under it only until then (redeemerWaitIsDue), so an inviter
// confirming later would make a contact the redeemer has already dropped. A second redemption is
// refused in every state but pending.
import { CoreError } from './errors.ts';

export type InvitationKind = 'open' | 'sealed';
export type InvitationState = 'pending' | 'awaiting-confirmation' | 'redeemed' | 'cancelled' | 'expired';
export type InvitationEvent = 'redeem' | 'confirm' | 'decline' | 'use' | 'cancel' | 'expire';

const TRANSITIONS: Record<InvitationKind, Partial<Record<InvitationState, Partial<Record<InvitationEvent, InvitationState>>>>> = {
  open: {
    pending: { redeem: 'awaiting-confirmation', cancel: 'cancelled', expire: 'expired' },
    'awaiting-confirmation': { confirm: 'redeemed', decline: 'cancelled', cancel: 'cancelled', expire: 'expired' },
  },
  sealed: {
    pending: { use: 'redeemed', cancel: 'cancelled', expire: 'expired' },
  },
};

const PAST: Record<InvitationEvent, string> = {
  redeem: 'redeemed', confirm: 'confirmed', decline: 'declined', use: 'used', cancel: 'cancelled', expire: 'expired',
};

export function nextInvitationState(kind: InvitationKind, state: InvitationState, event: InvitationEvent): InvitationState {
  const next = TRANSITIONS[kind][state]?.[event];
  if (!next) throw CoreError.INVITATION_STATE(state, PAST[event]);
  return next;
}

export function isFinished(state: InvitationState): boolean {
  return state === 'redeemed' || state === 'cancelled' || state === 'expired';
}

/** The inviter keeps publishing (and keeps s) only while this is true. */
export function isLive(kind: InvitationKind, state: InvitationState): boolean {
  return kind === 'open' ? state === 'pending' || state === 'awaiting-confirmation' : state === 'pending';
}

/** True when a live (pending or not yet confirmed) invitation should be moved to expired at `now`. */
export function isDue(state: InvitationState, expiresAt: number, now: number): boolean {
  return (state === 'pending' || state === 'awaiting-confirmation') && now >= expiresAt;
}

/** Redeemer side of an open invitation: what its pending contact keeps until the inviter confirms. */
export interface RedeemerWait {
  /** s, hex: present while the inviter has not confirmed. */
  bootstrapSecret?: string;
  /** The invitation's expiry (unix ms) as the redeemer read it from the link. */
  bootstrapExpiresAt?: number;
  createdAt: number;
}

/**
 * True when the redeemer should give up waiting for the inviter's confirmation at `now`: the
 * pending contact, its endpoints and every entry under s and K_AB go (DESIGN D3: an invitation
 * expires; s must not live on in a registry after that). Records written before the expiry was
 * kept fall back to the longest lifetime an invitation can have.
 */
export function redeemerWaitIsDue(contact: RedeemerWait, now: number): boolean {
  if (!contact.bootstrapSecret) return false;
  return now >= (contact.bootstrapExpiresAt ?? contact.createdAt + MAX_INVITATION_TTL_MS);
}

/** Why a redemption attempt is refused, as the coded error the redeemer's user sees. */
export function redemptionRefusal(state: InvitationState, expiresAt: number, now: number): CoreError | null {
  if (state === 'pending') return now >= expiresAt ? CoreError.INVITATION_EXPIRED() : null;
  if (state === 'cancelled') return CoreError.INVITATION_CANCELLED();
  if (state === 'expired') return CoreError.INVITATION_EXPIRED();
  return CoreError.INVITATION_USED();
}

/** Default lifetime of an invitation: long enough for an e-mail round trip, short for a leaked link. */
export const DEFAULT_INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;
export const MAX_INVITATION_TTL_MS = 30 * 24 * 3600 * 1000;
