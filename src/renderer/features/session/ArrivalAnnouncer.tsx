import { useState } from 'react';
import type { MessageInfo } from '../../ipc/contract.ts';

/**
 * Tells a screen reader about a message the contact sends while the window is open, wherever the
 * reader has scrolled to. The message log itself stays silent: it is virtualised, so its rows come
 * and go as one scrolls, and a live log would read each of them out as if it were new. History
 * that was there when the window opened, older pages and one's own messages are not announced.
 */
export function ArrivalAnnouncer({ messages, loaded, author }: { messages: readonly MessageInfo[]; loaded: boolean; author: string }) {
  // The newest message when the history first came in; only messages after it arrived live.
  const [seenUpTo, setSeenUpTo] = useState<string | null | undefined>(undefined);
  const newest = messages[messages.length - 1];
  if (loaded && seenUpTo === undefined) setSeenUpTo(newest?.id ?? null);
  const arrived = seenUpTo !== undefined && newest !== undefined && newest.id !== seenUpTo && newest.direction === 'in' ? newest : null;
  // A new child per message (keyed by id) is an addition the live region reads, even when two
  // messages say the same thing.
  return (
    <div className="visually-hidden" aria-live="polite">
      {arrived && <p key={arrived.id}>{author}: {arrived.body}</p>}
    </div>
  );
}
