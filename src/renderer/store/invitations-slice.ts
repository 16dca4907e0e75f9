import type { InvitationInfo } from '../ipc/contract.ts';
import type { Slice } from './types.ts';

export interface InvitationsSlice {
  invitations: Record<string, InvitationInfo>;
  setInvitations(list: InvitationInfo[]): void;
  upsertInvitation(invitation: InvitationInfo): void;
}

export const createInvitationsSlice: Slice<InvitationsSlice> = (set) => ({
  invitations: {},
  setInvitations: (list) => set({ invitations: Object.fromEntries(list.map((i) => [i.id, i])) }),
  upsertInvitation: (invitation) => set((s) => ({ invitations: { ...s.invitations, [invitation.id]: invitation } })),
});
