// Message history and the outbox (DESIGN D6: persisted before sending, acked, de-duplicated).
//
// Plaintext columns: `seq` (profile-wide insertion order), `ref` = keyed hash of (contact id,
// message id) and `conversation` = keyed hash of the contact id. The hashes are under the data key,
// so a disk reader can group rows into conversations but cannot tell which contact one belongs to
// (the contacts table uses a different hash of the same id) nor read ids, bodies or times.
// Message ids are scoped per contact: a peer choosing an id that collides with another contact's
// message id cannot suppress or acknowledge that message.
//
// Outbox and unread counts would need the (encrypted) direction and status, so each conversation
// has one encrypted summary row listing the seqs of its outbox and unread messages; it is updated
// in the same transaction as the message, so the two never disagree.
import { conversationOrder } from '../../protocol/conversation-order.ts';
import { transaction, type Db } from './database.ts';
import { StoreError } from './errors.ts';
import {
  checkId, checkInput, checkStored, MessageSchema, MessageStatusSchema, STATUS_ORDER,
  type Message, type MessageStatus, type StoredMessage,
} from './records.ts';
import { bytesColumn, type Session, type WithSession } from './session.ts';

const MESSAGES = 'messages';
const CONVERSATIONS = 'conversations';
export const MAX_HISTORY_PAGE = 500;
const IN_CHUNK = 500; // bound on SQL parameters per query

interface ConversationSummary {
  contactId: string;
  /** seqs of outgoing messages not yet acked (queued or sent), ascending. */
  outbox: number[];
  /** seqs of incoming messages not yet read, ascending. */
  unread: number[];
}

export interface HistoryPage {
  /** Only messages with a smaller seq (older); omit for the newest page. */
  before?: number;
  limit: number;
}

// Pages are shown in conversation order (src/protocol/conversation-order.ts: the sender's timestamp,
// then the message id, the same on both sides) but cut by seq, the only plaintext order on disk: two
// messages that cross exactly at a page boundary may sit on neighbouring pages, while the order
// within what is shown is the same on both sides. A contact's clock decides where their messages
// sit, as the sender's clock does in every messenger that orders by send time.

export class Messages {
  readonly #withSession: WithSession;

  constructor(withSession: WithSession) {
    this.#withSession = withSession;
  }

  /**
   * Stores a message; committed when the promise resolves. Returns false, writing nothing,
   * when this contact already has a message with this id: the de-duplication of re-sent messages.
   */
  async append(message: Message): Promise<boolean> {
    const [stored] = await this.appendMany([message]);
    return stored !== undefined;
  }

