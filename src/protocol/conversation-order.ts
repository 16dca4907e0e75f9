// One order for a conversation on both sides and in every layer (issue 9 item 6): the sender's
// timestamp, then the message id. Arrival order (seq) differs between the two sides when messages
// cross; these two fields are the same on both. The store sorts its pages with it and the renderer
// merges pages and live messages with it, so a window shows what the core returned, in the core's
// order (docs/ARCHITECTURE.md "Storage": pages are still cut by seq).
export function conversationOrder(a: { sentAt: number; id: string }, b: { sentAt: number; id: string }): number {
  return a.sentAt - b.sentAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
