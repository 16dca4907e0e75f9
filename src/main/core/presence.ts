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

export interface ContactPresenceInput {
  linkUp: boolean;
  /** Last state the contact announced over the link (null before their first presence frame). */
  announced: { state: AnnouncedState; text: string } | null;
}

export interface ContactPresence { state: ContactPresenceState; text: string }

/**
 * Contact presence = link up + announced state, nothing else (issue 9 item 3, ghost presence). A
 * registry entry only says where to dial: however fresh, it never shows anyone online by itself,
 * because a contact killed without a bye leaves a fresh entry behind for up to an hour. An entry
 * counts once its endpoint answers, i.e. once the link it leads to is up.
 */
export function deriveContactPresence(input: ContactPresenceInput): ContactPresence {
  if (!input.linkUp) return { state: 'offline', text: '' };
  return input.announced ? { state: input.announced.state, text: input.announced.text } : { state: 'online', text: '' };
}

export function samePresence(a: ContactPresence, b: ContactPresence): boolean {
  return a.state === b.state && a.text === b.text;
}

