// The real Electron behind ElectronPort: the only module besides the preload that imports
// electron. Kept to one line per call so the logic stays in the tested modules.
import { app, BrowserWindow, ipcMain, Menu, nativeImage, Notification, powerMonitor, protocol, session, shell, Tray } from 'electron';
import type { ElectronPort, MenuItemSpec, TrayPort, WindowPort } from './electron-port.ts';

// A 16x16 green dot drawn with pngjs: the tray needs an image even where assets/ is not packaged.
const TRAY_ICON = nativeImage.createFromDataURL(
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAUElEQVR4AaXBwQnAMBADwZVIPX64P9d++Rgcwj0MmtFYk4QJPfSKnvjRWJOP4o7YTMgcxb1iMyETMiETMiFziHtiMyGNNWkUPfGjsSYJE3oBYkQIk/MwAEYAAAAASUVORK5CYII=',
);

function menu(items: MenuItemSpec[]): Menu {
  return Menu.buildFromTemplate(items.map((i) => ({ label: i.label, type: i.type ?? 'normal', ...(i.checked === undefined ? {} : { checked: i.checked }), ...(i.click ? { click: i.click } : {}) })));
}

export function electronPort(): ElectronPort {
  return {
    app: {
      requestSingleInstanceLock: () => app.requestSingleInstanceLock(),
      enableSandbox: () => app.enableSandbox(),
      setAsDefaultProtocolClient: (scheme) => app.setAsDefaultProtocolClient(scheme),
      whenReady: () => app.whenReady(),
      quit: () => app.quit(),
      on: (event: string, listener: (...args: never[]) => void) => { app.on(event as 'ready', listener as () => void); },
    },
    registerAppScheme: (scheme) => protocol.registerSchemesAsPrivileged([{ scheme, privileges: { standard: true, secure: true, supportFetchAPI: true } }]),
    handleProtocol: (scheme, handler) => protocol.handle(scheme, handler),
    handleIpc: (channel, handler) => ipcMain.handle(channel, (event, input: unknown) => handler(event.senderFrame?.url ?? null, input)),
    setPermissionHandlers: (decide) => {
      session.defaultSession.setPermissionRequestHandler((_wc, permission, callback, details) => callback(decide(permission, details.requestingUrl)));
      session.defaultSession.setPermissionCheckHandler((_wc, permission, origin) => decide(permission, origin));
    },
    createWindow: (options) => new BrowserWindow(options) as unknown as WindowPort,
    openExternal: (url) => shell.openExternal(url),
    createTray: () => {
      const tray = new Tray(TRAY_ICON);
      return {
        setToolTip: (t) => tray.setToolTip(t),
        setContextMenu: (items) => tray.setContextMenu(menu(items)),
        on: (event, listener) => { tray.on(event, listener); },
        destroy: () => tray.destroy(),
      } satisfies TrayPort;
    },
    notify: ({ title, body, onClick }) => {
      const n = new Notification({ title, body, silent: false });
      n.on('click', onClick);
      n.show();
    },
    idleSeconds: () => powerMonitor.getSystemIdleTime(),
  };
}
