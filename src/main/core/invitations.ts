// The invitation workflow of the core (DESIGN D3, docs/ARCHITECTURE.md "Invitations"): creating
// open and sealed invitations, the inviter's live sessions under s, redemption, confirmation,
// decline, cancel and expiry, and the redeemer's side of each. SottoCore checks the inputs and
// delegates here; this file owns every invitation record and the contacts an invitation makes.
import { createHash } from 'node:crypto';
import {
  createOpenInvitation, createSealedInvitation, decodeContactCode, decodeInvitation, encodeContactCode, encodeInvitation,
  equalBytes, fingerprint, fromHex, isProtocolError, openSealedInvitation, safetyNumber, toHex, upgradeSharedKey, checkOpenInvitation,
  gatewayUrl, parseGatewayUrl, type InvitationGateway,
  type Identity,
} from '../../protocol/index.ts';
import type { ContactRecord, InvitationRecord, ProfileStore } from '../store/index.ts';
import {
  findInvitationLink, invitationEmailDraft, invitationLinkFromImage, renderInvitationQrPng, renderInvitationQrSvg,
  sendInvitationEmail, type InvitationEmailDraft, type SmtpSettings,
} from '../invite/index.ts';
import type { Clock } from './clock.ts';
import { CoreError } from './errors.ts';
import { conversationIdOf, type ContactChannel, type CoreContactRecord } from './contact-channel.ts';
import { InvitationSession, type Redeemer } from './invitation-session.ts';
import { takenTombstone, watchTaken } from './invitation-taken.ts';
import {
  isDue, isLive, nextInvitationState, redeemerWaitIsDue, type InvitationKind, type InvitationState,
} from './invitation-lifecycle.ts';
import type { RendezvousTimings } from './rendezvous.ts';
import type { LinkFactory, RegistryPort, TorPort } from './ports.ts';
import type { AcceptResult, ContactInfo, CoreEvent, InvitationInfo } from './types.ts';
import type { InvitationGateways } from './network-settings.ts';

/** What the workflow needs from the core that owns it. */
export interface InvitationHost {
  store(): ProfileStore;
  identity(): Identity;
  displayName(): string;
  services(): { tor: TorPort; registry: RegistryPort; links: LinkFactory };
  clock: Clock;
  timings: RendezvousTimings;
  /** True while the core shuts down: no new sessions start. */
  stopping(): boolean;
  /** Serialises user actions that read-modify-write the same records (SottoCore.serial). */
  serial<T>(fn: () => Promise<T>): Promise<T>;
  emit(event: CoreEvent): void;
  warn(code: string, message: string, contactId?: string): void;
  startChannel(id: string, record: CoreContactRecord): Promise<ContactChannel>;
  /** Stops a contact's channel (bye, entries dropped) before its record is replaced. */
  stopChannel(id: string): Promise<void>;
  channel(id: string): ContactChannel | undefined;
  removeContact(id: string): Promise<void>;
  contactInfo(id: string, record: ContactRecord): Promise<ContactInfo>;
  /** The profile's gateways: handed out in invitations (format v2), taken from one when it has none. */
  gateways?: InvitationGateways;
}

/** Loose fields the core adds to the store's InvitationRecord. */
interface CoreInvitationFields {
  side?: 'inviter' | 'redeemer';
  link?: string;
  /** Open: s, hex, erased once the invitation is finished (DESIGN D3). */
  secret?: string;
  contactId?: string;
  redeemerPk?: string;
  redeemerName?: string;
  /** Redeemer side, once refused: why (the same link then says INVITATION_TAKEN). */
  refusal?: 'taken' | 'declined';
}
export type CoreInvitationRecord = InvitationRecord & CoreInvitationFields;

/**
 * A new pairing with someone we already had a record of (revoked, unconfirmed, or a contact whose
 * other side forgot us) replaces that record: a fresh contact id (the registry and the links key
 * their state by it, so a new key under an old id would meet stale state), the nickname, settings
 * and the whole history carried over, the old record removed. A redeemer's confirmed record is
 * replaced only once the inviter confirms (`replaces`): a refused or expired attempt leaves it as
 * it was.
 */
