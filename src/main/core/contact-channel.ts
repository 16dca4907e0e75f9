// Everything live about one contact: its rendezvous (endpoint + entry + lookups), the one link we
// keep to it (deterministic tie-break), what it announced, and the frames we exchange: hello,
// presence, messages with acks, receipts, typing (DESIGN D6). Persistent state stays in the store;
// this object holds only what dies with the session.
import { compareBytes, fromHex, roleOf, toHex, upgradeSharedKey, type Identity } from '../../protocol/index.ts';
import type { Frame, SessionFrame } from '../../protocol/frames.ts';
import { isGroupPayload } from '../../protocol/group-frames.ts';
import type { ContactRecord, Message, MessageStatus, ProfileStore, StoredMessage } from '../store/index.ts';
import { afterMs, CommitBatch } from './commit-batch.ts';
import type { Clock } from './clock.ts';
import type { LinkFactory, LinkPort, RegistryPort, TorPort } from './ports.ts';
import { preferLink } from '../link/index.ts';
import { HIDE_BYE, announcedTo, visibilityOf, type Visibility } from './visibility.ts';
import { Rendezvous, rememberedEndpointOf, type RememberedEndpoint, type RendezvousTimings } from './rendezvous.ts';
import { PEER_FAULT_LINK_CODES } from './link-faults.ts';
import type { EndpointGroups } from './endpoint-groups.ts';
import { declineWasTaken } from './invitation-session.ts';
import { deriveContactPresence, samePresence, type AnnouncedState, type ContactPresence, type OwnPresence } from './presence.ts';
import type { CoreEvent, MessageInfo } from './types.ts';


export interface ChannelHost {
  identity: Identity;
  displayName(): string;
  ownPresence(): OwnPresence;
  store: ProfileStore;
  clock: Clock;
  tor: TorPort;
  registry: RegistryPort;
  links: LinkFactory;
  timings: RendezvousTimings;
  /** Set when this contact's endpoint is shared with others (large address book, DESIGN D5). */
  groups?: EndpointGroups | null;
  emit(event: CoreEvent): void;
  /** The redeemer's pending contact was confirmed by the inviter (link on K_AB or accept frame). */
  onConfirmed(contactId: string): void;
  /** The inviter refused us under s: declined by the user, or `taken` by someone else first. */
  onDeclined(contactId: string, taken: boolean): void;
  /** Sealed invitation on the inviter side: the first link proves the contact took it. */
  onFirstLink(contactId: string): void;
  /** The contact revoked or deleted us (`session leave`, docs/PROTOCOL.md): the pairing is over. */
  onRevoked(contactId: string): void;
  /** A multi-party session frame from this contact (src/main/group; docs/PROTOCOL.md "Multi-party sessions"). */
  onSessionFrame?(peer: Uint8Array, frame: SessionFrame): void;
  /** A new link to this contact is up: group frames written on the one it replaced may be lost. */
  onSessionLinkUp?(peer: Uint8Array): void;
}

/**
 * How long our `acked` commit and the unread count gather (both wait on nothing: the sender was
 * shown `acked` when the ack arrived, and a count 25 ms late is not visible). A crash inside the
 * window loses only bookkeeping: the message is re-sent on the next link and the peer acks again.
 */
export const BOOKKEEPING_WINDOW_MS = 25;

/** Loose fields the core adds to the store's ContactRecord (the store keeps unknown fields). */
export interface CoreContactFields {
  conversationId?: string;
  /** Redeemer of an open invitation, until the inviter confirms: s, hex. Erased on upgrade. */
  bootstrapSecret?: string;
  /** Redeemer of an open invitation: its expiry; the wait for confirmation ends there. */
  bootstrapExpiresAt?: number;
  /** Inviter of a sealed invitation: the invitation id, until the first link. */
  invitationId?: string;
  /** Display name the contact announced in hello. */
  peerName?: string;
  /** The contact's endpoint while our last run had a link to it (Rendezvous "remembered"). */
  peerEndpoint?: RememberedEndpoint | null;
}
export type CoreContactRecord = ContactRecord & CoreContactFields;

