// The invitation workflow of the core (DESIGN D3, docs/ARCHITECTURE.md "Invitations"): creating
// open and sealed invitations, the inviter's live sessions under s, redemption, confirmation,
// decline, cancel and expiry, and the redeemer's side of each. SottoCore checks the inputs and
// delegates here; this file owns every invitation record and the contacts an invitation makes.
import { createHash } from 'node:crypto';
import {
  createOpenInvitation, createSealedInvitation, decodeContactCode, decodeInvitation, encodeContactCode, encodeInvitation,
  equalBytes, fingerprint, fromHex, isProtocolError, openSealedInvitation, toHex, upgradeSharedKey, checkOpenInvitation,
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
import {
  isDue, isLive, nextInvitationState, redeemerWaitIsDue, type InvitationKind, type InvitationState,
} from './invitation-lifecycle.ts';
import type { RendezvousTimings } from './rendezvous.ts';
import type { LinkFactory, RegistryPort, TorPort } from './ports.ts';
import type { AcceptResult, ContactInfo, CoreEvent, InvitationInfo } from './types.ts';

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
  channel(id: string): ContactChannel | undefined;
  removeContact(id: string): Promise<void>;
  contactInfo(id: string, record: ContactRecord): Promise<ContactInfo>;
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
}
export type CoreInvitationRecord = InvitationRecord & CoreInvitationFields;

export type NewInvitation = { kind: 'open' } | { kind: 'sealed'; contactCode: string; nickname: string };
export type InvitationSource = { imagePngBase64: string } | { text: string };

export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

export class Invitations {
  private readonly h: InvitationHost;
  private readonly sessions = new Map<string, InvitationSession>();

  constructor(host: InvitationHost) {
    this.h = host;
  }

  // ------------------------------------------------------------------------------ session life

  /** Unlock: every live open invitation of ours meets its redeemer again under s. */
  async resume(): Promise<Promise<void>[]> {
    const starts: Promise<void>[] = [];
    for (const { id, record } of await this.h.store().invitations.list()) {
      const r = record as CoreInvitationRecord;
      if (r.side !== 'redeemer' && r.kind === 'open' && isLive('open', r.state) && r.secret) starts.push(this.startSession(id, r));
    }
    return starts;
  }

