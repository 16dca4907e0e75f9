// The shell's windows: one main window and one session window per conversation (docs/ARCHITECTURE.md
// "Electron shell"), all hardened (security.ts), all loading routes of the same renderer build.
import { groupRoute, sessionRoute } from '../ipc/index.ts';
import type { ElectronPort, WindowPort } from './electron-port.ts';
import { APP_ORIGIN, guardContents, secureWindowOptions } from './security.ts';

export class WindowSet {
  private main: WindowPort | null = null;
  private mainLoaded = false;
  private readonly sessions = new Map<string, WindowPort>();

  constructor(private readonly o: { electron: ElectronPort; preload: string; log: (line: string) => void }) {}

  private create(route: string, onClosed: () => void): WindowPort {
    const win = this.o.electron.createWindow(secureWindowOptions(this.o.preload));
    guardContents(win.webContents, (url) => { void this.o.electron.openExternal(url).catch((err: Error) => this.o.log(`open link: ${err.message}`)); });
    win.on('ready-to-show', () => win.show());
    win.on('closed', onClosed);
    void win.loadURL(`${APP_ORIGIN}/index.html${route}`).catch((err: Error) => this.o.log(`load ${route}: ${err.message}`));
    return win;
  }

  /** Opens the main window on `route`, or brings it forward (loading `route` when one is given). */
  openMain(route?: string): WindowPort {
    if (this.main && !this.main.isDestroyed()) {
      if (route) void this.main.loadURL(`${APP_ORIGIN}/index.html${route}`);
      this.bringForward(this.main);
      return this.main;
    }
    this.mainLoaded = false;
    const win = this.create(route ?? '#/', () => { this.main = null; this.mainLoaded = false; });
    win.webContents.on('did-finish-load', () => { this.mainLoaded = true; });
    this.main = win;
    return win;
  }

  /** True once the main window's page has loaded (it then hears events). */
  mainReady(): boolean {
    return this.main !== null && !this.main.isDestroyed() && this.mainLoaded;
  }

  openSession(contactId: string): { route: string; opened: boolean } {
    return this.openConversation(contactId, sessionRoute(contactId));
  }

  /** A group chat's window (one per session id, like a contact's). */
  openGroup(sessionId: string): { route: string; opened: boolean } {
    return this.openConversation(`group:${sessionId}`, groupRoute(sessionId));
  }

  private openConversation(key: string, route: string): { route: string; opened: boolean } {
    const existing = this.sessions.get(key);
    if (existing && !existing.isDestroyed()) {
      this.bringForward(existing);
      return { route, opened: true };
    }
    this.sessions.set(key, this.create(route, () => this.sessions.delete(key)));
    return { route, opened: true };
  }

  /** Whether the person is looking at this conversation now (no notification then). */
  sessionFocused(contactId: string): boolean {
    const win = this.sessions.get(contactId);
    return win !== undefined && !win.isDestroyed() && win.isFocused();
  }

  all(): WindowPort[] {
    return [...(this.main ? [this.main] : []), ...this.sessions.values()].filter((w) => !w.isDestroyed());
  }

  broadcast(channel: string, payload: unknown): void {
    for (const w of this.all()) if (!w.webContents.isDestroyed()) w.webContents.send(channel, payload);
  }

  private bringForward(win: WindowPort): void {
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }
}