export function toMessageInfo(m: StoredMessage): MessageInfo {
  return {
    id: m.id, contactId: m.contactId, conversationId: m.conversationId, direction: m.direction, body: m.body,
    sentAt: m.sentAt, receivedAt: m.receivedAt ?? null, status: m.status, seq: m.seq,
  };
}

export class ContactChannel {
  readonly contactId: string;
  record: CoreContactRecord;
  private readonly host: ChannelHost;
  private readonly peer: Uint8Array;
  private main: Rendezvous | null = null;
  private bootstrap: Rendezvous | null = null;
  private link: LinkPort | null = null;
  private announced: { state: AnnouncedState; text: string } | null = null;
  private presence: ContactPresence = { state: 'offline', text: '' };
  private stopped = false;
  /**
   * Stopped by a revoke or delete (set only with `stopped`): every link to this contact that still
   * comes up gets the `session leave` too (sayLeave), not only the one current at the stop.
   */
  private leaving = false;
  private flushing: Promise<void> = Promise.resolve();
  /**
   * Ids written on the current link and not acked yet. A link is an ordered, reliable stream: what
   * was written on it arrives or the link dies, so nothing is written twice on one link (issue 11
   * item 3: a burst of k messages is k frames, not k^2/2). Reset with every new link.
   */
  private sentOnLink = new Set<string>();
  /**
   * Ids this link's peer acked whose `acked` is not committed yet: shown (and reported) as acked
   * at once. The ack is the peer's promise that its commit is done, so the user learns it one
   * commit sooner; our own `acked` commit is bookkeeping off the round trip (issue 11 item 2,
   * docs/ARCHITECTURE.md "Message path"). If it is lost (crash, failed commit), the store still
   * says queued: the next link re-sends, the peer de-duplicates and acks again.
   */
  private ackedOnLink = new Set<string>();
  /** New outgoing messages (queue()) not yet written; the next flush takes them. */
  private pendingOut: StoredMessage[] = [];
  /** The next flush reads the whole outbox from the store (new link, confirmation). */
  private rescan = true;
  private readonly incoming: CommitBatch<{ link: LinkPort; frameId: Uint8Array; message: Message }>;
  private readonly acks: CommitBatch<string>;
  /** Unread count to report after new messages were stored (one query per window, not per message). */
  private readonly unread: CommitBatch<null>;

  constructor(host: ChannelHost, contactId: string, record: CoreContactRecord) {
    this.host = host;
    this.contactId = contactId;
    this.record = record;
    this.peer = fromHex(record.identityPk, 32);
    const onError = (code: string) => (err: Error): void => host.emit({ type: 'warning', code, message: err.message, contactId });
    this.incoming = new CommitBatch({ commit: (items) => this.commitIncoming(items), onError: onError('INBOX') });
    // Our own `acked` commit and the unread count wait on nothing, so they gather over
    // BOOKKEEPING_WINDOW_MS: one transaction or query per window under a burst, and neither runs
    // right after a write, while the peer's answer is on its way (docs/ARCHITECTURE.md "Message path").
    this.acks = new CommitBatch({ commit: (ids) => this.commitAcks(ids), onError: onError('OUTBOX'), defer: afterMs(BOOKKEEPING_WINDOW_MS) });
    this.unread = new CommitBatch({ commit: () => this.reportUnread(), onError: onError('STORE'), defer: afterMs(BOOKKEEPING_WINDOW_MS) });
  }

  get currentPresence(): ContactPresence { return this.presence; }
  get linkUp(): boolean { return this.link !== null; }

  /** Whether this contact should see us (a hidden contact gets a dummy entry and no link). */
  private announcement(): { state: AnnouncedState; text: string } | null {
    const r = this.record;
    return announcedTo(this.host.ownPresence(), { visible: r.visible, blocked: r.phase === 'blocked', revoked: r.phase === 'revoked' });
  }

