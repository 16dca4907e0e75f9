import { useEffect } from 'react';
import { api } from '../../ipc/api.ts';
import { unwrap } from '../../ipc/call.ts';
import { useStore } from '../../store/index.ts';

function seen(): boolean {
  return document.visibilityState === 'visible' && document.hasFocus();
}

/** Unread clears while the session window is visible and focused (UI.md flow 3). */
export function useMarkRead(contactId: string, unread: number, onError: (err: unknown) => void): void {
  useEffect(() => {
    const mark = () => {
      if (!seen() || (useStore.getState().contacts[contactId]?.unread ?? 0) === 0) return;
      unwrap(api().markRead({ contactId }))
        .then((r) => useStore.getState().applyUnread(contactId, r.unread))
        .catch(onError);
    };
    mark();
    window.addEventListener('focus', mark);
    document.addEventListener('visibilitychange', mark);
    return () => {
      window.removeEventListener('focus', mark);
      document.removeEventListener('visibilitychange', mark);
    };
  }, [contactId, unread, onError]);
}
