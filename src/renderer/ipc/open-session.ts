// Opens (or focuses) the session window of one contact: Electron opens a BrowserWindow through the
// openSession channel; the browser host cannot, so the renderer opens the route itself. The window
// name makes a second open focus the existing window instead of opening another.
import { sessionRoute } from '../../ipc/channels.ts';
import { api, inElectron } from './api.ts';
import { unwrap } from './call.ts';

export async function openSession(contactId: string): Promise<void> {
  if (inElectron()) {
    const r = await unwrap(api().openSession({ contactId }));
    if (r.opened) return;
  }
  // Not noopener: the new window must get a copy of this one's sessionStorage (the host token).
  const win = window.open(`${location.origin}${location.pathname}${sessionRoute(contactId)}`, `sotto-session-${contactId}`);
  win?.focus();
}
