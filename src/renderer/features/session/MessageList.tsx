// The conversation: a virtualised log (@tanstack/react-virtual, only the rows on screen are in the
// DOM, so a 10,000-message history scrolls as smoothly as a short one; docs/ARCHITECTURE.md
// "Renderer"). It keeps to the bottom while new messages arrive and the reader is there, and
// pages older history in (history channel with `before`) as the person scrolls up, keeping the
// message they were reading where it was.
import { useCallback, useLayoutEffect, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { api } from '../../ipc/api.ts';
import { unwrap } from '../../ipc/call.ts';
import { useCssBox } from '../../components/use-css-box.ts';
import { rangeKeeping } from '../../components/keep-rendered.ts';
import { useStore } from '../../store/index.ts';
import { startsNewDay } from './delivery.ts';
import { DayHeading, MessageItem } from './MessageItem.tsx';
import { ArrivalAnnouncer } from './ArrivalAnnouncer.tsx';

export const PAGE_SIZE = 50;
const LOAD_WHEN_PX_FROM_TOP = 120;
/** The history line above the first message ("Start of your conversation", "Loading…"). */
const HEAD_PX = 36;
/** A one-line message with its time; rows are measured once drawn, this only sizes the scrollbar until then. */
const ESTIMATED_ROW_PX = 56;
/** "At the bottom" within this many pixels: a new message is followed, as before virtualising. */
const FOLLOW_WITHIN_PX = 40;

export function MessageList({ contactId, author, onLink, onError }: { contactId: string; author: string; onLink(url: string): void; onError(err: unknown): void }) {
  const conversation = useStore((s) => s.conversations[contactId]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const headRef = useCssBox<HTMLDivElement>({ height: HEAD_PX });
  const [loading, setLoading] = useState(false);
  const messages = conversation?.messages ?? [];
  // The message holding keyboard focus (a link in it) stays drawn when scrolled away; by id, as a
  // page prepended above moves every index.
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const focusedIndex = focusedId === null ? -1 : messages.findIndex((m) => m.id === focusedId);

  // anchorTo 'end': when a page is prepended, the row at the top of the view keeps its place on
  // screen (no jump); followOnAppend: a new last row is scrolled to only when the reader was at
  // the bottom. The library writes row offsets and the list height through the CSSOM
  // (directDomUpdates), which the renderer's CSP allows, as it does for use-css-box.ts.
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_ROW_PX,
    getItemKey: (i) => messages[i]?.id ?? i,
    overscan: 6,
    paddingStart: HEAD_PX,
    paddingEnd: 12,
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: FOLLOW_WITHIN_PX,
    directDomUpdates: true,
    rangeExtractor: rangeKeeping(focusedIndex),
  });
  // A window opens on the latest message.
  useLayoutEffect(() => { virtualizer.scrollToEnd(); }, [virtualizer]);

  const loadOlder = useCallback(() => {
    const before = conversation?.nextBefore;
    if (loading || !conversation?.loaded || before === null || before === undefined) return;
    setLoading(true);
    unwrap(api().history({ contactId, before, limit: PAGE_SIZE }))
      .then((page) => useStore.getState().addPage(contactId, page))
      .catch(onError)
      .finally(() => setLoading(false));
  }, [contactId, conversation, loading, onError]);

  // End goes to the newest message. The browser's own End aims at the bottom as estimated when the
  // key is pressed, and rows measured on the way there move it; the virtualizer follows them.
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'End' || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    virtualizer.scrollToEnd();
  };

  const onFocus = (e: FocusEvent) => {
    const row = e.target instanceof Element ? e.target.closest<HTMLElement>('[data-index]') : null;
    setFocusedId(row ? messages[Number(row.dataset.index)]?.id ?? null : null);
  };
  const onBlur = (e: FocusEvent) => {
    if (!(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) setFocusedId(null);
  };

  const onScroll = () => {
    const el = scrollRef.current;
    if (el && el.scrollTop < LOAD_WHEN_PX_FROM_TOP) loadOlder();
  };

  const historyComplete = conversation?.loaded === true && conversation.nextBefore === null;
  const head = loading ? 'Loading earlier messages…' : historyComplete ? 'Start of your conversation' : '';
  return (
    <>
      {/* role=log is polite by itself; rows mounting as one scrolls are not news, so the log is
          silent and ArrivalAnnouncer speaks for messages that arrive while the window is open. */}
      <div ref={scrollRef} className="messages virtual" role="log" aria-live="off" aria-label="Messages" aria-busy={loading} tabIndex={0} onScroll={onScroll} onKeyDown={onKeyDown} onFocus={onFocus} onBlur={onBlur}>
        <div ref={virtualizer.containerRef} className="messages-inner">
          <div ref={headRef} className="history-head">{head && <p className="history-start">{head}</p>}</div>
          {virtualizer.getVirtualItems().map((row) => {
            const m = messages[row.index];
            if (!m) return null;
            const next = messages[row.index + 1];
            // A day's heading ends the row before it, not starts its own: a page prepended above
            // the top row then never changes that row's height (which would move what is being
            // read). The first message has its heading once the history is known to start there.
            return (
              <div key={row.key} data-index={row.index} ref={virtualizer.measureElement} className="message-row">
                {row.index === 0 && historyComplete && <DayHeading at={m.sentAt} />}
                <MessageItem message={m} author={author} onLink={onLink} />
                {next && startsNewDay(m.sentAt, next.sentAt) && <DayHeading at={next.sentAt} />}
              </div>
            );
          })}
        </div>
      </div>
      <ArrivalAnnouncer messages={messages} loaded={conversation?.loaded ?? false} author={author} />
    </>
  );
}
