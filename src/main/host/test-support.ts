// Cores for host tests: real SottoCore, real profile store, loopback services (no tor), so the
// IPC handler and the browser host are exercised against the real core in a second or two.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ready } from '../../protocol/index.ts';
import { KDF_MINIMAL_FOR_TESTS } from '../store/index.ts';
import { LoopbackNetwork } from '../core/loopback-services.ts';
import { SottoCore, systemClock } from '../index.ts';
import { IpcHandler, type HostActions } from './ipc-handler.ts';
import { UiSettings } from './ui-settings.ts';

export interface RecordedActions extends HostActions {
  calls: { name: string; arg?: string }[];
}

/** Host actions that record what they were asked (the OS side is not what these tests test). */
export function recordingActions(): RecordedActions {
  const calls: { name: string; arg?: string }[] = [];
  return {
    calls,
    openExternal: async (url) => { calls.push({ name: 'openExternal', arg: url }); },
    openSession: async (contactId) => { calls.push({ name: 'openSession', arg: contactId }); return { route: `#/session/${contactId}`, opened: false }; },
    activity: () => { calls.push({ name: 'activity' }); },
  };
}

export async function loopbackCores(t: { after(fn: () => Promise<void>): void }, names: string[]) {
  await ready();
  const root = await mkdtemp(join(tmpdir(), 'sotto-host-'));
  const net = new LoopbackNetwork();
  const sides = names.map((name) => {
    const core = new SottoCore({
      profileDir: join(root, name), services: net.services({ clock: systemClock }), kdf: KDF_MINIMAL_FOR_TESTS,
      timings: { lookupIntervalMs: 100, lookupMaxIntervalMs: 300, connectTimeoutMs: 5_000 },
    });
    const actions = recordingActions();
    const handler = new IpcHandler({ core, settings: new UiSettings(() => core.settingsStore()), actions });
    return { name, core, actions, handler, dir: join(root, name) };
  });
  t.after(async () => {
    await Promise.allSettled(sides.map((s) => { s.handler.close(); return s.core.close(); }));
    await rm(root, { recursive: true, force: true });
  });
  return sides;
}
