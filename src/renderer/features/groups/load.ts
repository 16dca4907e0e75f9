// Reads the group chats the core holds: a window opened later (or after a reconnect) did not see
// the events that built them.
import { api } from '../../ipc/api.ts';
import { unwrap } from '../../ipc/call.ts';
import { useStore } from '../../store/index.ts';

export async function loadGroups(): Promise<void> {
  useStore.getState().setGroupList(await unwrap(api().groupList()));
}

export async function loadGroupMessages(sessionId: string): Promise<void> {
  useStore.getState().setGroupMessages(sessionId, await unwrap(api().groupMessages({ sessionId })));
}
