import { memo, useRef } from 'react';
import { useFollowBottom } from '../../components/use-follow-bottom.ts';
import type { GroupMessage } from '../../store/group-sessions-slice.ts';
import { useStore } from '../../store/index.ts';
import { MessageText } from '../session/MessageText.tsx';
import { memberName, type MemberNames } from './names.ts';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

const GroupMessageItem = memo(function GroupMessageItem({ message: m, author, own, onLink }: { message: GroupMessage; author: string; own: boolean; onLink(url: string): void }) {
  return (
    <article className={own ? 'message out' : 'message in'}>
      {own ? <span className="visually-hidden">You: </span> : <span className="message-author">{author}: </span>}
      <MessageText body={m.body} onLink={onLink} />
      <span className="message-meta"><time dateTime={new Date(m.sentAt).toISOString()}>{timeFormat.format(m.sentAt)}</time></span>
    </article>
  );
});

/** The chat's messages in the session's order (the same on every member's screen); keeps to the bottom. */
export function GroupMessages({ sessionId, names, onLink }: { sessionId: string; names: MemberNames; onLink(url: string): void }) {
  const messages = useStore((s) => s.groups[sessionId]?.messages);
  const ref = useRef<HTMLDivElement>(null);
  const onScroll = useFollowBottom(ref, messages?.[messages.length - 1]?.id);
  return (
    <div ref={ref} className="messages" role="log" aria-label="Messages" tabIndex={0} onScroll={onScroll}>
      {messages?.length === 0 && <p className="history-start">No messages yet. A group chat's messages are kept only while you are in it.</p>}
      {messages?.map((m) => (
        <GroupMessageItem key={m.id} message={m} own={m.sender === names.self} author={memberName(names, m.sender)} onLink={onLink} />
      ))}
    </div>
  );
}