  async start(): Promise<void> {
    if (this.record.phase === 'revoked' || this.record.phase === 'blocked') return;
    const visibility = this.visibility();
    const ownRole = roleOf(this.host.identity.publicKey, this.peer);
    this.main = this.makeRendezvous(this.contactId, fromHex(this.record.sharedKey, 32), ownRole, 'main');
    const starts = [this.main.start(visibility)];
    if (this.record.bootstrapSecret) {
      // Redeemer of an open invitation: meet the inviter under s (role 1, DESIGN D3) while also
      // serving K_AB, which only the confirming inviter can compute.
      this.bootstrap = this.makeRendezvous(`${this.contactId}/bootstrap`, fromHex(this.record.bootstrapSecret, 32), 1, 'bootstrap');
      starts.push(this.bootstrap.start(visibility));
    }
    await Promise.all(starts);
  }

  private visibility(): Visibility {
    return visibilityOf(this.announcement());
  }

  private makeRendezvous(id: string, sharedKey: Uint8Array, ownRole: 0 | 1, via: 'main' | 'bootstrap'): Rendezvous {
    const h = this.host;
    // Only a confirmed contact's own pairing comes back to a remembered endpoint.
    const remembers = via === 'main' && this.record.phase === 'confirmed';
    return new Rendezvous({
      pairing: { id, sharedKey, ownRole, peerIdentityPk: this.peer, firstMeeting: via === 'bootstrap' || this.record.phase === 'pending' },
      expectedPeer: this.peer,
      identity: h.identity,
      displayName: h.displayName,
      tor: h.tor, registry: h.registry, links: h.links, clock: h.clock, timings: h.timings,
      onLink: (link) => this.attach(link, via),
      // Entries only say where to dial (Rendezvous); presence comes from the link alone (presence.ts).
      onEntry: () => undefined,
      onWarning: (code, message) => h.emit({ type: 'warning', code, message, contactId: this.contactId }),
      ...(remembers ? {
        remembered: rememberedEndpointOf(this.record.peerEndpoint),
        onRemember: (peerEndpoint: RememberedEndpoint | null) => { void this.notePeerEndpoint(peerEndpoint); },
      } : {}),
      // The bootstrap under s is short-lived and may meet a redeemer we do not know: never grouped.
      groups: via === 'main' ? h.groups ?? null : null,
    });
  }

  /** Keeps one link per contact: the same rule on both sides (src/main/link tie-break). */
  attach(link: LinkPort, via: 'main' | 'bootstrap' | 'handover'): void {
    // A link that finished its handshake after a revoke (a dual-dial race): it may be the one
    // the tie-break keeps on the peer's side, the only one the peer still reads.
    if (this.leaving) { sayLeave(link); return; }
    // Hidden from this contact: exactly what a quit shows them (visibility.ts: the same bye).
    if (this.stopped || this.announcement() === null) { link.close(HIDE_BYE); return; }
    const existing = this.link;
    if (existing) {
      if (this.keepsExisting(existing, link)) { link.close('duplicate'); return; }
      this.link = null;
      existing.close('duplicate');
    }
    this.link = link;
    this.sentOnLink = new Set();
    this.rescan = true;
    link.onFrame((frame) => { void this.onFrame(link, frame).catch((err: Error) => this.protocolFailure(link, err)); });
    this.main?.setLinkUp(true);
    this.bootstrap?.setLinkUp(true);
    const me = this.announcement();
    void this.notePeerName(link.peerName);
    if (via === 'main' && this.record.bootstrapSecret) {
      // A link under K_AB: the inviter computed it, so the inviter confirmed us (DESIGN D3).
      this.host.onConfirmed(this.contactId);
    }
    if (this.record.phase === 'pending' && this.record.invitationId && via === 'main') this.host.onFirstLink(this.contactId);
    if (me && this.record.phase === 'confirmed') link.send({ type: 'presence', state: me.state, text: me.text });
    this.updatePresence();
    this.flushOutbox();
    if (this.record.phase === 'confirmed') this.host.onSessionLinkUp?.(this.peer);
    // Last: a link that closed before we got it (a bad frame right after hello) reports at once,
    // and must find the channel already marked as linked so `detached` can undo all of it.
    link.onClose((info) => {
      if (info.local && PEER_FAULT_LINK_CODES.has(info.code)) {
        // The link already told the peer (bye 'protocol') and dropped the stream; the rest of the
        // core carries on and the contact may dial again (lookups resume below).
        this.host.emit({ type: 'warning', code: info.code, message: `link closed: ${info.error?.message ?? info.code}`, contactId: this.contactId });
      }
      this.detached(link);
    });
  }

