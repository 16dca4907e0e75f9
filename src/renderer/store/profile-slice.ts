import type { CorePhase, CoreStatus, ProfileInfo } from '../ipc/contract.ts';
import type { Slice } from './types.ts';

export interface ProfileSlice {
  /** null until the first status answer arrives. */
  phase: CorePhase | null;
  profile: ProfileInfo | null;
  presence: CoreStatus['presence'];
  applyStatus(status: CoreStatus): void;
  setProfile(profile: ProfileInfo | null): void;
}

export const createProfileSlice: Slice<ProfileSlice> = (set) => ({
  phase: null,
  profile: null,
  presence: { state: 'online', effective: 'online', text: '', idleMinutes: 0 },
  applyStatus: (status) => set({ phase: status.phase, presence: status.presence, tor: status.tor }),
  setProfile: (profile) => set({ profile }),
});
