// What both desktop hosts (the browser host and the Electron shell) build around one profile: the
// core, the UI and network settings, auto-away and the IpcHandler. Two host networks
// (docs/ARCHITECTURE.md "Network settings"): 'testbed' (default) has the local testbed (the
// console's wiring, "Console host"), found or started in the background (unlocking a sandbox
// profile waits for it, so a window can show onboarding at once); 'public' has none. Which one a
// profile runs on is decided at each unlock from its own choice (profile-network.ts).
import { SottoCore, systemClock, type SottoCoreOptions } from '../index.ts';
import { attachTestbed, watchTestbedEnd, type AttachedTestbed } from '../console/index.ts';
import { NetworkSettings } from '../core/network-settings.ts';
import { profileServices } from './profile-network.ts';
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
  /** 'public': no testbed at all (--network public): every profile on the public network. Default 'testbed'. */
  network?: 'testbed' | 'public';
  /** On the testbed, its gateways stand in while the profile has none (default true). */
  testbedGateways?: boolean;
  /** Electron's process.resourcesPath and app.isPackaged: where the bundled tor is, and no PATH fallback. */
  resourcesDir?: string;
  packaged?: boolean;
  /** Pause between health checks of a testbed another process owns (default 2 s). */
  testbedWatchMs?: number;
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
  const onTestbed = (o.network ?? 'testbed') === 'testbed';
  const testbed: Promise<AttachedTestbed> | null = onTestbed ? attachTestbed({
    ...(o.testbedPath ? { explicitPath: o.testbedPath } : {}),
    defaultPath: o.defaultTestbedPath,
    log: (line) => o.log(`[testbed] ${line}`),
    signal: stop.signal,
  }) : null;
  testbed?.then((tb) => o.log(`testbed: ${tb.descriptionPath}${tb.owned ? ' (started here: quitting stops it)' : ''}`),
    (err: Error) => o.log(`testbed unavailable: ${err.message}`));
  const network: NetworkSettings = new NetworkSettings({ port: () => core.settingsStore(), sandbox: onTestbed });
  const services = profileServices({
    host: onTestbed ? 'testbed' : 'public', testbed, network, standIn: o.testbedGateways ?? true, log: o.log,
    ...(o.resourcesDir ? { resourcesDir: o.resourcesDir } : {}), ...(o.packaged === undefined ? {} : { packaged: o.packaged }),
  });
  // No timings here: each unlock's services bring the schedule of the network it runs on.
  const core: SottoCore = new SottoCore({ profileDir: o.profileDir, services, network, ...(o.kdf ? { kdf: o.kdf } : {}) });
  const settings = new UiSettings(() => core.settingsStore());
  const autoAway = new AutoAway({
    clock: systemClock,
    ...(o.idleSeconds ? { idleSeconds: o.idleSeconds } : {}),
    awayAfterMinutes: () => settings.stored().then((s) => s.autoAwayMinutes, () => DEFAULT_SETTINGS.autoAwayMinutes),
    setIdle: (i) => core.setIdle(i),
  });
  const handler = new IpcHandler({ core, settings, network, actions: { ...o.actions, activity: () => autoAway.touch() } });
  autoAway.start();
  // Another process owns the testbed: when it quits, say so now, not after a gateway timeout.
  const unwatchTestbed = testbed ? watchTestbedEnd(testbed, {
    ...(o.testbedWatchMs ? { intervalMs: o.testbedWatchMs } : {}),
    onEnd: (end) => {
      o.log(`[testbed] ${end.code}: ${end.detail}`);
      // A profile that chose the Tor network does not run on the testbed: nothing changed for it.
      if (network.stored.kind !== 'tor') handler.emit({ type: 'warning', code: end.code, message: end.message });
    },
  }) : () => undefined;
  let closing: Promise<void> | undefined;
  return {
    core, handler, settings,
    close: () => (closing ??= (async () => {
      stop.abort();
      unwatchTestbed();
      autoAway.stop();
      handler.close();
      await core.close().catch((err: Error) => o.log(`core close: ${err.message}`));
      const tb = await testbed?.catch(() => null);
      await tb?.stop();
    })()),
  };
}

/**
 * The network the desktop app runs on: an installed app on the public network with the tor it
 * ships and the profile's gateways; a development run, or one given a testbed (SOTTO_TESTBED), on
 * the local testbed, as `npm start` and the console do (docs/ARCHITECTURE.md "Network settings").
 */
export function desktopNetwork(run: { packaged: boolean; testbedPath: string | null }): 'public' | 'testbed' {
  return run.packaged && run.testbedPath === null ? 'public' : 'testbed';
}
