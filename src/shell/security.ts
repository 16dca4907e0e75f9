// Hardening of every Sotto window (docs/ARCHITECTURE.md "Electron shell", docs/THREAT-MODEL.md):
// isolated and sandboxed renderers without Node, served from our own scheme with a strict CSP,
// no navigation away, no new windows (http(s) links go to the system browser), no permissions
// but writing a copied link to the clipboard, and IPC answered only for our own frames.
import type { BrowserWindowConstructorOptions } from 'electron';
import { isExternalUrl } from '../ipc/index.ts';
import type { WebContentsPort } from './electron-port.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'sotto';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Window options every Sotto window uses (Signal-Desktop's hardening, without its exception). */
export function secureWindowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    show: false,
    width: 420,
    height: 680,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** True for a frame of our own app (IPC sender check): same scheme and host, nothing else. */
export function isAppUrl(url: string | null | undefined): boolean {
  if (!url || !URL.canParse(url)) return false;
  const u = new URL(url);
  return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
}

/** Permissions a page of ours may have: writing to the clipboard (the Copy buttons); nothing else. */
export function permissionAllowed(permission: string, origin: string): boolean {
  return permission === 'clipboard-sanitized-write' && isAppUrl(origin);
}

/** No navigation away from the app, no new windows; http(s) links open in the system browser. */
export function guardContents(contents: WebContentsPort, openExternal: (url: string) => void): void {
  const stay = (event: { preventDefault(): void }, url: string): void => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', stay);
  contents.on('will-redirect', stay);
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
}
