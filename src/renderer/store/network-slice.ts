import type { TorStatus } from '../ipc/contract.ts';
import type { Slice } from './types.ts';

export interface NetworkSlice {
  tor: TorStatus;
  /** Configured gateways; null = not known yet (settings not loaded). */
  gateways: number | null;
  applyTorProgress(progress: number, summary: string): void;
  setGatewayCount(count: number | null): void;
}

export const createNetworkSlice: Slice<NetworkSlice> = (set) => ({
  tor: { progress: 0, summary: '', ready: false },
  gateways: null,
  // A bootstrap event below 100 means Tor is (re)connecting: the progress screen comes back.
  applyTorProgress: (progress, summary) => set({ tor: { progress, summary, ready: progress >= 100 } }),
  setGatewayCount: (gateways) => set({ gateways }),
});
