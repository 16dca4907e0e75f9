// The part of Electron the shell uses, as narrow interfaces (docs/ARCHITECTURE.md "Electron
// shell"). electron-adapter.ts maps the real Electron onto them; unit tests pass recording fakes,
// because Electron is the environment here, not the component under test.
import type { BrowserWindowConstructorOptions } from 'electron';

export interface NavigationEvent { preventDefault(): void }

export interface WebContentsPort {
  send(channel: string, ...args: unknown[]): void;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: NavigationEvent, url: string) => void): void;
  on(event: 'did-finish-load', listener: () => void): void;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  isDestroyed(): boolean;
}

export interface WindowPort {
  webContents: WebContentsPort;
  loadURL(url: string): Promise<void>;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
  isFocused(): boolean;
  on(event: 'closed' | 'focus' | 'ready-to-show', listener: () => void): void;
}

export interface MenuItemSpec {
  label: string;
  type?: 'normal' | 'separator' | 'radio';
  checked?: boolean;
  click?: () => void;
}

export interface TrayPort {
  setToolTip(text: string): void;
  setContextMenu(items: MenuItemSpec[]): void;
  on(event: 'click', listener: () => void): void;
  destroy(): void;
}

export interface ElectronPort {
  app: {
    requestSingleInstanceLock(): boolean;
    enableSandbox(): void;
    setAsDefaultProtocolClient(scheme: string): boolean;
    whenReady(): Promise<unknown>;
    quit(): void;
    on(event: 'open-url', listener: (event: NavigationEvent, url: string) => void): void;
    on(event: 'second-instance', listener: (event: unknown, argv: string[]) => void): void;
    on(event: 'window-all-closed', listener: () => void): void;
    on(event: 'before-quit', listener: (event: NavigationEvent) => void): void;
  };
  /** protocol.registerSchemesAsPrivileged: must run before the app is ready. */
  registerAppScheme(scheme: string): void;
  /** protocol.handle */
  handleProtocol(scheme: string, handler: (request: Request) => Promise<Response>): void;
  /** ipcMain.handle; `senderUrl` is the URL of the frame that sent it (null when gone). */
  handleIpc(channel: string, handler: (senderUrl: string | null, input: unknown) => Promise<unknown>): void;
  /** session.defaultSession permission request and check handlers. */
  setPermissionHandlers(decide: (permission: string, origin: string) => boolean): void;
  createWindow(options: BrowserWindowConstructorOptions): WindowPort;
  openExternal(url: string): Promise<void>;
  createTray(): TrayPort;
  notify(n: { title: string; body: string; onClick: () => void }): void;
  /** powerMonitor.getSystemIdleTime */
  idleSeconds(): number;
}