  /**
   * Stores several messages in ONE transaction (a group commit: a burst of k frames costs one
   * commit, docs/ARCHITECTURE.md "Message path"). Returns, per input, the stored message or
   * undefined for a duplicate (that contact already has this id, also within the batch).
   */
  async appendMany(messages: readonly Message[]): Promise<(StoredMessage | undefined)[]> {
    if (!Array.isArray(messages)) throw StoreError.INVALID_ARGUMENT('messages must be an array');
    const valid = messages.map((m) => checkInput(MessageSchema, m, 'message'));
    if (valid.length === 0) return [];
    return this.#withSession((s) => transaction(s.db, () => {
      const summaries = new SummaryCache(s);
      const out = valid.map((m): StoredMessage | undefined => {
        const ref = messageRef(s, m.contactId, m.id);
        if (s.db.get('SELECT 1 AS found FROM messages WHERE ref = ?', [ref]) !== null) return undefined;
        const { conversation, summary } = summaries.of(m.contactId);
        const seq = nextSeq(s.db);
        const box = s.cipher.seal(MESSAGES, [seq, ref, conversation], m);
        s.db.run('INSERT INTO messages (seq, ref, conversation, box) VALUES (?, ?, ?, ?)', [seq, ref, conversation, box]);
        track(summary, seq, undefined, m.status, m.direction);
        return { ...m, seq };
      });
      summaries.writeAll();
      return out;
    }));
  }

  async get(contactId: string, id: string): Promise<StoredMessage | undefined> {
    checkId(contactId, 'contact id');
    checkId(id, 'message id');
    return this.#withSession((s) => readByRef(s, messageRef(s, contactId, id)));
  }

  /**
   * Moves a message forward (out: queued -> sent -> acked -> read; in: received -> read) and returns
   * it. A status that is not ahead of the current one is ignored (an ack may overtake the 'sent'
   * bookkeeping); a status of the other direction is INVALID_ARGUMENT; an unknown id is NOT_FOUND.
   */
  async updateStatus(contactId: string, id: string, status: MessageStatus): Promise<StoredMessage> {
    checkId(id, 'message id');
    const [moved] = await this.#moveMany(contactId, [id], status, 'throw');
    return moved!;
  }

  /**
   * updateStatus for several messages of one contact in ONE transaction (a burst of acks is one
   * commit). Unknown ids are skipped (an ack for a deleted conversation is harmless); returns
   * the messages found, in the order of `ids`, with their status after the call.
   */
  async updateStatusMany(contactId: string, ids: readonly string[], status: MessageStatus): Promise<StoredMessage[]> {
    if (!Array.isArray(ids)) throw StoreError.INVALID_ARGUMENT('ids must be an array');
    for (const id of ids) checkId(id, 'message id');
    return (await this.#moveMany(contactId, ids, status, 'skip')).filter((m) => m !== undefined);
  }

  async #moveMany(contactId: string, ids: readonly string[], status: MessageStatus, unknown: 'throw' | 'skip'): Promise<(StoredMessage | undefined)[]> {
    checkId(contactId, 'contact id');
    checkInput(MessageStatusSchema, status, 'message status');
    if (ids.length === 0) return [];
    return this.#withSession((s) => transaction(s.db, () => {
      const summaries = new SummaryCache(s);
      const out = ids.map((id) => {
        const current = readByRef(s, messageRef(s, contactId, id));
        if (current === undefined) {
          if (unknown === 'throw') throw StoreError.NOT_FOUND(`message ${id} of contact ${contactId}`);
          return undefined;
        }
        const order = STATUS_ORDER[current.direction];
        if (!order.includes(status)) throw StoreError.INVALID_ARGUMENT(`status ${status} does not apply to ${current.direction} messages`);
        if (order.indexOf(status) <= order.indexOf(current.status)) return current;
        const { conversation, summary } = summaries.of(contactId);
        const next = rewrite(s, current, conversation, status);
        track(summary, current.seq, current.status, status, current.direction);
        return next;
      });
      summaries.writeAll();
      return out;
    }));
  }

  /** Outgoing messages not yet acked (queued or sent), oldest first: what to (re)send on connect. */
  async listOutbox(contactId: string): Promise<StoredMessage[]> {
    checkId(contactId, 'contact id');
    return this.#withSession((s) => {
      const conversation = s.cipher.ref(CONVERSATIONS, contactId);
      return readBySeqs(s, conversation, readSummary(s, contactId, conversation).outbox);
    });
  }

  /**
   * One page of a conversation, newest first in conversation order (src/protocol conversationOrder); pass
   * the smallest seq you got as `before` for the next page.
   */
  async history(contactId: string, page: HistoryPage): Promise<StoredMessage[]> {
    checkId(contactId, 'contact id');
    const { before, limit } = page ?? {};
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_HISTORY_PAGE) {
      throw StoreError.INVALID_ARGUMENT(`history limit must be an integer in [1, ${MAX_HISTORY_PAGE}]`);
    }
    if (before !== undefined && (!Number.isSafeInteger(before) || before < 0)) {
      throw StoreError.INVALID_ARGUMENT('history before must be a sequence number');
    }
    return this.#withSession((s) => {
      const conversation = s.cipher.ref(CONVERSATIONS, contactId);
      const rows = s.db.all(
        'SELECT seq, ref, box FROM messages WHERE conversation = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
        [conversation, before ?? Number.MAX_SAFE_INTEGER, limit]);
      return rows.map((row) => decodeRow(s, row.seq, row.ref, conversation, row.box)).sort(conversationOrder).reverse();
    });
  }

  async unreadCount(contactId: string): Promise<number> {
    checkId(contactId, 'contact id');
    return this.#withSession((s) => readSummary(s, contactId, s.cipher.ref(CONVERSATIONS, contactId)).unread.length);
  }

  /** Unread incoming messages per contact id; contacts with none are left out. */
  async unreadCounts(): Promise<Record<string, number>> {
    return this.#withSession((s) => {
      const counts: Record<string, number> = {};
      for (const row of s.db.all('SELECT ref, box FROM conversations')) {
        const summary = decodeSummary(s, bytesColumn(row.ref) ?? new Uint8Array(0), row.box);
        if (summary.unread.length > 0) counts[summary.contactId] = summary.unread.length;
      }
      return counts;
    });
  }

  /** Marks every unread incoming message of the contact as read; returns how many changed. */
  async markRead(contactId: string): Promise<number> {
    checkId(contactId, 'contact id');
    return this.#withSession((s) => transaction(s.db, () => {
      const conversation = s.cipher.ref(CONVERSATIONS, contactId);
      const summary = readSummary(s, contactId, conversation);
      const unread = readBySeqs(s, conversation, summary.unread);
      for (const message of unread) rewrite(s, message, conversation, 'read');
      summary.unread = [];
      writeSummary(s, conversation, summary);
      return unread.length;
    }));
  }

  /**
   * Moves a contact's whole history to another contact id in one transaction (a re-keyed pairing
   * gets a fresh id, core/invitations.ts): every row is re-sealed under the new id with a new seq
   * in the old order, statuses and the outbox/unread summary kept. Returns the count.
   */
  async moveConversation(fromContactId: string, toContactId: string): Promise<number> {
    checkId(fromContactId, 'contact id');
    checkId(toContactId, 'contact id');
    if (fromContactId === toContactId) return 0;
    return this.#withSession((s) => transaction(s.db, () => {
      const from = s.cipher.ref(CONVERSATIONS, fromContactId);
      const to = s.cipher.ref(CONVERSATIONS, toContactId);
      const rows = s.db.all('SELECT seq, ref, box FROM messages WHERE conversation = ? ORDER BY seq', [from]);
      const moved = rows.map((row) => decodeRow(s, row.seq, row.ref, from, row.box));
      s.db.run('DELETE FROM messages WHERE conversation = ?', [from]);
      s.db.run('DELETE FROM conversations WHERE ref = ?', [from]);
      const summary = readSummary(s, toContactId, to);
      for (const { seq: _old, ...m } of moved) {
        const next = { ...m, contactId: toContactId };
        const ref = messageRef(s, toContactId, next.id);
        if (s.db.get('SELECT 1 AS found FROM messages WHERE ref = ?', [ref]) !== null) continue;
        const seq = nextSeq(s.db);
        s.db.run('INSERT INTO messages (seq, ref, conversation, box) VALUES (?, ?, ?, ?)', [seq, ref, to, s.cipher.seal(MESSAGES, [seq, ref, to], next)]);
        track(summary, seq, undefined, next.status, next.direction);
      }
      writeSummary(s, to, summary);
      return moved.length;
    }));
  }

  /** Deletes a contact's whole history (secure_delete zeroes the freed pages); returns the count. */
  async deleteConversation(contactId: string): Promise<number> {
    checkId(contactId, 'contact id');
    return this.#withSession((s) => transaction(s.db, () => {
      const conversation = s.cipher.ref(CONVERSATIONS, contactId);
      const { changes } = s.db.run('DELETE FROM messages WHERE conversation = ?', [conversation]);
      s.db.run('DELETE FROM conversations WHERE ref = ?', [conversation]);
      return changes;
    }));
  }
}

