// Presence state machines (DESIGN D6, issue 5 item 6), pure: own state + idle -> what we announce
// to each contact; link + announced state + registry freshness -> what we show for a contact.

export type PresenceState = 'online' | 'away' | 'busy' | 'dnd' | 'invisible';
/** What a contact can see: the four announced states or offline (invisible looks like offline). */
export type ContactPresenceState = 'online' | 'away' | 'busy' | 'dnd' | 'offline';
export type AnnouncedState = Exclude<PresenceState, 'invisible'>;

export const PRESENCE_STATES: readonly PresenceState[] = ['online', 'away', 'busy', 'dnd', 'invisible'];
/** Frames cap the custom text at 140 code points (src/protocol/frames.ts MAX_PRESENCE_TEXT_CHARS). */
export const MAX_PRESENCE_TEXT_CHARS = 140;

export interface OwnPresence {
  /** What the user chose. */
  state: PresenceState;
  text: string;
  /** Minutes since the last user input, as reported by the host (0 = active now). */
  idleMinutes: number;
  /** Idle threshold for online -> away; the user's setting. */
  awayAfterMinutes: number;
}

export const DEFAULT_AWAY_AFTER_MINUTES = 10;

/**
 * The state we actually run with: an online user idle past the threshold shows as away, and comes
 * back to online by itself when input resumes. Busy/dnd/away/invisible are never changed by idling:
 * the user set them on purpose.
 */
export function effectiveState(own: OwnPresence): PresenceState {
  if (own.state === 'online' && own.idleMinutes >= own.awayAfterMinutes) return 'away';
  return own.state;
}

/**
 * What we announce to one contact, or null when we are hidden from them (globally invisible, or
 * invisible/blocked/revoked toward that contact). Hidden = a dummy registry entry in place of the
 * real one and no link (DESIGN D4): not a UI flag.
 */
export function announcedTo(own: OwnPresence, contact: { visible: boolean; blocked: boolean; revoked: boolean }): { state: AnnouncedState; text: string } | null {
  const state = effectiveState(own);
  if (state === 'invisible' || !contact.visible || contact.blocked || contact.revoked) return null;
  return { state, text: own.text };
}

export interface ContactPresenceInput {
  linkUp: boolean;
  /** Last state the contact announced over the link (null before their first presence frame). */
  announced: { state: AnnouncedState; text: string } | null;
  /** When we last saw a valid, fresh registry entry of theirs (unix ms), or null. */
  entrySeenAt: number | null;
  /** True when their newest entry says they went offline ("gone"), or they said bye on shutdown. */
  gone: boolean;
  now: number;
  /** How long an entry counts as fresh; the publisher refreshes every ~15-20 min (DESIGN D4). */
  freshForMs: number;
}

export interface ContactPresence { state: ContactPresenceState; text: string }

/**
 * Contact presence = link up + announced state. Without a link we keep showing the last announced
 * state only while a fresh entry says they are still around (the link is being re-established);
 * offline once the link is down and no fresh entry exists, or they said they left.
 */
export function deriveContactPresence(input: ContactPresenceInput): ContactPresence {
  if (input.linkUp) {
    return input.announced ? { state: input.announced.state, text: input.announced.text } : { state: 'online', text: '' };
  }
  const fresh = input.entrySeenAt !== null && input.now - input.entrySeenAt <= input.freshForMs;
  if (!input.gone && fresh && input.announced) return { state: input.announced.state, text: input.announced.text };
  return { state: 'offline', text: '' };
}

export function samePresence(a: ContactPresence, b: ContactPresence): boolean {
  return a.state === b.state && a.text === b.text;
}

/** Validates user input for setPresence; returns the normalized text. */
export function checkPresenceInput(state: unknown, text: unknown): { state: PresenceState; text: string } | string {
  if (typeof state !== 'string' || !(PRESENCE_STATES as readonly string[]).includes(state)) return `state must be one of ${PRESENCE_STATES.join(', ')}`;
  const t = text === undefined ? '' : text;
  if (typeof t !== 'string') return 'text must be a string';
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u.test(t)) return 'text may not hold control characters or line breaks';
  if ([...t].length > MAX_PRESENCE_TEXT_CHARS) return `text is longer than ${MAX_PRESENCE_TEXT_CHARS} characters`;
  return { state: state as PresenceState, text: t };
}
