// Outgoing message delivery (DESIGN D6, issue 5 item 7), pure. A message is persisted as queued
// before any byte leaves; it is re-sent on every reconnect until acked, so a crash or a dropped
// link can delay a message but never lose it; the receiver de-duplicates by message id.
//
//   queued --send--> sent --ack--> acked --read--> read
//   sent --linkDown--> queued          (no ack yet: send again on the next link)
//   queued --ack--> acked          (an ack for a copy sent before a restart)
import { CoreError } from './errors.ts';

export type DeliveryState = 'queued' | 'sent' | 'acked' | 'read';
export type DeliveryEvent = 'send' | 'linkDown' | 'ack' | 'read';

const ORDER: Record<DeliveryState, number> = { queued: 0, sent: 1, acked: 2, read: 3 };

export function nextDeliveryState(state: DeliveryState, event: DeliveryEvent): DeliveryState {
  switch (event) {
    case 'send':
      if (state === 'queued' || state === 'sent') return 'sent';
      break;
    case 'linkDown':
      return state === 'sent' ? 'queued' : state;
    case 'ack':
      // Acks are idempotent and may arrive twice (we re-sent, they acked both copies).
      return ORDER[state] >= ORDER.acked ? state : 'acked';
    case 'read':
      return 'read';
  }
  throw new CoreError('BAD_INPUT', `a ${state} message cannot be sent again`);
}

/** Whether a message must be (re)sent when a link to its contact comes up. */
export function needsSending(state: DeliveryState): boolean {
  return state === 'queued' || state === 'sent';
}