function messageRef(s: Session, contactId: string, id: string): Uint8Array {
  // contactId has no \x1f-free guarantee, so length-prefix it to keep (contact, id) pairs distinct.
  return s.cipher.ref(MESSAGES, `${contactId.length}:${contactId}\x1f${id}`);
}

function nextSeq(db: Db): number {
  // AUTOINCREMENT keeps sqlite_sequence at the largest seq ever used, so seqs never repeat even
  // after deletes; we pick the seq ourselves because it is part of the row's associated data.
  const row = db.get("SELECT seq FROM sqlite_sequence WHERE name = 'messages'");
  const last = typeof row?.seq === 'number' ? row.seq : 0;
  return last + 1;
}

function rewrite(s: Session, message: StoredMessage, conversation: Uint8Array, status: MessageStatus): StoredMessage {
  const { seq, ...record } = message;
  const next = { ...record, status };
  const ref = messageRef(s, next.contactId, next.id);
  s.db.run('UPDATE messages SET box = ? WHERE seq = ?', [s.cipher.seal(MESSAGES, [seq, ref, conversation], next), seq]);
  return { ...next, seq };
}

function readByRef(s: Session, ref: Uint8Array): StoredMessage | undefined {
  const row = s.db.get('SELECT seq, conversation, box FROM messages WHERE ref = ?', [ref]);
  if (row === null) return undefined;
  return decodeRow(s, row.seq, ref, bytesColumn(row.conversation) ?? new Uint8Array(0), row.box);
}