  /**
   * DESIGN D6's one rule, shared with src/main/link: keep the link dialed by the smaller identity
   * key; of two dialed by one side, the newer. (It was applied inverted: both sides kept the
   * larger key's dial and the older of two, revoke-race.test.ts.)
   */
  private keepsExisting(existing: LinkPort, incoming: LinkPort): boolean {
    return preferLink(existing, incoming, this.host.identity.publicKey, this.peer) === existing;
  }

  private detached(link: LinkPort): void {
    if (this.link !== link) return;
    this.link = null;
    this.sentOnLink = new Set();
    this.main?.setLinkUp(false);
    this.bootstrap?.setLinkUp(false);
    this.updatePresence();
  }

  private protocolFailure(link: LinkPort, err: Error): void {
    this.host.emit({ type: 'warning', code: 'LINK_PROTOCOL', message: err.message, contactId: this.contactId });
    link.close('protocol');
  }

  private updatePresence(): void {
    const next = this.record.phase === 'confirmed' || this.record.phase === 'pending'
      ? deriveContactPresence({
        linkUp: this.link !== null && this.record.phase === 'confirmed',
        announced: this.announced,
      })
      : { state: 'offline' as const, text: '' };
    if (samePresence(next, this.presence)) return;
    this.presence = next;
    this.host.emit({ type: 'presence', contactId: this.contactId, state: next.state, text: next.text });
  }

  private async onFrame(link: LinkPort, frame: Frame): Promise<void> {
    if (this.link !== link) return;
    switch (frame.type) {
      case 'hello':
        return;
      case 'presence':
        this.announced = { state: frame.state, text: frame.text };
        this.updatePresence();
        return;
      case 'message': {
        if (this.record.phase !== 'confirmed') return;
        const message = {
          id: toHex(frame.id), contactId: this.contactId, conversationId: toHex(frame.conversationId), direction: 'in' as const,
          body: frame.body, sentAt: frame.sentAt, receivedAt: this.host.clock.now(), status: 'received' as const,
        };
        this.incoming.add({ link, frameId: frame.id, message });
        return;
      }
      case 'ack': {
        const id = toHex(frame.messageId);
        if (this.sentOnLink.delete(id)) {
          this.ackedOnLink.add(id);
          this.host.emit({ type: 'message-status', contactId: this.contactId, messageId: id, status: 'acked' });
        }
        this.acks.add(id);
        return;
      }
      case 'receipt':
        if (frame.kind === 'read') await this.setStatus(toHex(frame.messageId), 'read');
        return;
      case 'typing':
        if (this.record.typing) this.host.emit({ type: 'typing', contactId: this.contactId, active: frame.active });
        return;
      case 'session':
        if (isGroupPayload(frame)) {
          if (this.record.phase === 'confirmed') this.host.onSessionFrame?.(this.peer, frame);
          return;
        }
        if (frame.kind === 'accept' && this.record.bootstrapSecret) this.host.onConfirmed(this.contactId);
        else if (frame.kind === 'decline' && this.record.bootstrapSecret) this.host.onDeclined(this.contactId, declineWasTaken(frame.payload));
        // On a contact link an empty leave ends the pairing: they revoked or deleted us.
        else if (frame.kind === 'leave' && frame.payload.length === 0) this.host.onRevoked(this.contactId);
        return;
      case 'ping':
      case 'pong':
      case 'bye':
        // The link handles these itself (keepalive; bye arrives as onClose with its reason).
        return;
    }
  }

  private async notePeerEndpoint(peerEndpoint: RememberedEndpoint | null): Promise<void> {
    this.record = { ...this.record, peerEndpoint };
    await this.host.store.contacts.update(this.contactId, { peerEndpoint } as Partial<ContactRecord>)
      .catch((err: Error) => this.host.emit({ type: 'warning', code: 'STORE', message: err.message, contactId: this.contactId }));
  }

  private async notePeerName(name: string): Promise<void> {
    if (!name || name === this.record.peerName) return;
    this.record = { ...this.record, peerName: name };
    await this.host.store.contacts.update(this.contactId, { peerName: name } as Partial<ContactRecord>).catch(() => undefined);
  }