interface Prior { id: string; record: CoreContactRecord }
type ReplacingRecord = CoreContactRecord & { replaces?: string };

export type NewInvitation = { kind: 'open' } | { kind: 'sealed'; contactCode: string; nickname: string };
export type InvitationSource = { imagePngBase64: string } | { text: string };

export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

export class Invitations {
  private readonly h: InvitationHost;
  private readonly sessions = new Map<string, InvitationSession>();
  /** Confirmed open invitations whose endpoint still carries the handed-over link. */
  private readonly retired = new Map<string, { session: InvitationSession; expiresAt: number }>();
  /** Redeemer side: each pending redemption's read of the inviter's "taken" tombstone, by contact id. */
  private readonly takenWatches = new Map<string, () => void>();

  constructor(host: InvitationHost) {
    this.h = host;
  }

  // ------------------------------------------------------------------------------ session life

  /**
   * Unlock: every live open invitation of ours meets its redeemer again under s, and every pending
   * redemption of ours reads the inviter's tombstone again (from the first sweep on).
   */
  async resume(): Promise<Promise<void>[]> {
    const starts: Promise<void>[] = [];
    for (const { id, record } of await this.h.store().invitations.list()) {
      const r = record as CoreInvitationRecord;
      if (r.side !== 'redeemer' && r.kind === 'open' && isLive('open', r.state) && r.secret) starts.push(this.startSession(id, r));
    }
    for (const { id, record } of await this.h.store().contacts.list()) this.watchTaken(id, record as CoreContactRecord);
    return starts;
  }

  /** Lock or quit: the sessions stop without declining anybody (they resume at the next unlock). */
  async stopAll(): Promise<void> {
    const sessions = [...this.sessions.values(), ...[...this.retired.values()].map((r) => r.session)];
    this.sessions.clear();
    this.retired.clear();
    for (const id of [...this.takenWatches.keys()]) this.unwatchTaken(id);
    await Promise.allSettled(sessions.map((s) => s.stop({ decline: false })));
  }

  private async startSession(id: string, record: CoreInvitationRecord): Promise<void> {
    if (this.sessions.has(id) || this.h.stopping()) return;
    const services = this.h.services();
    const session = new InvitationSession({
      invitationId: id,
      secret: fromHex(record.secret!, 32),
      identity: this.h.identity(),
      displayName: () => this.h.displayName(),
      redeemer: record.redeemerPk ? { publicKey: fromHex(record.redeemerPk, 32), displayName: record.redeemerName ?? '' } : null,
      tor: services.tor, registry: services.registry, links: services.links, clock: this.h.clock, timings: this.h.timings,
      onRedeemed: (who) => this.h.serial(() => this.redeemed(id, who)),
      onWarning: (code, message) => this.h.warn(code, message),
    });
    this.sessions.set(id, session);
    await session.start();
  }

  private takeSession(id: string): InvitationSession | undefined {
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    return session;
  }

  // ------------------------------------------------------------------------------ gateways

  /** `{ gateways }` for a new invitation (v2) when the host keeps network settings; v1 otherwise. */
  private ownGateways(): { gateways?: InvitationGateway[] } {
    return this.h.gateways ? { gateways: this.h.gateways.forInvitation().map(parseGatewayUrl) } : {};
  }

  /** A profile without gateways takes the inviter's; a failure is a warning, the contact stands. */
  private async adoptGateways(gateways: readonly InvitationGateway[], inviterName: string, contactId: string): Promise<void> {
    if (!this.h.gateways || gateways.length === 0) return;
    try {
      if (await this.h.gateways.adopt(gateways.map(gatewayUrl), inviterName || 'the inviter')) {
        this.h.warn('GATEWAYS_ADOPTED', `Using the ${gateways.length} gateway(s) from ${inviterName || 'the inviter'}'s invitation (see the network settings).`, contactId);
      }
    } catch (err) {
      this.h.warn('GATEWAYS_NOT_ADOPTED', `the invitation's gateways were not stored: ${(err as Error).message}`, contactId);
    }
  }

