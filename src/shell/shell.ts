// The Electron shell (docs/ARCHITECTURE.md "Electron shell"): one instance per user, deep links to
// the accept dialog, hardened windows on app://sotto, the IPC contract on ipcMain (our frames
// only), tray, notifications, OS idle time for auto-away. Electron comes in as a port, so this is
// tested with recording fakes; electron.main.ts passes the real one.
import { CHANNEL_NAMES, ELECTRON_EVENT_CHANNEL, IPC_ERRORS, electronChannel, fail } from '../ipc/index.ts';
import type { HostActions, ProfileHost } from '../main/host/index.ts';
import type { ElectronPort } from './electron-port.ts';
import { APP_SCHEME, isAppUrl, permissionAllowed } from './security.ts';
import { appProtocolHandler } from './app-protocol.ts';
import { DEEP_LINK_SCHEME, deepLinksIn, isDeepLink } from './deep-links.ts';
import { WindowSet } from './windows.ts';
import { TrayStatus } from './tray.ts';
import { Notifier } from './notifier.ts';

export interface ShellOptions {
  electron: ElectronPort;
  /** process.argv of this (first) instance. */
  argv: string[];
  preloadPath: string;
  /** The renderer build (dist/renderer). */
  staticDir: string;
  /** Builds the profile's core and handler (profile-host.ts in production). */
  openProfile: (o: { actions: Omit<HostActions, 'activity'>; idleSeconds: () => number }) => ProfileHost;
  log: (line: string) => void;
}

export interface Shell {
  windows: WindowSet;
  profile: ProfileHost;
  tray: TrayStatus;
  /** A sotto:// link from the OS: the accept dialog opens with it. */
  deepLink(link: string): void;
  quit(): Promise<void>;
}

/** Resolves null when another instance already runs (it gets our links and comes forward). */
export async function startShell(o: ShellOptions): Promise<Shell | null> {
  const { electron } = o;
  const { app } = electron;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  app.enableSandbox();
  electron.registerAppScheme(APP_SCHEME);
  app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);

  // Links may arrive before the app is ready: hold them until the windows exist.
  let shell: Shell | null = null;
  const early: string[] = deepLinksIn(o.argv.slice(1));
  app.on('open-url', (event, url) => {
    event.preventDefault();
    if (!isDeepLink(url)) return;
    if (shell) shell.deepLink(url); else early.push(url);
  });
  app.on('second-instance', (_event, argv) => {
    const links = deepLinksIn(argv.slice(1));
    if (!shell) { early.push(...links); return; }
    if (links.length === 0) shell.windows.openMain();
    for (const link of links) shell.deepLink(link);
  });

  await app.whenReady();
  electron.setPermissionHandlers(permissionAllowed);
  electron.handleProtocol(APP_SCHEME, appProtocolHandler(o.staticDir));

  const windows = new WindowSet({ electron, preload: o.preloadPath, log: o.log });
  const profile = o.openProfile({
    actions: {
      openExternal: (url) => electron.openExternal(url),
      openSession: async (contactId) => windows.openSession(contactId),
      openGroupWindow: async (sessionId) => windows.openGroup(sessionId),
    },
    idleSeconds: () => electron.idleSeconds(),
  });
  for (const name of CHANNEL_NAMES) {
    electron.handleIpc(electronChannel(name), async (senderUrl, input) => {
      // Only pages of our own app may call: not a navigated-away frame, not a subframe of elsewhere.
      if (!isAppUrl(senderUrl)) return fail(IPC_ERRORS.FORBIDDEN, 'this page may not talk to Sotto');
      return profile.handler.handle(name, input);
    });
  }

  let quitting: Promise<void> | undefined;
  const quit = (): Promise<void> => (quitting ??= (async () => {
    await profile.close();
    trayPort.destroy();
    app.quit();
  })());
  const trayPort = electron.createTray();
  const tray = new TrayStatus({
    tray: trayPort,
    setState: (state) => { void profile.handler.handle('setPresence', { state }); },
    open: () => { windows.openMain(); },
    quit: () => { void quit(); },
  });
  const notifier = new Notifier({
    notify: (n) => electron.notify(n),
    enabled: () => profile.settings.stored().then((s) => s.notifications),
    nameOf: (id) => profile.core.getContact({ id }).then((c) => c.nickname),
    sessionFocused: (id) => windows.sessionFocused(id),
    openSession: (id) => { windows.openSession(id); },
    openMain: () => { windows.openMain(); },
  });
  profile.handler.onEvent((event) => {
    windows.broadcast(ELECTRON_EVENT_CHANNEL, event);
    tray.onEvent(event);
    void notifier.onEvent(event);
  });

  const deepLink = (link: string): void => {
    // A loaded main window hears the event; otherwise the link rides in the route it loads.
    if (windows.mainReady()) {
      profile.handler.emit({ type: 'deep-link', link });
      windows.openMain();
    } else {
      windows.openMain(`#/accept?link=${encodeURIComponent(link)}`);
    }
  };
  // A messenger stays in the tray when its windows close; "Quit Sotto" (or the OS) ends it.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    void quit();
  });

  shell = { windows, profile, tray, deepLink, quit };
  const first = early.shift();
  windows.openMain(first ? `#/accept?link=${encodeURIComponent(first)}` : '#/');
  for (const link of early.splice(0)) deepLink(link);
  return shell;
}
