// The browser host process (docs/ARCHITECTURE.md "Browser host"): the page server and WebSocket
// bridge come up first and the URL is printed at once (the profile may be locked or absent: the
// renderer shows onboarding). Stops on the abort signal: windows closed, core closed (publishes
// "gone"), own testbed stopped.
import type { SottoCoreOptions } from '../index.ts';
import { sessionRoute } from '../../ipc/index.ts';
import { openProfileHost } from './profile-host.ts';
import { startBrowserHost } from './browser-host.ts';
import { hasDisplay, openAppWindow, openInSystemBrowser, type AppWindow } from './app-window.ts';
import type { HostOptions } from './options.ts';

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
  const profile = openProfileHost({
    profileDir: opts.profileDir, testbedPath: opts.testbedPath, defaultTestbedPath: opts.defaultTestbedPath, log: o.log,
    network: opts.network, testbedGateways: opts.testbedGateways,
    actions: {
      openExternal: (url) => openInSystemBrowser(url, o.env),
      // A page cannot be opened from here: the renderer opens the route (window.open).
      openSession: async (contactId) => ({ route: sessionRoute(contactId), opened: false }),
    },
    ...(o.kdf ? { kdf: o.kdf } : {}),
  });
  let host;
  try {
    host = await startBrowserHost({ handler: profile.handler, staticDir: opts.staticDir, port: opts.port, log: o.log });
  } catch (err) {
    // e.g. --port taken (EADDRINUSE): say so and stop what was started.
    o.log(`cannot listen on 127.0.0.1:${opts.port}: ${(err as Error).message}`);
    await profile.close();
    return 1;
  }
  o.out(`url: ${host.url}`);
  let app: AppWindow | null = null;
  if (opts.open && hasDisplay(o.env)) {
    app = await openAppWindow(host.url, o.env, o.log).catch((err: Error) => { o.log(`no app window: ${err.message}`); return null; });
  }

  await new Promise<void>((resolve) => { if (o.signal.aborted) resolve(); else o.signal.addEventListener('abort', () => resolve(), { once: true }); });
  o.log('stopping');
  await app?.close();
  await host.close();
  await profile.close();
  return 0;
}