  // ------------------------------------------------------------------------------ inviter side

  create(input: NewInvitation, ttlMs: number): Promise<InvitationInfo> {
    return this.h.serial(async () => {
      const store = this.h.store();
      const identity = this.h.identity();
      const now = this.h.clock.now();
      const expiresAt = now + ttlMs;
      const id = toHex(this.h.clock.randomBytes(16));
      if (input.kind === 'open') {
        const secret = this.h.clock.randomBytes(32);
        const link = encodeInvitation(createOpenInvitation({ inviter: identity, secret, expiresAt, inviterName: this.h.displayName(), ...this.ownGateways() }));
        const record: CoreInvitationRecord = { kind: 'open', state: 'pending', createdAt: now, expiresAt, side: 'inviter', link, secret: toHex(secret) };
        await store.invitations.put(id, record);
        await this.startSession(id, record);
        const info = this.info(id, record);
        this.h.emit({ type: 'invitation', invitation: info });
        return info;
      }
      const peer = parseContactCode(input.contactCode);
      if (equalBytes(peer, identity.publicKey)) throw CoreError.INVITATION_FOR_SELF();
      const prior = await this.priorOf(peer);
      if (prior && isLiveContact(prior.record)) throw CoreError.ALREADY_CONTACT();
      const sharedKey = this.h.clock.randomBytes(32);
      const link = encodeInvitation(createSealedInvitation({
        inviter: identity, recipientPublicKey: peer, sharedKey, expiresAt, inviterName: this.h.displayName(),
        ephemeralSeed: this.h.clock.randomBytes(32), ...this.ownGateways(),
      }));
      const contactId = toHex(this.h.clock.randomBytes(16));
      const contact: CoreContactRecord = {
        ...this.newContact(peer, sharedKey, input.nickname || (prior?.record.nickname ?? ''), now, prior), phase: 'pending', invitationId: id,
      };
      await store.contacts.put(contactId, contact);
      if (prior) await this.replace(prior, contactId);
      const record: CoreInvitationRecord = { kind: 'sealed', state: 'pending', createdAt: now, expiresAt, side: 'inviter', link, contactId };
      await store.invitations.put(id, record);
      await this.h.startChannel(contactId, contact);
      this.h.emit({ type: 'contact', contact: await this.h.contactInfo(contactId, contact) });
      const info = this.info(id, record);
      this.h.emit({ type: 'invitation', invitation: info });
      return info;
    });
  }

  private async redeemed(id: string, who: Redeemer): Promise<boolean> {
    const store = this.h.store();
    const record = await store.invitations.get(id) as CoreInvitationRecord | undefined;
    if (!record || record.state !== 'pending') return false;
    if (this.h.clock.now() >= record.expiresAt) return false;
    const prior = await this.priorOf(who.publicKey);
    if (prior && isLiveContact(prior.record)) return false;
    const next: CoreInvitationRecord = {
      ...record, state: nextInvitationState('open', record.state, 'redeem'), redeemerPk: toHex(who.publicKey), redeemerName: who.displayName,
    };
    await store.invitations.put(id, next);
    const info = this.info(id, next);
    this.h.emit({ type: 'invitation', invitation: info });
    this.h.emit({ type: 'invitation-redeemed', invitation: info });
    return true;
  }