  /** A burst of message frames: one transaction, then the acks and events. */
  private async commitIncoming(items: { link: LinkPort; frameId: Uint8Array; message: Message }[]): Promise<void> {
    const store = this.host.store;
    const stored = await store.messages.appendMany(items.map((i) => i.message));
    // Acks only after the commit: an ack is a promise that the message survives a crash.
    for (const { link, frameId } of items) void link.send({ type: 'ack', messageId: frameId });
    // The stream writes the acks in a microtask queued just now; yielding here lets it go first,
    // so the events do not hold the ack back (issue 11 item 2).
    await null;
    const fresh = stored.filter((m) => m !== undefined);
    for (const m of fresh) this.host.emit({ type: 'message', message: toMessageInfo(m) });
    if (fresh.length > 0) this.unread.add(null);
  }

  private async reportUnread(): Promise<void> {
    if (this.stopped) return;
    this.host.emit({ type: 'unread', contactId: this.contactId, count: await this.host.store.messages.unreadCount(this.contactId) });
  }

  /**
   * A burst of acks: one transaction. An ack for a message we do not have (deleted) is skipped;
   * one already reported when its frame arrived is not reported twice.
   */
  private async commitAcks(ids: string[]): Promise<void> {
    try {
      for (const m of await this.host.store.messages.updateStatusMany(this.contactId, ids, 'acked')) {
        if (!this.ackedOnLink.has(m.id)) this.host.emit({ type: 'message-status', contactId: this.contactId, messageId: m.id, status: m.status });
      }
    } finally {
      for (const id of ids) this.ackedOnLink.delete(id);
    }
  }

  private async setStatus(id: string, status: 'read'): Promise<void> {
    const [m] = await this.host.store.messages.updateStatusMany(this.contactId, [id], status);
    if (m) this.host.emit({ type: 'message-status', contactId: this.contactId, messageId: id, status: m.status });
  }

  /**
   * Sends every queued message not yet written on this link, oldest first (DESIGN D6: re-sent on
   * reconnect): the whole outbox from the store on the first flush of a link, then only what
   * queue() added.
   */
  flushOutbox(): void {
    this.rescan = true;
    this.scheduleFlush();
  }

  /** A message just appended to the outbox (core sendMessage): written now if a link is up. */
  queue(message: StoredMessage): void {
    this.pendingOut.push(message);
    this.scheduleFlush();
  }

  /**
   * The status to show: 'sent' is this link's bookkeeping, not written to the store (one commit
   * per side per message, docs/ARCHITECTURE.md "Message path"); the store says 'queued' until acked.
   */
  shownStatus(message: StoredMessage): MessageStatus {
    if (message.status !== 'queued') return message.status;
    return this.ackedOnLink.has(message.id) ? 'acked' : this.sentOnLink.has(message.id) ? 'sent' : 'queued';
  }

  private scheduleFlush(): void {
    this.flushing = this.flushing.then(() => this.flushOnce()).catch((err: Error) => {
      this.host.emit({ type: 'warning', code: 'OUTBOX', message: err.message, contactId: this.contactId });
    });
  }

  private async flushOnce(): Promise<void> {
    const link = this.link;
    if (!link || this.record.phase !== 'confirmed' || this.stopped) {
      // Everything stays in the store's outbox; the next link reads it from there.
      this.pendingOut = [];
      this.rescan = true;
      return;
    }
    let batch = this.pendingOut;
    this.pendingOut = [];
    if (this.rescan) {
      this.rescan = false;
      batch = await this.host.store.messages.listOutbox(this.contactId);
    }
    for (const m of batch) {
      if (this.link !== link) return; // attach() of the next link asked for a rescan
      if (this.sentOnLink.has(m.id) || this.ackedOnLink.has(m.id)) continue;
      this.sentOnLink.add(m.id);
      // Back-pressure: the next frame waits until the stream takes more.
      await link.send({ type: 'message', id: fromHex(m.id, 16), conversationId: fromHex(m.conversationId, 16), sentAt: m.sentAt, body: m.body });
      // After the write (and after the core's 'message' event); not once its ack has come.
      if (this.sentOnLink.has(m.id)) this.host.emit({ type: 'message-status', contactId: this.contactId, messageId: m.id, status: 'sent' });
    }
  }

