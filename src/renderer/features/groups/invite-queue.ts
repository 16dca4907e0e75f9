// Sends the invitations queued in this window's store one at a time: a member may run one
// invitation at a time (SESSION_BUSY otherwise), so the next goes out once the running one ended
// (joined, declined, expired or refused; store/group-sessions-slice.ts).
import { api } from '../../ipc/api.ts';
import { toUiError, unwrap } from '../../ipc/call.ts';
import { useStore } from '../../store/index.ts';

type StoreApi = typeof useStore;

function pump(sessionId: string, store: StoreApi): void {
  const invitee = store.getState().takeNextGroupInvite(sessionId);
  if (invitee === null) return;
  unwrap(api().groupInvite({ sessionId, invitee })).catch((err: unknown) => {
    store.getState().applyInviteOutcome(sessionId, invitee, 'failed', toUiError(err).code);
  });
}

function pumpAll(store: StoreApi): void {
  for (const [sessionId, run] of Object.entries(store.getState().groupInvites)) {
    if (run.current === null && run.queue.length > 0) pump(sessionId, store);
  }
}

/** Follows the queues of this window for as long as it lives; returns the stop function. */
export function followGroupInvites(store: StoreApi = useStore): () => void {
  pumpAll(store);
  return store.subscribe((s, prev) => {
    if (s.groupInvites !== prev.groupInvites) pumpAll(store);
  });
}
