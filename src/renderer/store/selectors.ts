// Derived values, computed from the slices (never stored).
import type { InvitationInfo } from '../ipc/contract.ts';
import type { Store } from './types.ts';

export const selectTotalUnread = (s: Store): number =>
  Object.values(s.contacts).reduce((sum, c) => sum + c.unread, 0);

export const selectAwaitingConfirmation = (invitations: Record<string, InvitationInfo>): InvitationInfo[] =>
  Object.values(invitations)
    .filter((i) => i.state === 'awaiting-confirmation' && i.redeemer !== null)
    .sort((a, b) => a.createdAt - b.createdAt);
