// The message order rule of multi-party sessions (docs/PROTOCOL.md "Multi-party sessions"): every
// member shows the session's messages sorted by (lamport, sender identity key bytes, message id),
// and each message id once. The key is a property of the message itself, not of its arrival, so
// members that hold the same messages show them in the same order, with no coordinator involved.
import { compareBytes, toHex } from './bytes.ts';

export interface OrderedMessage {
  readonly id: Uint8Array;
  readonly lamport: number;
  readonly sender: Uint8Array;
}

export function compareSessionMessages(a: OrderedMessage, b: OrderedMessage): number {
  if (a.lamport !== b.lamport) return a.lamport < b.lamport ? -1 : 1;
  return compareBytes(a.sender, b.sender) || compareBytes(a.id, b.id);
}

/** A session's messages in display order, each id at most once. */
export class SessionTimeline<T extends OrderedMessage> {
  private readonly seen = new Set<string>();
  private readonly items: T[] = [];

  /** Inserts in order; returns the index it took, or null for an id already present (a repeat is dropped). */
  add(message: T): number | null {
    const key = toHex(message.id);
    if (this.seen.has(key)) return null;
    this.seen.add(key);
    // Binary search for the first item ordered after the message: late arrivals land in place.
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareSessionMessages(this.items[mid]!, message) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.items.splice(lo, 0, message);
    return lo;
  }

  has(id: Uint8Array): boolean {
    return this.seen.has(toHex(id));
  }

  get messages(): readonly T[] {
    return this.items;
  }
}