  /** The inviter confirms the redeemer (name + fingerprint seen): they become a contact, s is erased. */
  confirm(id: string, nickname: string | undefined): Promise<ContactInfo> {
    return this.h.serial(async () => {
      const store = this.h.store();
      const record = await store.invitations.get(id) as CoreInvitationRecord | undefined;
      if (!record || record.side === 'redeemer') throw CoreError.NOT_FOUND('invitation', id);
      // Past the expiry the redeemer has stopped waiting (redeemerWaitIsDue): a contact made now
      // would never meet them. The expiry loop finishes the record.
      if (isDue(record.state, record.expiresAt, this.h.clock.now())) throw CoreError.INVITATION_EXPIRED();
      const state = nextInvitationState(record.kind, record.state, 'confirm');
      const peer = fromHex(record.redeemerPk!, 32);
      const secret = fromHex(record.secret!, 32);
      const sharedKey = upgradeSharedKey(secret, this.h.identity(), peer);
      // Built while s is in hand, written once the contact is stored (docs/PROTOCOL.md "Invitation taken tombstone").
      const tombstone = takenTombstone({ secret, inviter: this.h.identity(), sharedKey, clock: this.h.clock });
      secret.fill(0);
      const prior = await this.priorOf(peer);
      if (prior && isLiveContact(prior.record)) throw CoreError.ALREADY_CONTACT();
      const contactId = toHex(this.h.clock.randomBytes(16));
      const contact: CoreContactRecord = {
        ...this.newContact(peer, sharedKey, nickname ?? (prior?.record.nickname || record.redeemerName || ''), this.h.clock.now(), prior),
        peerName: record.redeemerName ?? '',
      };
      await store.contacts.put(contactId, contact);
      if (prior) await this.replace(prior, contactId);
      const finished = finishedRecord(record, state, contactId);
      await store.invitations.put(id, finished);
      // Written once, never refreshed: a later redeemer learns "taken" from it, a reader of s
      // learns only that (and when) the invitation was used.
      this.h.services().registry.writeOnce?.(tombstone);
      const session = this.takeSession(id);
      const link = session?.takeLink() ?? null;
      link?.send({ type: 'session', kind: 'accept', payload: new Uint8Array(0) });
      // Nothing stays live under s (invitation-session.ts retire); the endpoint goes with the
      // handed-over link, or at the expiry at the latest.
      if (session) {
        session.retire();
        this.retired.set(id, { session, expiresAt: record.expiresAt });
        const done = (): void => { if (this.retired.delete(id)) void session.stop({ decline: false }); };
        if (link) link.onClose(done); else done();
      }
      const channel = await this.h.startChannel(contactId, contact);
      if (link) channel.attach(link, 'handover');
      const info = await this.h.contactInfo(contactId, contact);
      this.h.emit({ type: 'contact', contact: info });
      this.h.emit({ type: 'invitation', invitation: this.info(id, finished) });
      return info;
    });
  }

  finish(id: string, event: 'decline' | 'cancel'): Promise<InvitationInfo> {
    return this.h.serial(async () => {
      const store = this.h.store();
      const record = await store.invitations.get(id) as CoreInvitationRecord | undefined;
      if (!record || record.side === 'redeemer') throw CoreError.NOT_FOUND('invitation', id);
      const finished = finishedRecord(record, nextInvitationState(record.kind, record.state, event));
      await store.invitations.put(id, finished);
      await this.takeSession(id)?.stop({ decline: true });
      // The contact made for a sealed invitation that was never used goes with it.
      if (record.kind === 'sealed' && record.contactId) await this.h.removeContact(record.contactId);
      const info = this.info(id, finished);
      this.h.emit({ type: 'invitation', invitation: info });
      return info;
    });
  }

  async expireDue(): Promise<void> {
    const store = this.h.store();
    const now = this.h.clock.now();
    for (const { id, record } of await store.invitations.list()) {
      const r = record as CoreInvitationRecord;
      if (r.side === 'redeemer' || !isDue(r.state, r.expiresAt, now)) continue;
      const finished = finishedRecord(r, nextInvitationState(r.kind, r.state, 'expire'));
      await store.invitations.put(id, finished);
      await this.takeSession(id)?.stop({ decline: true });
      if (r.kind === 'sealed' && r.contactId) await this.h.removeContact(r.contactId);
      this.h.emit({ type: 'invitation', invitation: this.info(id, finished) });
    }
    for (const [id, r] of this.retired) {
      if (now < r.expiresAt) continue;
      this.retired.delete(id);
      await r.session.stop({ decline: false });
    }
    // Redeemer side: a pending contact whose inviter never confirmed goes at the invitation's
    // expiry, with its endpoints and every entry under s and K_AB (removeContact drops them).
    const contacts = await store.contacts.list();
    // A watch whose redemption ended another way (the user deleted the pending contact) stops here.
    const waiting = new Set(contacts.filter((c) => (c.record as CoreContactRecord).bootstrapSecret).map((c) => c.id));
    for (const id of [...this.takenWatches.keys()]) if (!waiting.has(id)) this.unwatchTaken(id);
    for (const { id, record } of contacts) {
      const c = record as CoreContactRecord;
      if (c.phase !== 'pending' || !redeemerWaitIsDue(c, now)) continue;
      this.unwatchTaken(id);
      await this.h.removeContact(id);
      await this.markRedemption(id, { state: 'expired' });
      this.h.warn('INVITATION_EXPIRED', 'the inviter did not confirm before the invitation expired', id);
    }
  }