function readBySeqs(s: Session, conversation: Uint8Array, seqs: readonly number[]): StoredMessage[] {
  const out: StoredMessage[] = [];
  for (let i = 0; i < seqs.length; i += IN_CHUNK) {
    const chunk = seqs.slice(i, i + IN_CHUNK);
    const rows = s.db.all(
      `SELECT seq, ref, box FROM messages WHERE conversation = ? AND seq IN (${chunk.map(() => '?').join(',')}) ORDER BY seq`,
      [conversation, ...chunk]);
    for (const row of rows) out.push(decodeRow(s, row.seq, row.ref, conversation, row.box));
  }
  return out;
}

function decodeRow(s: Session, seq: unknown, ref: unknown, conversation: Uint8Array, box: unknown): StoredMessage {
  const refBytes = bytesColumn(ref);
  if (typeof seq !== 'number' || refBytes === undefined) throw StoreError.CORRUPT('messages row has bad key columns');
  const message = checkStored(MessageSchema, s.cipher.open(MESSAGES, [seq, refBytes, conversation], box), 'message');
  return { ...message, seq };
}

function readSummary(s: Session, contactId: string, conversation: Uint8Array): ConversationSummary {
  const row = s.db.get('SELECT box FROM conversations WHERE ref = ?', [conversation]);
  if (row === null) return { contactId, outbox: [], unread: [] };
  const summary = decodeSummary(s, conversation, row.box);
  if (summary.contactId !== contactId) throw StoreError.CORRUPT('conversation summary holds another contact');
  return summary;
}

function decodeSummary(s: Session, conversation: Uint8Array, box: unknown): ConversationSummary {
  const plain = s.cipher.open(CONVERSATIONS, [conversation], box) as Partial<ConversationSummary> | null;
  const isSeqs = (v: unknown): v is number[] => Array.isArray(v) && v.every((n) => Number.isSafeInteger(n));
  if (typeof plain?.contactId !== 'string' || !isSeqs(plain.outbox) || !isSeqs(plain.unread)) {
    throw StoreError.CORRUPT('conversation summary is malformed');
  }
  return { contactId: plain.contactId, outbox: plain.outbox, unread: plain.unread };
}

function writeSummary(s: Session, conversation: Uint8Array, summary: ConversationSummary): void {
  const box = s.cipher.seal(CONVERSATIONS, [conversation], summary);
  s.db.run('INSERT INTO conversations (ref, box) VALUES (?, ?) ON CONFLICT (ref) DO UPDATE SET box = excluded.box', [conversation, box]);
}

/** Each conversation's summary read once and written once per transaction, however many rows change. */
class SummaryCache {
  readonly #s: Session;
  readonly #open = new Map<string, { conversation: Uint8Array; summary: ConversationSummary }>();

  constructor(s: Session) {
    this.#s = s;
  }

  of(contactId: string): { conversation: Uint8Array; summary: ConversationSummary } {
    let entry = this.#open.get(contactId);
    if (entry === undefined) {
      const conversation = this.#s.cipher.ref(CONVERSATIONS, contactId);
      entry = { conversation, summary: readSummary(this.#s, contactId, conversation) };
      this.#open.set(contactId, entry);
    }
    return entry;
  }

  writeAll(): void {
    for (const { conversation, summary } of this.#open.values()) writeSummary(this.#s, conversation, summary);
  }
}

function isOutbox(status: MessageStatus | undefined): boolean {
  return status === 'queued' || status === 'sent';
}

function isUnread(status: MessageStatus | undefined, direction: Message['direction']): boolean {
  return direction === 'in' && status === 'received';
}

/** Keeps the summary's seq lists in step with one message's status change. */
function track(summary: ConversationSummary, seq: number, from: MessageStatus | undefined, to: MessageStatus, direction: Message['direction']): void {
  const out = direction === 'out';
  summary.outbox = adjust(summary.outbox, seq, out && isOutbox(from), out && isOutbox(to));
  summary.unread = adjust(summary.unread, seq, isUnread(from, direction), isUnread(to, direction));
}

function adjust(seqs: number[], seq: number, was: boolean, is: boolean): number[] {
  if (was === is) return seqs;
  if (is) return [...seqs, seq].sort((a, b) => a - b);
  return seqs.filter((n) => n !== seq);
}
