// Opens (or focuses) a group chat's window (route #/group/<sessionId>), as a contact's session
// window is opened (ipc/open-session.ts).
import { groupRoute } from '../../../ipc/group.ts';
import { api } from '../../ipc/api.ts';
import { unwrap } from '../../ipc/call.ts';
import { openRoute } from '../../ipc/open-session.ts';

export function openGroupWindow(sessionId: string): Promise<void> {
  return openRoute(groupRoute(sessionId), `sotto-group-${sessionId}`, () => unwrap(api().openGroupWindow({ sessionId })));
}