  /** The invitation as the UI sees it; the redeemer's safety number is with our own key. */
  private info(id: string, r: CoreInvitationRecord): InvitationInfo {
    return invitationInfo(id, r, this.h.identity().publicKey);
  }

  private async markRedemption(contactId: string, patch: Partial<CoreInvitationRecord>): Promise<void> {
    const store = this.h.store();
    for (const { id, record } of await store.invitations.list()) {
      const m = record as CoreInvitationRecord;
      if (m.side === 'redeemer' && m.contactId === contactId) await store.invitations.put(id, { ...m, ...patch });
    }
  }



  /** Sealed invitation, inviter side: the contact's first link means the invitation was used. */
  async sealedUsed(contactId: string): Promise<void> {
    const store = this.h.store();
    const contact = await store.contacts.get(contactId) as CoreContactRecord | undefined;
    if (!contact || contact.phase !== 'pending' || !contact.invitationId) return;
    const { invitationId, ...rest } = contact;
    const next: CoreContactRecord = { ...rest, phase: 'confirmed' };
    await store.contacts.put(contactId, next);
    const inv = await store.invitations.get(invitationId) as CoreInvitationRecord | undefined;
    if (inv && inv.state === 'pending') {
      const used: CoreInvitationRecord = { ...inv, state: nextInvitationState('sealed', 'pending', 'use') };
      await store.invitations.put(invitationId, used);
      this.h.emit({ type: 'invitation', invitation: this.info(invitationId, used) });
    }
    await this.h.channel(contactId)?.refresh(next);
    this.h.emit({ type: 'contact', contact: await this.h.contactInfo(contactId, next) });
  }

  // ------------------------------------------------------------------------------ redeemer side

  /** Redeemer side: the inviter confirmed (accept frame or a link under K_AB). Erase s. */
  async redeemerConfirmed(contactId: string): Promise<void> {
    const store = this.h.store();
    const contact = await store.contacts.get(contactId) as CoreContactRecord | undefined;
    if (!contact || !contact.bootstrapSecret) return;
    this.unwatchTaken(contactId);
    const { bootstrapSecret: _erased, replaces, ...rest } = contact as ReplacingRecord;
    const next: CoreContactRecord = { ...rest, phase: 'confirmed' };
    await store.contacts.put(contactId, next);
    const old = replaces ? await store.contacts.get(replaces) as CoreContactRecord | undefined : undefined;
    if (replaces && old) await this.replace({ id: replaces, record: old }, contactId);
    const channel = this.h.channel(contactId);
    if (channel) {
      channel.record = next;
      await channel.finishBootstrap();
    }
    this.h.emit({ type: 'contact', contact: await this.h.contactInfo(contactId, next) });
  }

  async redeemerDeclined(contactId: string, taken: boolean): Promise<void> {
    this.unwatchTaken(contactId);
    const contact = await this.h.store().contacts.get(contactId) as CoreContactRecord | undefined;
    if (!contact || !contact.bootstrapSecret) return;
    await this.h.removeContact(contactId);
    await this.markRedemption(contactId, { state: 'cancelled', refusal: taken ? 'taken' : 'declined' });
    const who = contact.peerName || 'the inviter';
    if (taken) this.h.warn('INVITATION_TAKEN', `Someone else already used this invitation from ${who}. Ask them for a new one.`, contactId);
    else this.h.warn('INVITATION_DECLINED', `${who} declined your request to connect.`, contactId);
  }