  /** Lock or quit: the sessions stop without declining anybody (they resume at the next unlock). */
  async stopAll(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
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
        const link = encodeInvitation(createOpenInvitation({ inviter: identity, secret, expiresAt, inviterName: this.h.displayName() }));
        const record: CoreInvitationRecord = { kind: 'open', state: 'pending', createdAt: now, expiresAt, side: 'inviter', link, secret: toHex(secret) };
        await store.invitations.put(id, record);
        await this.startSession(id, record);
        const info = invitationInfo(id, record);
        this.h.emit({ type: 'invitation', invitation: info });
        return info;
      }
      const peer = parseContactCode(input.contactCode);
      if (equalBytes(peer, identity.publicKey)) throw CoreError.INVITATION_FOR_SELF();
      if (await this.findContactByKey(peer)) throw CoreError.ALREADY_CONTACT();
      const sharedKey = this.h.clock.randomBytes(32);
      const link = encodeInvitation(createSealedInvitation({
        inviter: identity, recipientPublicKey: peer, sharedKey, expiresAt, inviterName: this.h.displayName(),
        ephemeralSeed: this.h.clock.randomBytes(32),
      }));
      const contactId = toHex(this.h.clock.randomBytes(16));
      const contact: CoreContactRecord = { ...this.newContact(peer, sharedKey, input.nickname, now), phase: 'pending', invitationId: id };
      await store.contacts.put(contactId, contact);
      const record: CoreInvitationRecord = { kind: 'sealed', state: 'pending', createdAt: now, expiresAt, side: 'inviter', link, contactId };
      await store.invitations.put(id, record);
      await this.h.startChannel(contactId, contact);
      this.h.emit({ type: 'contact', contact: await this.h.contactInfo(contactId, contact) });
      const info = invitationInfo(id, record);
      this.h.emit({ type: 'invitation', invitation: info });
      return info;
    });
  }

  private async redeemed(id: string, who: Redeemer): Promise<boolean> {
    const store = this.h.store();
    const record = await store.invitations.get(id) as CoreInvitationRecord | undefined;
    if (!record || record.state !== 'pending') return false;
    if (this.h.clock.now() >= record.expiresAt) return false;
    if (await this.findContactByKey(who.publicKey)) return false;
    const next: CoreInvitationRecord = {
      ...record, state: nextInvitationState('open', record.state, 'redeem'), redeemerPk: toHex(who.publicKey), redeemerName: who.displayName,
    };
    await store.invitations.put(id, next);
    const info = invitationInfo(id, next);
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
      secret.fill(0);
      const contactId = toHex(this.h.clock.randomBytes(16));
      const contact: CoreContactRecord = {
        ...this.newContact(peer, sharedKey, nickname ?? record.redeemerName ?? '', this.h.clock.now()), peerName: record.redeemerName ?? '',
      };
      await store.contacts.put(contactId, contact);
      const { secret: _erased, ...rest } = record;
      const finished: CoreInvitationRecord = { ...rest, state, contactId };
      await store.invitations.put(id, finished);
      const session = this.takeSession(id);
      const link = session?.takeLink() ?? null;
      link?.send({ type: 'session', kind: 'accept', payload: new Uint8Array(0) });
      await session?.stop({ decline: false });
      const channel = await this.h.startChannel(contactId, contact);
      if (link) channel.attach(link, 'handover');
      const info = await this.h.contactInfo(contactId, contact);
      this.h.emit({ type: 'contact', contact: info });
      this.h.emit({ type: 'invitation', invitation: invitationInfo(id, finished) });
      return info;
    });
  }

  finish(id: string, event: 'decline' | 'cancel'): Promise<InvitationInfo> {
    return this.h.serial(async () => {
      const store = this.h.store();
      const record = await store.invitations.get(id) as CoreInvitationRecord | undefined;
      if (!record || record.side === 'redeemer') throw CoreError.NOT_FOUND('invitation', id);
      const state = nextInvitationState(record.kind, record.state, event);
      const { secret: _erased, ...rest } = record;
      const finished: CoreInvitationRecord = { ...rest, state };
      await store.invitations.put(id, finished);
      await this.takeSession(id)?.stop({ decline: true });
      // The contact made for a sealed invitation that was never used goes with it.
      if (record.kind === 'sealed' && record.contactId) await this.h.removeContact(record.contactId);
      const info = invitationInfo(id, finished);
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
      const { secret: _erased, ...rest } = r;
      const finished: CoreInvitationRecord = { ...rest, state: nextInvitationState(r.kind, r.state, 'expire') };
      await store.invitations.put(id, finished);
      await this.takeSession(id)?.stop({ decline: true });
      if (r.kind === 'sealed' && r.contactId) await this.h.removeContact(r.contactId);
      this.h.emit({ type: 'invitation', invitation: invitationInfo(id, finished) });
    }
    // Redeemer side: a pending contact whose inviter never confirmed goes at the invitation's
    // expiry, with its endpoints and every entry under s and K_AB (removeContact drops them).
    for (const { id, record } of await store.contacts.list()) {
      const c = record as CoreContactRecord;
      if (c.phase !== 'pending' || !redeemerWaitIsDue(c, now)) continue;
      await this.h.removeContact(id);
      await this.markRedemption(id, 'expired');
      this.h.warn('INVITATION_EXPIRED', 'the inviter did not confirm before the invitation expired', id);
    }
  }

  private async markRedemption(contactId: string, state: InvitationState): Promise<void> {
    const store = this.h.store();
    for (const { id, record } of await store.invitations.list()) {
      const m = record as CoreInvitationRecord;
      if (m.side === 'redeemer' && m.contactId === contactId) await store.invitations.put(id, { ...m, state });
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
      this.h.emit({ type: 'invitation', invitation: invitationInfo(invitationId, used) });
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
    const { bootstrapSecret: _erased, ...rest } = contact;
    const next: CoreContactRecord = { ...rest, phase: 'confirmed' };
    await store.contacts.put(contactId, next);
    const channel = this.h.channel(contactId);
    if (channel) {
      channel.record = next;
      await channel.finishBootstrap();
    }
    this.h.emit({ type: 'contact', contact: await this.h.contactInfo(contactId, next) });
  }

  async redeemerDeclined(contactId: string): Promise<void> {
    const contact = await this.h.store().contacts.get(contactId) as CoreContactRecord | undefined;
    if (!contact || !contact.bootstrapSecret) return;
    await this.h.removeContact(contactId);
    this.h.warn('INVITATION_DECLINED', 'the inviter declined or the invitation was already used', contactId);
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
      if (used) throw used.state === 'expired' ? CoreError.INVITATION_EXPIRED() : CoreError.INVITATION_USED();
      let peer: Uint8Array;
      let sharedKey: Uint8Array;
      let bootstrapSecret: string | undefined;
      let bootstrapExpiresAt: number | undefined;
      let inviterName: string;
      try {
        if (invitation.form === 'sealed') {
          const opened = openSealedInvitation(invitation, identity, now);
          peer = opened.inviterPublicKey;
          sharedKey = opened.sharedKey;
          inviterName = opened.inviterName;
        } else {
          checkOpenInvitation(invitation, identity.publicKey, now);
          peer = invitation.inviterPublicKey;
          // K_AB is known to us at once (we hold s and the inviter's key); the inviter learns it
          // only by confirming us, so a link under K_AB is the confirmation (DESIGN D3).
          sharedKey = upgradeSharedKey(invitation.secret, identity, peer);
          bootstrapSecret = toHex(invitation.secret);
          bootstrapExpiresAt = invitation.expiresAt;
          inviterName = invitation.inviterName;
        }
      } catch (err) {
        if (isProtocolError(err, 'EXPIRED')) throw CoreError.INVITATION_EXPIRED();
        if (isProtocolError(err, 'BAD_KEY') && equalBytes((invitation as { inviterPublicKey?: Uint8Array }).inviterPublicKey ?? new Uint8Array(0), identity.publicKey)) {
          throw CoreError.INVITATION_FOR_SELF();
        }
        if (isProtocolError(err)) throw CoreError.BAD_INPUT(`this invitation cannot be opened here: ${err.message}`);
        throw err;
      }
      if (await this.findContactByKey(peer)) throw CoreError.ALREADY_CONTACT();
      const contactId = toHex(this.h.clock.randomBytes(16));
      const contact: CoreContactRecord = {
        ...this.newContact(peer, sharedKey, nickname ?? inviterName, now), peerName: inviterName,
        ...(bootstrapSecret ? { phase: 'pending' as const, bootstrapSecret, bootstrapExpiresAt } : {}),
      };
      await store.contacts.put(contactId, contact);
      await store.invitations.put(usedId, {
        kind: invitation.form, state: 'redeemed', createdAt: now, expiresAt: now, side: 'redeemer', contactId,
      } as CoreInvitationRecord);
      await this.h.startChannel(contactId, contact);
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
      if (r.side !== 'redeemer') out.push(invitationInfo(id, r));
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

  private async findContactByKey(pk: Uint8Array): Promise<string | null> {
    const hex = toHex(pk);
    for (const { id, record } of await this.h.store().contacts.list()) if (record.identityPk === hex) return id;
    return null;
  }

  private newContact(peer: Uint8Array, sharedKey: Uint8Array, nickname: string, now: number): CoreContactRecord {
    return {
      nickname, identityPk: toHex(peer), sharedKey: toHex(sharedKey), phase: 'confirmed', visible: true, verified: false,
      receipts: false, typing: false, createdAt: now, conversationId: conversationIdOf(this.h.identity().publicKey, peer, sha256),
    };
  }
}

function parseContactCode(code: string): Uint8Array {
  try {
    return decodeContactCode(code.trim());
  } catch (err) {
    if (isProtocolError(err)) throw CoreError.BAD_INPUT(`not a valid contact code: ${err.message}`);
    throw err;
  }
}

export function invitationInfo(id: string, r: CoreInvitationRecord): InvitationInfo {
  const redeemer = r.redeemerPk
    ? (() => { const pk = fromHex(r.redeemerPk, 32); return { displayName: r.redeemerName ?? '', contactCode: encodeContactCode(pk), fingerprint: fingerprint(pk) }; })()
    : null;
  return {
    id, kind: r.kind as InvitationKind, state: r.state as InvitationState, link: r.link ?? '', createdAt: r.createdAt, expiresAt: r.expiresAt,
    contactId: r.contactId ?? null, redeemer,
  };
}
