// A recording fake of the Electron API the shell uses (electron-port.ts): Electron is the
// environment of the shell, not the component under test, and no Electron runtime can be
// downloaded where this is developed. Every call is kept for the tests to inspect.
import type { BrowserWindowConstructorOptions } from 'electron';
import type { ElectronPort, MenuItemSpec, NavigationEvent, TrayPort, WebContentsPort, WindowPort } from './electron-port.ts';

type Listener = (...args: never[]) => void;

class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): void { this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]); }
  fire(event: string, ...args: unknown[]): void { for (const l of this.listeners.get(event) ?? []) (l as (...a: unknown[]) => void)(...args); }
}

export class FakeEvent implements NavigationEvent {
  prevented = false;
  preventDefault(): void { this.prevented = true; }
}

export class FakeWebContents extends Emitter implements WebContentsPort {
  readonly sent: { channel: string; args: unknown[] }[] = [];
  openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  destroyed = false;
  send(channel: string, ...args: unknown[]): void { this.sent.push({ channel, args }); }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void { this.openHandler = handler; }
  isDestroyed(): boolean { return this.destroyed; }
  /** What Electron does when the page tries to navigate: true if the shell stopped it. */
  navigate(url: string): boolean { const e = new FakeEvent(); this.fire('will-navigate', e, url); return e.prevented; }
}

export class FakeWindow extends Emitter implements WindowPort {
  readonly webContents = new FakeWebContents();
  readonly loaded: string[] = [];
  shown = 0;
  focused = false;
  destroyed = false;
  constructor(readonly options: BrowserWindowConstructorOptions) { super(); }
  async loadURL(url: string): Promise<void> { this.loaded.push(url); }
  show(): void { this.shown++; }
  focus(): void { this.focused = true; }
  restore(): void {}
  isMinimized(): boolean { return false; }
  isDestroyed(): boolean { return this.destroyed; }
  isFocused(): boolean { return this.focused; }
  close(): void { this.destroyed = true; this.webContents.destroyed = true; this.fire('closed'); }
}

export class FakeTray extends Emitter implements TrayPort {
  tooltip = '';
  menu: MenuItemSpec[] = [];
  destroyed = false;
  setToolTip(text: string): void { this.tooltip = text; }
  setContextMenu(items: MenuItemSpec[]): void { this.menu = items; }
  destroy(): void { this.destroyed = true; }
}

export class FakeElectron implements ElectronPort {
  readonly calls: string[] = [];
  readonly appEvents = new Emitter();
  readonly windows: FakeWindow[] = [];
  readonly ipc = new Map<string, (senderUrl: string | null, input: unknown) => Promise<unknown>>();
  readonly external: string[] = [];
  readonly notifications: { title: string; body: string; onClick: () => void }[] = [];
  readonly tray = new FakeTray();
  protocolHandler: ((request: Request) => Promise<Response>) | null = null;
  permission: ((permission: string, origin: string) => boolean) | null = null;
  idle = 0;

  constructor(private readonly lock = true) {}

  readonly app = {
    requestSingleInstanceLock: (): boolean => { this.calls.push('requestSingleInstanceLock'); return this.lock; },
    enableSandbox: (): void => { this.calls.push('enableSandbox'); },
    setAsDefaultProtocolClient: (scheme: string): boolean => { this.calls.push(`setAsDefaultProtocolClient:${scheme}`); return true; },
    whenReady: async (): Promise<void> => { this.calls.push('whenReady'); },
    quit: (): void => { this.calls.push('quit'); },
    on: (event: string, listener: Listener): void => { this.appEvents.on(event, listener); },
  };

  registerAppScheme(scheme: string): void { this.calls.push(`registerAppScheme:${scheme}`); }
  handleProtocol(scheme: string, handler: (request: Request) => Promise<Response>): void { this.calls.push(`handleProtocol:${scheme}`); this.protocolHandler = handler; }
  handleIpc(channel: string, handler: (senderUrl: string | null, input: unknown) => Promise<unknown>): void { this.ipc.set(channel, handler); }
  setPermissionHandlers(decide: (permission: string, origin: string) => boolean): void { this.permission = decide; }
  createWindow(options: BrowserWindowConstructorOptions): WindowPort { const w = new FakeWindow(options); this.windows.push(w); return w; }
  async openExternal(url: string): Promise<void> { this.external.push(url); }
  createTray(): TrayPort { return this.tray; }
  notify(n: { title: string; body: string; onClick: () => void }): void { this.notifications.push(n); }
  idleSeconds(): number { return this.idle; }
}
