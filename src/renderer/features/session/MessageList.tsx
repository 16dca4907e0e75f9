// The conversation: a log that keeps to the bottom while new messages arrive, and pages older
// history in (history channel with `before`) as the person scrolls up, keeping their place.
import { Fragment, useCallback, useLayoutEffect, useRef, useState } from 'react';
import { api } from '../../ipc/api.ts';
import { unwrap } from '../../ipc/call.ts';
import { useFollowBottom } from '../../components/use-follow-bottom.ts';
import { useStore } from '../../store/index.ts';
import { startsNewDay } from './delivery.ts';
import { DayHeading, MessageItem } from './MessageItem.tsx';

export const PAGE_SIZE = 50;
const LOAD_WHEN_PX_FROM_TOP = 120;

export function MessageList({ contactId, author, onLink, onError }: { contactId: string; author: string; onLink(url: string): void; onError(err: unknown): void }) {
  const conversation = useStore((s) => s.conversations[contactId]);
  const ref = useRef<HTMLDivElement>(null);
  const [loading, setLoading] = useState(false);
  const heightBefore = useRef<number | null>(null);
  const messages = conversation?.messages ?? [];
  const first = messages[0]?.id;
  const last = messages[messages.length - 1]?.id;

  const loadOlder = useCallback(() => {
    const before = conversation?.nextBefore;
    if (loading || !conversation?.loaded || before === null || before === undefined) return;
    setLoading(true);
    heightBefore.current = ref.current?.scrollHeight ?? null;
    unwrap(api().history({ contactId, before, limit: PAGE_SIZE }))
      .then((page) => useStore.getState().addPage(contactId, page))
      .catch(onError)
      .finally(() => setLoading(false));
  }, [contactId, conversation, loading, onError]);

  // Older page prepended: keep the same message under the reader's eyes.
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && heightBefore.current !== null) {
      el.scrollTop += el.scrollHeight - heightBefore.current;
      heightBefore.current = null;
    }
  }, [first]);
  // New message at the end: follow it if the reader was at the bottom.
  const followBottom = useFollowBottom(ref, last);

  const onScroll = () => {
    const el = ref.current;
    if (!el) return;
    followBottom();
    if (el.scrollTop < LOAD_WHEN_PX_FROM_TOP) loadOlder();
  };

  return (
    <div ref={ref} className="messages" role="log" aria-label="Messages" aria-busy={loading} tabIndex={0} onScroll={onScroll}>
      {conversation?.loaded && conversation.nextBefore === null && <p className="history-start">Start of your conversation</p>}
      {loading && <p className="history-start">Loading earlier messages…</p>}
      {messages.map((m, i) => (
        <Fragment key={m.id}>
          {startsNewDay(messages[i - 1]?.sentAt, m.sentAt) && <DayHeading at={m.sentAt} />}
          <MessageItem message={m} author={author} onLink={onLink} />
        </Fragment>
      ))}
    </div>
  );
}
