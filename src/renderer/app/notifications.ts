// Notifications for messages and invitations in the browser host (Electron's shell shows native
// ones). Only the main window notifies, so several open windows give one notification; a message
// is not announced while its own session window has the focus, and nothing is in do not disturb.
import type { SottoEvent } from '../ipc/contract.ts';
import { useStore } from '../store/index.ts';
import { contactName } from '../features/contacts/presence.ts';

const CHANNEL = 'sotto.focus';

/** Session windows say when they gain or lose the focus, for the main window to know. */
export function announceFocus(contactId: string): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const channel = new BroadcastChannel(CHANNEL);
  const post = () => channel.postMessage({ contactId, focused: document.hasFocus() && document.visibilityState === 'visible' });
  // Closing the window unmounts nothing, so pagehide says "gone" too.
  const gone = () => channel.postMessage({ contactId, focused: false });
  post();
  window.addEventListener('focus', post);
  window.addEventListener('blur', post);
  window.addEventListener('pagehide', gone);
  document.addEventListener('visibilitychange', post);
  return () => {
    gone();
    window.removeEventListener('focus', post);
    window.removeEventListener('blur', post);
    window.removeEventListener('pagehide', gone);
    document.removeEventListener('visibilitychange', post);
    channel.close();
  };
}

export function notifyFromMainWindow(): (event: SottoEvent) => void {
  const focused = new Set<string>();
  if (typeof BroadcastChannel !== 'undefined') {
    new BroadcastChannel(CHANNEL).onmessage = (e: MessageEvent<{ contactId?: unknown; focused?: unknown }>) => {
      if (typeof e.data.contactId !== 'string') return;
      if (e.data.focused === true) focused.add(e.data.contactId);
      else focused.delete(e.data.contactId);
    };
  }
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') void Notification.requestPermission();

  const show = (title: string, body: string) => {
    const s = useStore.getState();
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    if (s.settings?.notifications === false || s.presence.state === 'dnd') return;
    new Notification(title, { body, tag: `sotto-${title}` });
  };
  return (event) => {
    const s = useStore.getState();
    if (event.type === 'message' && event.message.direction === 'in' && !focused.has(event.message.contactId)) {
      const c = s.contacts[event.message.contactId];
      const who = c ? contactName(c) : 'A contact';
      show(who, event.message.body.slice(0, 200));
    } else if (event.type === 'invitation-redeemed' && event.invitation.redeemer) {
      show(`${event.invitation.redeemer.displayName || 'Someone'} wants to connect`, 'Open Sotto to compare fingerprints and confirm.');
    }
  };
}
