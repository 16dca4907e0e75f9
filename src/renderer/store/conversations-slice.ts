import { conversationOrder } from '../../protocol/conversation-order.ts';
import type { HistoryPage, MessageInfo } from '../ipc/contract.ts';
import type { Slice } from './types.ts';

export interface Conversation {
  /** Oldest first in the core's conversation order (sender time, then id), without duplicates. */
  messages: MessageInfo[];
  /** The core's cursor for the previous page, passed back as it came; null once the beginning is loaded. */
  nextBefore: number | null;
  /** false until the first page arrived. */
  loaded: boolean;
}

export interface ConversationsSlice {
  conversations: Record<string, Conversation>;
  /** A page of older messages (history with `before`), or the first page. */
  addPage(contactId: string, page: HistoryPage): void;
  /** A live message (sent by us or received). */
  addMessage(message: MessageInfo): void;
  applyMessageStatus(contactId: string, messageId: string, status: MessageInfo['status']): void;
}

const EMPTY: Conversation = { messages: [], nextBefore: null, loaded: false };

/** Merges by id (a live message may also arrive in a page) in the core's conversation order. */
export function mergeMessages(a: MessageInfo[], b: MessageInfo[]): MessageInfo[] {
  const byId = new Map<string, MessageInfo>();
  for (const m of a) byId.set(m.id, m);
  for (const m of b) byId.set(m.id, m);
  return [...byId.values()].sort(conversationOrder);
}

export const createConversationsSlice: Slice<ConversationsSlice> = (set) => ({
  conversations: {},
  addPage: (contactId, page) => set((s) => {
    const prev = s.conversations[contactId] ?? EMPTY;
    return {
      conversations: {
        ...s.conversations,
        [contactId]: { messages: mergeMessages(page.messages, prev.messages), nextBefore: page.nextBefore, loaded: true },
      },
    };
  }),
  addMessage: (message) => set((s) => {
    const prev = s.conversations[message.contactId] ?? EMPTY;
    const last = prev.messages[prev.messages.length - 1];
    // Fast path: the usual live message is newer than everything we hold.
    const messages = last && conversationOrder(last, message) < 0 && !prev.messages.some((m) => m.id === message.id)
      ? [...prev.messages, message]
      : mergeMessages(prev.messages, [message]);
    return { conversations: { ...s.conversations, [message.contactId]: { ...prev, messages } } };
  }),
  applyMessageStatus: (contactId, messageId, status) => set((s) => {
    const prev = s.conversations[contactId];
    if (!prev) return {};
    const messages = prev.messages.map((m) => (m.id === messageId ? { ...m, status } : m));
    return { conversations: { ...s.conversations, [contactId]: { ...prev, messages } } };
  }),
});
