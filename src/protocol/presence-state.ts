// Presence states as they travel in registry values (one byte). "Invisible" is deliberately not
// a state: an invisible user publishes a dummy value instead (DESIGN D4), so no byte says it.
import { ProtocolError } from './errors.ts';

export const PRESENCE_STATES = ['online', 'away', 'busy', 'dnd', 'gone'] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];

/** Wire byte of a state: 1..5 in PRESENCE_STATES order; 0 is never valid. */
export function presenceStateByte(state: PresenceState): number {
  const i = PRESENCE_STATES.indexOf(state);
  if (i < 0) throw ProtocolError.OUT_OF_RANGE('presence state');
  return i + 1;
}

export function presenceStateFromByte(byte: number): PresenceState {
  const state = PRESENCE_STATES[byte - 1];
  if (byte < 1 || state === undefined) throw ProtocolError.OUT_OF_RANGE('presence state byte');
  return state;
}