  sendTyping(active: boolean, conversationId: string): void {
    if (this.record.typing && this.record.phase === 'confirmed') this.link?.send({ type: 'typing', conversationId: fromHex(conversationId, 16), active });
  }

  sendReadReceipt(messageId: string): void {
    if (this.record.receipts && this.record.phase === 'confirmed') this.link?.send({ type: 'receipt', messageId: fromHex(messageId, 16), kind: 'read', at: this.host.clock.now() });
  }

  /** A multi-party session frame (src/main/group): written when a link is up; false otherwise. */
  sendSessionFrame(frame: SessionFrame): boolean {
    if (!this.link || this.record.phase !== 'confirmed') return false;
    void this.link.send(frame);
    return true;
  }

  sendSession(kind: 'accept' | 'decline'): void {
    this.link?.send({ type: 'session', kind, payload: new Uint8Array(0) });
  }

  /** Own presence or this contact's flags changed: re-publish, and drop the link when hidden. */
  async refresh(record?: CoreContactRecord): Promise<void> {
    if (record) this.record = record;
    const a = this.announcement();
    if (!a && this.link) {
      this.link.close(HIDE_BYE);
    } else if (a && this.link && this.record.phase === 'confirmed') {
      this.link.send({ type: 'presence', state: a.state, text: a.text });
    }
    const v = this.visibility();
    await Promise.all([this.main?.setVisibility(v), this.bootstrap?.setVisibility(v)]);
    this.updatePresence();
  }

  /** Redeemer side of the key upgrade: s is no longer needed; stop meeting under it. */
  async finishBootstrap(): Promise<void> {
    const b = this.bootstrap;
    this.bootstrap = null;
    if (b) await b.stop({ dropEntries: true });
    this.updatePresence();
    const a = this.announcement();
    if (a && this.link) this.link.send({ type: 'presence', state: a.state, text: a.text });
    this.flushOutbox();
  }

  rotate(): Promise<void> { return this.main?.rotate() ?? Promise.resolve(); }
  recreate(): Promise<void> { return Promise.all([this.main?.recreate(), this.bootstrap?.recreate()]).then(() => undefined); }

  /**
   * `revoked`: tell the contact first that this pairing is over (session leave), then bye. In a
   * dual-dial race the current link may be the one the peer's tie-break drops unread, so the
   * rendezvous hands up the links still in their handshake (lastWord) and each gets the leave
   * too (attach; docs/ARCHITECTURE.md "Revoke and delete").
   */
  async stop(opts: { dropEntries: boolean; bye: 'shutdown' | 'normal' | 'revoked' | null }): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.leaving = opts.bye === 'revoked';
    const link = this.link;
    this.link = null;
    if (link) {
      if (opts.bye === 'revoked') sayLeave(link);
      else link.close(opts.bye ?? 'normal');
    }
    const lastWord = this.leaving;
    await Promise.all([this.main?.stop({ dropEntries: opts.dropEntries, lastWord }), this.bootstrap?.stop({ dropEntries: true, lastWord })]);
    await Promise.all([this.flushing, this.incoming.settled(), this.acks.settled(), this.unread.settled()]);
  }
}

/** The end of a pairing as the peer must hear it: an empty `session leave`, then bye 'normal'. */
function sayLeave(link: LinkPort): void {
  void link.send({ type: 'session', kind: 'leave', payload: new Uint8Array(0) });
  link.close('normal');
}

/** Shared conversation id of a pair: both sides derive the same 16 bytes from the two keys. */
export function conversationIdOf(a: Uint8Array, b: Uint8Array, hash: (bytes: Uint8Array) => Uint8Array): string {
  const [low, high] = compareBytes(a, b) < 0 ? [a, b] : [b, a];
  const joined = new Uint8Array(64);
  joined.set(low, 0);
  joined.set(high, 32);
  return toHex(hash(joined).subarray(0, 16));
}

export { upgradeSharedKey };