  /**
   * A pending redemption reads the inviter's "taken" tombstone in every lookup sweep (the first at
   * once or at unlock); one for someone else ends it as a live `decline 01` would (INVITATION_TAKEN).
   */
  private watchTaken(contactId: string, contact: CoreContactRecord): void {
    if (!contact.bootstrapSecret || contact.phase !== 'pending' || this.takenWatches.has(contactId) || this.h.stopping()) return;
    const stop = watchTaken(this.h.services().registry, {
      id: `${contactId}/taken`, secret: fromHex(contact.bootstrapSecret, 32), inviter: fromHex(contact.identityPk, 32),
      sharedKey: fromHex(contact.sharedKey, 32),
      onTaken: () => {
        this.takenWatches.delete(contactId);
        void this.h.serial(() => this.redeemerDeclined(contactId, true)).catch((err: Error) => this.h.warn('UPGRADE', err.message, contactId));
      },
    });
    this.takenWatches.set(contactId, stop);
  }

  private unwatchTaken(contactId: string): void {
    this.takenWatches.get(contactId)?.();
    this.takenWatches.delete(contactId);
  }

  /** Accepts an invitation link (already found in the user's input). */
  accept(link: string, nickname: string | undefined): Promise<AcceptResult> {
    return this.h.serial(async () => {
      const store = this.h.store();
      const identity = this.h.identity();
      const now = this.h.clock.now();
      let invitation;
      try {
        invitation = decodeInvitation(link);
      } catch (err) {
        if (isProtocolError(err)) throw CoreError.BAD_INPUT(`not a valid invitation: ${err.message}`);
        throw err;
      }
      // One-time use on the redeemer side too: the same link is refused the second time.
      const usedId = toHex(sha256(new TextEncoder().encode(link)).subarray(0, 16));
      const used = await store.invitations.get(usedId);
      if (used) {
        if (used.state === 'expired') throw CoreError.INVITATION_EXPIRED();
        throw (used as CoreInvitationRecord).refusal === 'taken' ? CoreError.INVITATION_TAKEN() : CoreError.INVITATION_USED();
      }
      let peer: Uint8Array;
      let sharedKey: Uint8Array;
      let bootstrapSecret: string | undefined;
      let bootstrapExpiresAt: number | undefined;
      let inviterName: string;
      let gateways: readonly InvitationGateway[];
      try {
        if (invitation.form === 'sealed') {
          const opened = openSealedInvitation(invitation, identity, now);
          peer = opened.inviterPublicKey;
          sharedKey = opened.sharedKey;
          inviterName = opened.inviterName;
          gateways = opened.gateways;
        } else {
          checkOpenInvitation(invitation, identity.publicKey, now);
          peer = invitation.inviterPublicKey;
          // K_AB is known to us at once (we hold s and the inviter's key); the inviter learns it
          // only by confirming us, so a link under K_AB is the confirmation (DESIGN D3).
          sharedKey = upgradeSharedKey(invitation.secret, identity, peer);
          bootstrapSecret = toHex(invitation.secret);
          bootstrapExpiresAt = invitation.expiresAt;
          inviterName = invitation.inviterName;
          gateways = invitation.gateways;
        }
      } catch (err) {
        if (isProtocolError(err, 'EXPIRED')) throw CoreError.INVITATION_EXPIRED();
        if (isProtocolError(err, 'BAD_KEY') && equalBytes((invitation as { inviterPublicKey?: Uint8Array }).inviterPublicKey ?? new Uint8Array(0), identity.publicKey)) {
          throw CoreError.INVITATION_FOR_SELF();
        }
        if (isProtocolError(err)) throw CoreError.BAD_INPUT(`this invitation cannot be opened here: ${err.message}`);
        throw err;
      }
      // The inviter signed this for us: a record we still hold of them (they revoked or deleted
      // us, or an earlier attempt is stuck) is re-keyed, never a reason to refuse. Only a block
      // (our own decision) stands.
      const prior = await this.priorOf(peer);
      if (prior?.record.phase === 'blocked') throw CoreError.ALREADY_CONTACT();
      const contactId = toHex(this.h.clock.randomBytes(16));
      // A working contact stays as it is until the inviter confirms the new pairing.
      const waitToReplace = prior !== null && prior.record.phase === 'confirmed' && bootstrapSecret !== undefined;
      const contact: ReplacingRecord = {
        ...this.newContact(peer, sharedKey, nickname ?? (prior?.record.nickname || inviterName), now, prior), peerName: inviterName,
        ...(bootstrapSecret ? { phase: 'pending' as const, bootstrapSecret, bootstrapExpiresAt } : {}),
        ...(waitToReplace ? { replaces: prior.id } : {}),
      };
      await store.contacts.put(contactId, contact);
      if (prior && !waitToReplace) await this.replace(prior, contactId);
      await store.invitations.put(usedId, {
        kind: invitation.form, state: 'redeemed', createdAt: now, expiresAt: now, side: 'redeemer', contactId,
      } as CoreInvitationRecord);
      // Before the channel starts: its first registry writes already go through the adopted gateways.
      await this.adoptGateways(gateways, inviterName, contactId);
      await this.h.startChannel(contactId, contact);
      this.watchTaken(contactId, contact);
      const info = await this.h.contactInfo(contactId, contact);
      this.h.emit({ type: 'contact', contact: info });
      return { kind: invitation.form, contact: info };
    });
  }

