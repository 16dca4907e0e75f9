// What both desktop hosts (the browser host and the Electron shell) build around one profile: the
// core on the local testbed (the console's wiring, docs/ARCHITECTURE.md "Console host"), the UI
// settings, auto-away and the IpcHandler. The testbed is found or started in the background;
// unlocking waits for it, so a window can show onboarding at once.
import { SottoCore, systemClock, type CoreServicesFactory, type SottoCoreOptions } from '../index.ts';
import { attachTestbed, TESTBED_CORE_TIMINGS, testbedServices, type AttachedTestbed } from '../console/index.ts';
import { DEFAULT_SETTINGS } from '../../ipc/index.ts';
import { IpcHandler, type HostActions } from './ipc-handler.ts';
import { UiSettings } from './ui-settings.ts';
import { AutoAway } from './auto-away.ts';

export interface ProfileHostOptions {
  profileDir: string;
  /** --testbed / SOTTO_TESTBED: must answer. */
  testbedPath: string | null;
  /** .testbed/testbed.json: reused when alive, else a testbed is started here. */
  defaultTestbedPath: string;
  /** Diagnostics. */
  log: (line: string) => void;
  /** What only this host can do; `activity` is wired to auto-away here. */
  actions: Omit<HostActions, 'activity'>;
  /** OS idle seconds (Electron powerMonitor); default: input reported by the windows. */
  idleSeconds?: () => number;
  kdf?: SottoCoreOptions['kdf'];
}

export interface ProfileHost {
  core: SottoCore;
  handler: IpcHandler;
  settings: UiSettings;
  /** Stops auto-away, closes the core (publishes "gone"), stops a testbed started here. */
  close(): Promise<void>;
}

export function openProfileHost(o: ProfileHostOptions): ProfileHost {
  const stop = new AbortController();
  const testbed: Promise<AttachedTestbed> = attachTestbed({
    ...(o.testbedPath ? { explicitPath: o.testbedPath } : {}),
    defaultPath: o.defaultTestbedPath,
    log: (line) => o.log(`[testbed] ${line}`),
    signal: stop.signal,
  });
  testbed.then((tb) => o.log(`testbed: ${tb.descriptionPath}${tb.owned ? ' (started here: quitting stops it)' : ''}`),
    (err: Error) => o.log(`testbed unavailable: ${err.message}`));
  const services: CoreServicesFactory = async (ctx) => testbedServices((await testbed).description)(ctx);
  const core = new SottoCore({ profileDir: o.profileDir, services, timings: TESTBED_CORE_TIMINGS, ...(o.kdf ? { kdf: o.kdf } : {}) });
  const settings = new UiSettings(() => core.settingsStore());
  const autoAway = new AutoAway({
    clock: systemClock,
    ...(o.idleSeconds ? { idleSeconds: o.idleSeconds } : {}),
    awayAfterMinutes: () => settings.stored().then((s) => s.autoAwayMinutes, () => DEFAULT_SETTINGS.autoAwayMinutes),
    setIdle: (i) => core.setIdle(i),
  });
  const handler = new IpcHandler({ core, settings, actions: { ...o.actions, activity: () => autoAway.touch() } });
  autoAway.start();
  let closing: Promise<void> | undefined;
  return {
    core, handler, settings,
    close: () => (closing ??= (async () => {
      stop.abort();
      autoAway.stop();
      handler.close();
      await core.close().catch((err: Error) => o.log(`core close: ${err.message}`));
      const tb = await testbed.catch(() => null);
      await tb?.stop();
    })()),
  };
}
