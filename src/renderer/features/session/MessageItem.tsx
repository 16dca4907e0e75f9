import { memo } from 'react';
import type { MessageInfo } from '../../ipc/contract.ts';
import { deliveryWord } from './delivery.ts';
import { MessageText } from './MessageText.tsx';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });

export function DayHeading({ at }: { at: number }) {
  return <p className="day">{dayFormat.format(at)}</p>;
}

export const MessageItem = memo(function MessageItem({ message: m, author, onLink }: { message: MessageInfo; author: string; onLink(url: string): void }) {
  const out = m.direction === 'out';
  const word = out ? deliveryWord(m.status) : '';
  return (
    <article className={out ? 'message out' : 'message in'}>
      <span className="visually-hidden">{out ? 'You' : author}: </span>
      <MessageText body={m.body} onLink={onLink} />
      <span className="message-meta">
        <time dateTime={new Date(m.sentAt).toISOString()}>{timeFormat.format(m.sentAt)}</time>
        {word && <span className={`delivery delivery-${m.status}`}>{word}</span>}
      </span>
    </article>
  );
});
