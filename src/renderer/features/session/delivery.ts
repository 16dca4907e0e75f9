import type { MessageInfo } from '../../ipc/contract.ts';

/** Delivery marks in words (UI.md flow 3): sending, sent, delivered, read. */
export function deliveryWord(status: MessageInfo['status']): string {
  switch (status) {
    case 'queued': return 'sending';
    case 'sent': return 'sent';
    case 'acked': return 'delivered';
    case 'read': return 'read';
    case 'received': return '';
  }
}

/** "Tuesday 14:02" style day headings: true when b starts a new local day after a. */
export function startsNewDay(a: number | undefined, b: number): boolean {
  if (a === undefined) return true;
  return new Date(a).toDateString() !== new Date(b).toDateString();
}
