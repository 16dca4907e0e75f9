// Presence in words (UI.md: every state has a shape and a word as well as a colour).
import type { ContactInfo, ContactPresenceState, PresenceState } from '../../ipc/contract.ts';

export type ShownPresence = ContactPresenceState | 'invisible';

const WORDS: Record<ShownPresence, string> = {
  online: 'online', away: 'away', busy: 'busy', dnd: 'do not disturb', offline: 'offline', invisible: 'invisible',
};

/** Menu labels for the own status selector, in menu order. */
export const OWN_STATES: ReadonlyArray<{ state: PresenceState; label: string }> = [
  { state: 'online', label: 'Online' },
  { state: 'away', label: 'Away' },
  { state: 'busy', label: 'Busy' },
  { state: 'dnd', label: 'Do not disturb' },
  { state: 'invisible', label: 'Invisible' },
];

export function presenceWord(state: ShownPresence): string {
  return WORDS[state];
}

/** What the list says about a contact: its presence, or why it has none. */
export function contactStateWord(c: ContactInfo): string {
  if (c.phase === 'pending') return 'waiting for confirmation';
  if (c.phase === 'blocked') return 'blocked';
  if (c.phase === 'revoked') return 'revoked';
  return presenceWord(c.presence.state);
}

/**
 * The name to show: the nickname, or for a contact that has none yet (a sealed invitation made
 * without a name) the first groups of its contact code, which the person can compare.
 */
export function contactName(c: Pick<ContactInfo, 'nickname' | 'contactCode'>): string {
  return c.nickname.trim() !== '' ? c.nickname : `Contact ${c.contactCode.split('-').slice(0, 2).join('-')}`;
}

/** "Bob, online, lunch at 1, 2 unread" (UI.md). */
export function contactAccessibleName(c: ContactInfo): string {
  const parts = [contactName(c), contactStateWord(c)];
  if (c.presence.text && c.presence.state !== 'offline') parts.push(c.presence.text);
  if (c.unread > 0) parts.push(`${c.unread} unread`);
  return parts.join(', ');
}

/** Online first, then away, busy, do not disturb, offline; then pending, blocked, revoked. */
export function presenceRank(c: ContactInfo): number {
  if (c.phase === 'pending') return 5;
  if (c.phase === 'blocked') return 6;
  if (c.phase === 'revoked') return 7;
  return { online: 0, away: 1, busy: 2, dnd: 3, offline: 4 }[c.presence.state];
}
