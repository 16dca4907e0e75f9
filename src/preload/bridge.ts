// The API the Electron preload exposes as window.sotto (docs/ARCHITECTURE.md "Electron shell"):
// one method per contract channel, each bound to its own ipcMain handler, plus the event
// subscription. No generic send: a compromised page can call only the contract's channels, and
// main parses every payload anyway. Electron is passed in so tests can record the calls.
import { CHANNEL_NAMES, ELECTRON_EVENT_CHANNEL, EVENT, electronChannel, type SottoApi, type SottoEvent } from '../ipc/index.ts';

/** The part of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function buildPreloadApi(ipc: IpcRendererLike): SottoApi {
  const api: Record<string, unknown> = {
    onEvent(listener: (event: SottoEvent) => void): () => void {
      // Only the event object crosses; Electron's IpcRendererEvent (with `sender`) stays here.
      const forward = (_e: unknown, event: unknown): void => {
        const parsed = EVENT.safeParse(event);
        if (parsed.success) listener(parsed.data);
      };
      ipc.on(ELECTRON_EVENT_CHANNEL, forward);
      return () => { ipc.removeListener(ELECTRON_EVENT_CHANNEL, forward); };
    },
  };
  for (const name of CHANNEL_NAMES) {
    const channel = electronChannel(name);
    api[name] = (input?: unknown) => ipc.invoke(channel, input);
  }
  // Built from CHANNEL_NAMES: every channel has its method (preload.test.ts checks it).
  return api as unknown as SottoApi;
}