  /** The invitation link in a pasted text (deep link, e-mail) or a QR image. */
  linkOf(source: InvitationSource): string {
    const valid = (candidate: string): boolean => { try { decodeInvitation(candidate); return true; } catch { return false; } };
    if ('imagePngBase64' in source) {
      const png = Buffer.from(source.imagePngBase64, 'base64');
      return invitationLinkFromImage(new Uint8Array(png.buffer, png.byteOffset, png.byteLength), valid);
    }
    const link = findInvitationLink(source.text, valid) ?? findInvitationLink(source.text);
    if (!link) throw CoreError.BAD_INPUT('no Sotto invitation link found');
    return link;
  }

  // ------------------------------------------------------------------------------ views

  async list(): Promise<InvitationInfo[]> {
    const out: InvitationInfo[] = [];
    for (const { id, record } of await this.h.store().invitations.list()) {
      const r = record as CoreInvitationRecord;
      if (r.side !== 'redeemer') out.push(this.info(id, r));
    }
    return out.sort((a, b) => b.createdAt - a.createdAt);
  }

  private async linkedRecord(id: string): Promise<CoreInvitationRecord & { link: string }> {
    const r = await this.h.store().invitations.get(id) as CoreInvitationRecord | undefined;
    if (!r || r.side === 'redeemer' || !r.link) throw CoreError.NOT_FOUND('invitation', id);
    return r as CoreInvitationRecord & { link: string };
  }

  /** QR code of the invitation link: PNG as base64, or an SVG document. */
  async qr(id: string, format: 'png' | 'svg'): Promise<{ format: 'png' | 'svg'; data: string }> {
    const r = await this.linkedRecord(id);
    if (format === 'svg') return { format: 'svg', data: await renderInvitationQrSvg(r.link) };
    return { format: 'png', data: (await renderInvitationQrPng(r.link)).toString('base64') };
  }

  async email(id: string, opts: { to?: string; note?: string; inviterFingerprint: string }): Promise<InvitationEmailDraft> {
    const r = await this.linkedRecord(id);
    return invitationEmailDraft({
      link: r.link, kind: r.kind, inviterName: this.h.displayName(), inviterFingerprint: opts.inviterFingerprint, expiresAt: r.expiresAt,
      ...(opts.to === undefined ? {} : { to: opts.to }),
      ...(opts.note === undefined ? {} : { note: opts.note }),
    });
  }

  /** Sends the invitation through the user's own SMTP server (DESIGN D3). */
  async sendEmail(input: { id: string; from: string; to: string; note?: string; smtp: SmtpSettings; inviterFingerprint: string }): Promise<{ messageId: string }> {
    const draft = await this.email(input.id, { to: input.to, inviterFingerprint: input.inviterFingerprint, ...(input.note === undefined ? {} : { note: input.note }) });
    const sent = await sendInvitationEmail({ smtp: input.smtp, from: input.from, to: input.to, draft });
    return { messageId: sent.messageId };
  }

