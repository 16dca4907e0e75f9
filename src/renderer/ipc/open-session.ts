// Opens (or focuses) a conversation's window: Electron opens a BrowserWindow through a host
// channel; the browser host cannot, so the renderer opens the route itself. The window name makes
// a second open focus the existing window instead of opening another.
import { sessionRoute } from '../../ipc/channels.ts';
import { api, inElectron } from './api.ts';
import { unwrap } from './call.ts';

/** `viaHost` asks the host for the window (Electron); when it did not open one, `window.open(route, name)`. */
export async function openRoute(route: string, name: string, viaHost: () => Promise<{ opened: boolean }>): Promise<void> {
  if (inElectron() && (await viaHost()).opened) return;
  // Not noopener: the new window must get a copy of this one's sessionStorage (the host token).
  const win = window.open(`${location.origin}${location.pathname}${route}`, name);
  win?.focus();
}

export function openSession(contactId: string): Promise<void> {
  return openRoute(sessionRoute(contactId), `sotto-session-${contactId}`, () => unwrap(api().openSession({ contactId })));
}
