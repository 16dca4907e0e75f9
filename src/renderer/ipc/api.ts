// The SottoApi this window talks to, chosen once at start (app/boot.ts): Electron's preload
// bridge (window.sotto) when present, else the browser host's WebSocket client.
import type { SottoApi } from './contract.ts';

let current: SottoApi | null = null;

export function setApi(api: SottoApi): void {
  current = api;
}

export function api(): SottoApi {
  if (!current) throw new Error('the IPC client is not connected yet');
  return current;
}

declare global {
  interface Window {
    /** Exposed by the Electron preload (contextBridge); absent in the browser host. */
    sotto?: SottoApi;
  }
}

export function inElectron(): boolean {
  return typeof window !== 'undefined' && window.sotto !== undefined;
}
