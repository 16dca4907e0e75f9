// Opens (or focuses) a group chat's window: Electron through the openGroupWindow channel when its
// shell opens one, else the renderer opens the route itself (as ipc/open-session.ts does).
import { groupRoute } from '../../../ipc/group.ts';
import { api, inElectron } from '../../ipc/api.ts';
import { unwrap } from '../../ipc/call.ts';

export async function openGroupWindow(sessionId: string): Promise<void> {
  if (inElectron()) {
    const r = await unwrap(api().openGroupWindow({ sessionId }));
    if (r.opened) return;
  }
  // Not noopener: the new window must get a copy of this one's sessionStorage (the host token).
  const win = window.open(`${location.origin}${location.pathname}${groupRoute(sessionId)}`, `sotto-group-${sessionId}`);
  win?.focus();
}