  // ------------------------------------------------------------------------------ contacts

  /** Our record of this person, whatever its phase. */
  private async priorOf(pk: Uint8Array): Promise<Prior | null> {
    const hex = toHex(pk);
    for (const { id, record } of await this.h.store().contacts.list()) if (record.identityPk === hex) return { id, record };
    return null;
  }

  /**
   * The new record `contactId` takes over from `prior`: its channel stops, an unused sealed
   * invitation for it ends, its history moves over, and it goes. The new record is written first,
   * so a crash in between leaves two records, never none.
   */
  private async replace(prior: Prior, contactId: string): Promise<void> {
    const store = this.h.store();
    await this.h.stopChannel(prior.id);
    const invitationId = prior.record.invitationId;
    const inv = invitationId ? await this.h.store().invitations.get(invitationId) as CoreInvitationRecord | undefined : undefined;
    if (invitationId && inv && isLive(inv.kind, inv.state)) {
      const finished = finishedRecord(inv, nextInvitationState(inv.kind, inv.state, 'cancel'));
      await this.h.store().invitations.put(invitationId, finished);
      this.h.emit({ type: 'invitation', invitation: this.info(invitationId, finished) });
    }
    await store.messages.moveConversation(prior.id, contactId);
    await store.contacts.delete(prior.id);
    this.h.emit({ type: 'contact-removed', contactId: prior.id });
  }

  private newContact(peer: Uint8Array, sharedKey: Uint8Array, nickname: string, now: number, prior?: Prior | null): CoreContactRecord {
    // A re-keyed record keeps what the user chose about this person; the pairing is new.
    const kept = prior ? {
      visible: prior.record.visible, verified: prior.record.verified, receipts: prior.record.receipts, typing: prior.record.typing,
      createdAt: prior.record.createdAt,
    } : { visible: true, verified: false, receipts: false, typing: false, createdAt: now };
    return {
      nickname, identityPk: toHex(peer), sharedKey: toHex(sharedKey), phase: 'confirmed', ...kept,
      conversationId: conversationIdOf(this.h.identity().publicKey, peer, sha256),
    };
  }
}

/** A contact that is really there: a new invitation with them is refused (ALREADY_CONTACT). */
function isLiveContact(record: ContactRecord): boolean {
  return record.phase === 'confirmed' || record.phase === 'blocked';
}

/**
 * A finished invitation keeps neither s nor its link (which carries s, or the sealed key): nothing
 * on disk can find or re-derive the pairing afterwards (docs/THREAT-MODEL.md "Invitation secret").
 */
function finishedRecord(record: CoreInvitationRecord, state: InvitationState, contactId?: string): CoreInvitationRecord {
  const { secret: _s, link: _l, ...rest } = record;
  return { ...rest, state, ...(contactId ? { contactId } : {}) };
}

function parseContactCode(code: string): Uint8Array {
  try {
    return decodeContactCode(code.trim());
  } catch (err) {
    if (isProtocolError(err)) throw CoreError.BAD_INPUT(`not a valid contact code: ${err.message}`);
    throw err;
  }
}

export function invitationInfo(id: string, r: CoreInvitationRecord, ownPk: Uint8Array): InvitationInfo {
  const redeemer = r.redeemerPk
    ? (() => {
      const pk = fromHex(r.redeemerPk, 32);
      // The safety number of the pair is what both people can read out and compare before a confirm.
      return { displayName: r.redeemerName ?? '', contactCode: encodeContactCode(pk), fingerprint: fingerprint(pk), safetyNumber: safetyNumber(ownPk, pk) };
    })()
    : null;
  return {
    id, kind: r.kind as InvitationKind, state: r.state as InvitationState, link: r.link ?? '', createdAt: r.createdAt, expiresAt: r.expiresAt,
    contactId: r.contactId ?? null, redeemer,
  };
}
