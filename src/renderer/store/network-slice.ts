import type { TorStatus } from '../ipc/contract.ts';
import type { Slice } from './types.ts';

export interface NetworkSlice {
  tor: TorStatus;
  applyTorProgress(progress: number, summary: string): void;
}

export const createNetworkSlice: Slice<NetworkSlice> = (set) => ({
  tor: { progress: 0, summary: '', ready: false },
  // A bootstrap event below 100 means Tor is (re)connecting: the progress screen comes back.
  applyTorProgress: (progress, summary) => set({ tor: { progress, summary, ready: progress >= 100 } }),
});
