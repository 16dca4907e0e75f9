// The browser host process (docs/ARCHITECTURE.md "Browser host"): the page server and WebSocket
// bridge come up first and the URL is printed at once (the profile may be locked or absent: the
// renderer shows onboarding); the testbed is found or started meanwhile, and unlocking waits for
// it. Stops on the abort signal: windows closed, core closed (publishes "gone"), own testbed stopped.
import { SottoCore, type CoreServicesFactory, type SottoCoreOptions } from '../index.ts';
import { attachTestbed, TESTBED_CORE_TIMINGS, testbedServices, type AttachedTestbed } from '../console/index.ts';
import { IpcHandler } from './ipc-handler.ts';
import { UiSettings } from './ui-settings.ts';
import { AutoAway } from './auto-away.ts';
import { startBrowserHost } from './browser-host.ts';
import { hasDisplay, openAppWindow, openInSystemBrowser, type AppWindow } from './app-window.ts';
import type { HostOptions } from './options.ts';
import { DEFAULT_SETTINGS, sessionRoute } from '../../ipc/index.ts';
import { systemClock } from '../index.ts';

export interface RunHostOptions {
  options: HostOptions;
  env: Record<string, string | undefined>;
  /** The `url: ...` line (stdout). */
  out: (line: string) => void;
  /** Diagnostics (stderr); never given the token. */
  log: (line: string) => void;
  signal: AbortSignal;
  /** Argon2id cost of new profiles (tests pass a small one). */
  kdf?: SottoCoreOptions['kdf'];
}

/** Resolves the exit code once stopped. */
export async function runHost(o: RunHostOptions): Promise<number> {
  const opts = o.options;
  const stop = new AbortController();
  o.signal.addEventListener('abort', () => stop.abort(), { once: true });
  const testbed: Promise<AttachedTestbed> = attachTestbed({
    ...(opts.testbedPath ? { explicitPath: opts.testbedPath } : {}),
    defaultPath: opts.defaultTestbedPath,
    log: (line) => o.log(`[testbed] ${line}`),
    signal: stop.signal,
  });
  testbed.then((tb) => o.log(`testbed: ${tb.descriptionPath}${tb.owned ? ' (started here: stopping the host stops it)' : ''}`),
    (err: Error) => o.log(`testbed unavailable: ${err.message}`));
  const services: CoreServicesFactory = async (ctx) => testbedServices((await testbed).description)(ctx);
  const core = new SottoCore({ profileDir: opts.profileDir, services, timings: TESTBED_CORE_TIMINGS, ...(o.kdf ? { kdf: o.kdf } : {}) });
  const settings = new UiSettings(() => core.settingsStore());
  const autoAway = new AutoAway({
    clock: systemClock,
    awayAfterMinutes: () => settings.stored().then((s) => s.autoAwayMinutes, () => DEFAULT_SETTINGS.autoAwayMinutes),
    setIdle: (i) => core.setIdle(i),
  });
  const handler = new IpcHandler({
    core, settings,
    actions: {
      openExternal: (url) => openInSystemBrowser(url, o.env),
      // A page cannot be opened from here: the renderer opens the route (window.open).
      openSession: async (contactId) => ({ route: sessionRoute(contactId), opened: false }),
      activity: () => autoAway.touch(),
    },
  });
  autoAway.start();
  const host = await startBrowserHost({ handler, staticDir: opts.staticDir, port: opts.port, log: o.log });
  o.out(`url: ${host.url}`);
  let app: AppWindow | null = null;
  if (opts.open && hasDisplay(o.env)) {
    app = await openAppWindow(host.url, o.env, o.log).catch((err: Error) => { o.log(`no app window: ${err.message}`); return null; });
  }

  await new Promise<void>((resolve) => { if (stop.signal.aborted) resolve(); else stop.signal.addEventListener('abort', () => resolve(), { once: true }); });
  o.log('stopping');
  autoAway.stop();
  await app?.close();
  await host.close();
  handler.close();
  await core.close().catch((err: Error) => o.log(`core close: ${err.message}`));
  const tb = await testbed.catch(() => null);
  await tb?.stop();
  return 0;
}
