// SottoCore: the one object the UI (over IPC), the browser host and the tests drive
// (docs/ARCHITECTURE.md "Core API"). It composes the profile store, tor, the registry and links;
// every input and output is JSON-serialisable; every background change is an event.
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { encodeContactCode, fingerprint, fromHex, identityFromSeed, ready, safetyNumber, toHex, type Identity } from '../../protocol/index.ts';
import { createProfile, profileExists, unlockProfile, type ContactRecord, type KdfCost, type ProfileStore } from '../store/index.ts';
import type { InvitationEmailDraft, SmtpSettings } from '../invite/index.ts';
import { systemClock, type Clock } from './clock.ts';
import { CoreError } from './errors.ts';
import { ContactChannel, conversationIdOf, toMessageInfo, type ChannelHost, type CoreContactRecord } from './contact-channel.ts';
import { Invitations, sha256 } from './invitations.ts';
import { DEFAULT_INVITATION_TTL_MS, MAX_INVITATION_TTL_MS } from './invitation-lifecycle.ts';
import { checkPresenceInput, DEFAULT_AWAY_AFTER_MINUTES, effectiveState, type OwnPresence } from './presence.ts';
import { DEFAULT_RENDEZVOUS_TIMINGS, type RendezvousTimings } from './rendezvous.ts';
import { DEFAULT_ENDPOINT_GROUPS, EndpointGroups, type EndpointGroupOptions } from './endpoint-groups.ts';
import type { LinkFactory, RegistryPort, TorPort } from './ports.ts';
import type {
  AcceptInput, AcceptResult, ContactInfo, CoreEvent, CorePhase, CoreStatus, HistoryPage, InvitationInfo, MessageInfo, ProfileInfo,
} from './types.ts';

export interface CoreServices { tor: TorPort; registry: RegistryPort; links: LinkFactory }
export interface CoreServicesContext { profileDir: string; identity: Identity; clock: Clock; onWarning(code: string, message: string): void }
export type CoreServicesFactory = (ctx: CoreServicesContext) => Promise<CoreServices>;

export interface CoreTimings extends RendezvousTimings {
  /** Endpoints are re-created this often (DESIGN D5: new endpoints every 24 h, make before break). */
  rotateEveryMs: number;
  /** How often pending invitations are checked for expiry. */
  expiryCheckMs: number;
}

export const DEFAULT_CORE_TIMINGS: CoreTimings = {
  ...DEFAULT_RENDEZVOUS_TIMINGS,
  rotateEveryMs: 24 * 3600_000,
  expiryCheckMs: 60_000,
};

export interface SottoCoreOptions {
  profileDir: string;
  /** Builds tor, registry and link services for an unlocked profile (wiring.ts for the real ones). */
  services: CoreServicesFactory;
  clock?: Clock;
  timings?: Partial<CoreTimings>;
  /** Argon2id cost for new profiles and passphrase changes; tests pass the minimal one. */
  kdf?: KdfCost;
  /** Default invitation lifetime. */
  invitationTtlMs?: number;
  /**
   * Endpoint groups for large address books (DESIGN D5): with more than `threshold` contacts,
   * contacts share onions in groups of `size`. `false`: one endpoint per contact always.
   */
  endpointGroups?: Partial<EndpointGroupOptions> | false;
}

const SETTINGS_PRESENCE = 'core.presence';

function expectString(value: unknown, what: string, max = 10_000): string {
  if (typeof value !== 'string' || value.length > max) throw CoreError.BAD_INPUT(`${what} must be a string of at most ${max} characters`);
  return value;
}

function expectObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw CoreError.BAD_INPUT(`${what} must be an object`);
  return value as Record<string, unknown>;
}

export class SottoCore {
  private readonly o: Required<Omit<SottoCoreOptions, 'kdf' | 'timings' | 'endpointGroups'>> & {
    kdf: KdfCost | undefined; timings: CoreTimings; endpointGroups: EndpointGroupOptions | null;
  };
  private readonly events = new EventEmitter<{ event: [CoreEvent] }>();
  private phase: CorePhase;
  private store: ProfileStore | null = null;
  private identity: Identity | null = null;
  private displayName = '';
  private services: CoreServices | null = null;
  private torStatus = { progress: 0, summary: 'not started', ready: false };
  private own: OwnPresence = { state: 'online', text: '', idleMinutes: 0, awayAfterMinutes: DEFAULT_AWAY_AFTER_MINUTES };
  private readonly channels = new Map<string, ContactChannel>();
  private readonly invitations: Invitations;
  private timers: unknown[] = [];
  private startup: Promise<unknown> = Promise.resolve();
  /** Shared endpoints of this session (null when grouping is off). */
  private groups: EndpointGroups | null = null;
  /** Contacts found at unlock: the whole address book decides grouping, not start order. */
  private pairingsAtStart = 0;
  /** Serialises user actions that read-modify-write the same records. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(opts: SottoCoreOptions) {
    this.o = {
      profileDir: opts.profileDir,
      services: opts.services,
      clock: opts.clock ?? systemClock,
      kdf: opts.kdf,
      timings: { ...DEFAULT_CORE_TIMINGS, ...opts.timings },
      invitationTtlMs: opts.invitationTtlMs ?? DEFAULT_INVITATION_TTL_MS,
      endpointGroups: opts.endpointGroups === false ? null : { ...DEFAULT_ENDPOINT_GROUPS, ...opts.endpointGroups },
    };
    this.phase = profileExists(opts.profileDir) ? 'locked' : 'no-profile';
    this.invitations = new Invitations({
      store: () => this.requireStore(),
      identity: () => this.requireIdentity(),
      displayName: () => this.displayName,
      services: () => this.requireServices(),
      clock: this.o.clock,
      timings: this.o.timings,
      stopping: () => this.phase === 'stopping',
      serial: (fn) => this.serial(fn),
      emit: (e) => this.emit(e),
      warn: (code, message, contactId) => this.warn(code, message, contactId),
      startChannel: (id, record) => this.startChannel(id, record),
      channel: (id) => this.channels.get(id),
      removeContact: (id) => this.removeContact(id),
      contactInfo: (id, record) => this.contactInfo(id, record),
    });
  }

  // ---------------------------------------------------------------------------------- events

  /** Subscribes to the event stream; returns the unsubscribe function. */
  onEvent(listener: (event: CoreEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  private emit(event: CoreEvent): void {
    // A throwing UI listener must not break the core's own bookkeeping.
    for (const l of this.events.listeners('event')) {
      try { l(event); } catch { /* listener's problem */ }
    }
  }

  private warn(code: string, message: string, contactId?: string): void {
    this.emit(contactId ? { type: 'warning', code, message, contactId } : { type: 'warning', code, message });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  // ---------------------------------------------------------------------------------- profile

  status(): CoreStatus {
    return {
      phase: this.phase,
      tor: { ...this.torStatus },
      presence: { state: this.own.state, effective: effectiveState(this.own), text: this.own.text, idleMinutes: this.own.idleMinutes },
    };
  }

  private setPhase(phase: CorePhase): void {
    this.phase = phase;
    this.emit({ type: 'status', status: this.status() });
  }

  profile(): ProfileInfo {
    const id = this.requireIdentity();
    return { displayName: this.displayName, contactCode: encodeContactCode(id.publicKey), fingerprint: fingerprint(id.publicKey) };
  }

  async createProfile(input: { displayName: string; passphrase: string }): Promise<ProfileInfo> {
    const i = expectObject(input, 'profile');
    const displayName = expectString(i.displayName, 'display name', 64).trim();
    const passphrase = expectString(i.passphrase, 'passphrase', 1024);
    if (displayName.length === 0) throw CoreError.BAD_INPUT('display name must not be empty');
    if (this.phase !== 'no-profile') throw this.phase === 'locked' ? CoreError.BAD_INPUT('a profile already exists here') : CoreError.NOT_LOCKED();
    await ready();
    const store = await createProfile(this.o.profileDir, { name: displayName, passphrase, ...(this.o.kdf ? { kdf: this.o.kdf } : {}) });
    await this.open(store);
    return this.profile();
  }

  async unlock(input: { passphrase: string }): Promise<ProfileInfo> {
    const passphrase = expectString(expectObject(input, 'unlock').passphrase, 'passphrase', 1024);
    if (this.phase === 'no-profile') throw CoreError.NO_PROFILE(this.o.profileDir);
    if (this.phase !== 'locked') throw CoreError.NOT_LOCKED();
    await ready();
    const store = await unlockProfile(this.o.profileDir, passphrase);
    await this.open(store);
    return this.profile();
  }

  async changePassphrase(input: { current: string; next: string }): Promise<void> {
    const i = expectObject(input, 'passphrase change');
    const store = this.requireStore();
    await store.changePassphrase(expectString(i.current, 'current passphrase', 1024), expectString(i.next, 'new passphrase', 1024),
      this.o.kdf ? { kdf: this.o.kdf } : {});
  }

  async setDisplayName(input: { displayName: string }): Promise<ProfileInfo> {
    const name = expectString(expectObject(input, 'input').displayName, 'display name', 64).trim();
    await this.requireStore().setDisplayName(name);
    this.displayName = name;
    return this.profile();
  }

  private async open(store: ProfileStore): Promise<void> {
    this.store = store;
    this.setPhase('starting');
    try {
      const { seed, displayName } = await store.identity();
      this.identity = identityFromSeed(seed);
      seed.fill(0);
      this.displayName = displayName;
      const saved = await store.settings.get(SETTINGS_PRESENCE);
      if (saved && typeof saved === 'object' && !Array.isArray(saved)) {
        const checked = checkPresenceInput(saved.state, saved.text);
        if (typeof checked !== 'string') this.own = { ...this.own, ...checked };
      }
      this.services = await this.o.services({
        profileDir: this.o.profileDir, identity: this.identity, clock: this.o.clock,
        onWarning: (code, message) => this.warn(code, message),
      });
      const { tor } = this.services;
      const g = this.o.endpointGroups;
      this.groups = g ? new EndpointGroups({
        tor, links: this.services.links, identity: this.identity, displayName: () => this.displayName, clock: this.o.clock, options: g,
        onWarning: (code, message) => this.warn(code, message),
      }) : null;
      tor.onRestart(() => { this.groups?.reset(); for (const c of this.channels.values()) void c.recreate(); });
      await tor.start((p) => {
        this.torStatus = { progress: p.progress, summary: p.summary, ready: p.progress >= 100 };
        this.emit({ type: 'tor-bootstrap', progress: p.progress, summary: p.summary });
      });
      this.torStatus = { ...this.torStatus, progress: 100, ready: true };
      await this.invitations.expireDue();
      // Endpoints come up in the background: each waits for its descriptor upload and tor creates
      // at most a few at once (measured: 100 contacts took 254 s on the testbed), so unlock must
      // not wait for them. Presence events say when each contact is reachable.
      const starting = this.startSessions().catch((err: Error) => this.warn('START', err.message));
      this.startup = starting;
      this.every(this.o.timings.rotateEveryMs, () => {
        for (const c of this.channels.values()) void c.rotate();
        void this.groups?.rotateAll();
      });
      this.every(this.o.timings.expiryCheckMs, () => { void this.serial(() => this.invitations.expireDue()); });
      this.setPhase('running');
    } catch (err) {
      await this.shutdown({ gone: false }).catch(() => undefined);
      throw err;
    }
  }

  private every(ms: number, fn: () => void): void {
    const tick = (): void => {
      if (this.phase !== 'running' && this.phase !== 'starting') return;
      fn();
      this.timers.push(this.o.clock.setTimeout(tick, ms));
    };
    this.timers.push(this.o.clock.setTimeout(tick, ms));
  }

  private async startSessions(): Promise<void> {
    const store = this.requireStore();
    const starts: Promise<void>[] = [];
    const contacts = await store.contacts.list();
    this.pairingsAtStart = contacts.length;
    for (const { id, record } of contacts) {
      starts.push(this.startChannel(id, record as CoreContactRecord).then(() => undefined));
    }
    starts.push(...await this.invitations.resume());
    const results = await Promise.allSettled(starts);
    for (const r of results) if (r.status === 'rejected') this.warn('START', (r.reason as Error).message);
  }

  private channelHost(): ChannelHost {
    const services = this.requireServices();
    return {
      identity: this.requireIdentity(),
      displayName: () => this.displayName,
      ownPresence: () => this.own,
      store: this.requireStore(),
      clock: this.o.clock,
      tor: services.tor, registry: services.registry, links: services.links,
      timings: this.o.timings,
      groups: this.groupsForNewChannel(),
      emit: (e) => this.emit(e),
      onConfirmed: (id) => { void this.serial(() => this.invitations.redeemerConfirmed(id)).catch((err: Error) => this.warn('UPGRADE', err.message, id)); },
      onDeclined: (id) => { void this.serial(() => this.invitations.redeemerDeclined(id)).catch((err: Error) => this.warn('UPGRADE', err.message, id)); },
      onFirstLink: (id) => { void this.serial(() => this.invitations.sealedUsed(id)).catch((err: Error) => this.warn('INVITATION', err.message, id)); },
    };
  }

  /** Past the threshold (DESIGN D5 "Cost and scale") a new channel's endpoint is shared. */
  private groupsForNewChannel(): EndpointGroups | null {
    const g = this.o.endpointGroups;
    if (!g || !this.groups) return null;
    return Math.max(this.pairingsAtStart, this.channels.size + 1) > g.threshold ? this.groups : null;
  }

  private async startChannel(id: string, record: CoreContactRecord): Promise<ContactChannel> {
    // startSessions runs in the background and may meet a contact an accept just started.
    const existing = this.channels.get(id);
    if (existing) return existing;
    const channel = new ContactChannel(this.channelHost(), id, record);
    this.channels.set(id, channel);
    if (this.phase === 'stopping') return channel; // picked up and stopped by shutdown
    await channel.start();
    return channel;
  }

  /** Locks the profile: publishes "gone", closes links, stops tor, wipes keys from memory. */
  async lock(): Promise<void> {
    if (this.phase !== 'running' && this.phase !== 'starting') throw CoreError.LOCKED();
    await this.shutdown({ gone: true });
  }

  /** Stops everything (host quitting). Idempotent. */
  async close(): Promise<void> {
    if (this.phase === 'running' || this.phase === 'starting') await this.shutdown({ gone: true });
    this.phase = 'closed';
  }

  private async shutdown(opts: { gone: boolean }): Promise<void> {
    this.setPhase('stopping');
    for (const t of this.timers) this.o.clock.clearTimeout(t);
    this.timers = [];
    // Stop (and so abort) what is running before waiting for the background start: a start that
    // is still creating endpoints would otherwise hold shutdown for minutes.
    this.groups?.beginStop();
    const stopAll = async (): Promise<void> => {
      const channels = [...this.channels.values()];
      this.channels.clear();
      await Promise.allSettled([
        ...channels.map((c) => c.stop({ dropEntries: false, bye: 'shutdown' })),
        this.invitations.stopAll(),
      ]);
    };
    await stopAll();
    await this.startup.catch(() => undefined);
    await stopAll();
    await this.queue.catch(() => undefined);
    await this.groups?.stop();
    this.groups = null;
    this.pairingsAtStart = 0;
    const services = this.services;
    this.services = null;
    if (services) {
      await services.registry.stop({ gone: opts.gone }).catch((err: Error) => this.warn('REGISTRY_STOP', err.message));
      await services.tor.stop().catch((err: Error) => this.warn('TOR_STOP', err.message));
    }
    this.store?.lock();
    this.store = null;
    if (this.identity) this.identity.secretKey.fill(0);
    this.identity = null;
    this.torStatus = { progress: 0, summary: 'stopped', ready: false };
    this.setPhase(profileExists(this.o.profileDir) ? 'locked' : 'no-profile');
  }

  private requireStore(): ProfileStore {
    if (!this.store || this.store.locked) throw CoreError.LOCKED();
    return this.store;
  }
  private requireIdentity(): Identity {
    if (!this.identity) throw CoreError.LOCKED();
    return this.identity;
  }
  private requireServices(): CoreServices {
    if (!this.services) throw CoreError.NOT_RUNNING();
    return this.services;
  }

  // ---------------------------------------------------------------------------------- invitations
  // The workflow lives in invitations.ts; here only the inputs are checked.

  async createInvitation(input: { kind: 'open' } | { kind: 'sealed'; contactCode: string; nickname?: string }, opts: { ttlMs?: number } = {}): Promise<InvitationInfo> {
    const i = expectObject(input, 'invitation');
    const ttl = opts.ttlMs ?? this.o.invitationTtlMs;
    if (!Number.isSafeInteger(ttl) || ttl <= 0 || ttl > MAX_INVITATION_TTL_MS) throw CoreError.BAD_INPUT('invitation lifetime out of range');
    if (i.kind === 'open') return this.invitations.create({ kind: 'open' }, ttl);
    if (i.kind !== 'sealed') throw CoreError.BAD_INPUT('kind must be "open" or "sealed"');
    const contactCode = expectString(i.contactCode, 'contact code', 200);
    const nickname = i.nickname === undefined ? '' : expectString(i.nickname, 'nickname', 200);
    return this.invitations.create({ kind: 'sealed', contactCode, nickname }, ttl);
  }

  /** The inviter confirms the redeemer (name + fingerprint seen): they become a contact, s is erased. */
  async confirmInvitation(input: { id: string; nickname?: string }): Promise<ContactInfo> {
    const i = expectObject(input, 'input');
    const id = expectString(i.id, 'invitation id', 128);
    return this.invitations.confirm(id, i.nickname === undefined ? undefined : expectString(i.nickname, 'nickname', 200));
  }

  async declineInvitation(input: { id: string }): Promise<InvitationInfo> {
    return this.invitations.finish(expectString(expectObject(input, 'input').id, 'invitation id', 128), 'decline');
  }

  async cancelInvitation(input: { id: string }): Promise<InvitationInfo> {
    return this.invitations.finish(expectString(expectObject(input, 'input').id, 'invitation id', 128), 'cancel');
  }

  /** Accepts an invitation given as a link, any text holding one (deep link, e-mail), or a QR image. */
  async acceptInvitation(input: AcceptInput & { nickname?: string }): Promise<AcceptResult> {
    const i = expectObject(input, 'input');
    const text = typeof i.link === 'string' ? i.link : typeof i.text === 'string' ? i.text : null;
    const source = typeof i.imagePngBase64 === 'string'
      ? { imagePngBase64: expectString(i.imagePngBase64, 'image', 32 * 1024 * 1024) }
      : text === null ? null : { text: expectString(text, 'invitation text', 100_000) };
    if (source === null) throw CoreError.BAD_INPUT('give link, text or imagePngBase64');
    const link = this.invitations.linkOf(source);
    const nickname = i.nickname === undefined ? undefined : expectString(i.nickname, 'nickname', 200);
    return this.invitations.accept(link, nickname);
  }

  async listInvitations(): Promise<InvitationInfo[]> {
    return this.invitations.list();
  }

  /** QR code of the invitation link: PNG as base64, or an SVG document. */
  async invitationQr(input: { id: string; format: 'png' | 'svg' }): Promise<{ format: 'png' | 'svg'; data: string }> {
    const i = expectObject(input, 'input');
    const id = expectString(i.id, 'invitation id', 128);
    if (i.format !== 'png' && i.format !== 'svg') throw CoreError.BAD_INPUT('format must be "png" or "svg"');
    return this.invitations.qr(id, i.format);
  }

  async invitationEmail(input: { id: string; to?: string; note?: string }): Promise<InvitationEmailDraft> {
    const i = expectObject(input, 'input');
    return this.invitations.email(expectString(i.id, 'invitation id', 128), {
      inviterFingerprint: this.profile().fingerprint,
      ...(i.to === undefined ? {} : { to: expectString(i.to, 'recipient', 254) }),
      ...(i.note === undefined ? {} : { note: expectString(i.note, 'note', 2000) }),
    });
  }

  /** Sends the invitation through the user's own SMTP server (DESIGN D3). */
  async sendInvitationEmail(input: { id: string; from: string; to: string; note?: string; smtp: SmtpSettings }): Promise<{ messageId: string }> {
    const i = expectObject(input, 'input');
    const raw = expectObject(i.smtp, 'smtp settings');
    if (typeof raw.host !== 'string' || raw.host.length === 0 || raw.host.length > 253) throw CoreError.BAD_INPUT('smtp host must be a host name');
    if (!Number.isInteger(raw.port) || (raw.port as number) < 1 || (raw.port as number) > 65535) throw CoreError.BAD_INPUT('smtp port out of range');
    if (typeof raw.secure !== 'boolean') throw CoreError.BAD_INPUT('smtp secure must be true or false');
    const auth = raw.auth === undefined ? undefined : expectObject(raw.auth, 'smtp auth');
    const smtp: SmtpSettings = {
      host: raw.host, port: raw.port as number, secure: raw.secure,
      ...(raw.requireTLS === true ? { requireTLS: true } : {}),
      ...(auth ? { auth: { user: expectString(auth.user, 'smtp user', 256), pass: expectString(auth.pass, 'smtp password', 1024) } } : {}),
    };
    return this.invitations.sendEmail({
      id: expectString(i.id, 'invitation id', 128), from: expectString(i.from, 'sender', 254), to: expectString(i.to, 'recipient', 254),
      ...(i.note === undefined ? {} : { note: expectString(i.note, 'note', 2000) }), smtp, inviterFingerprint: this.profile().fingerprint,
    });
  }

  // ---------------------------------------------------------------------------------- contacts

  private async contactInfo(id: string, r: ContactRecord): Promise<ContactInfo> {
    const pk = fromHex(r.identityPk, 32);
    const channel = this.channels.get(id);
    const presence = channel?.currentPresence ?? { state: 'offline' as const, text: '' };
    return {
      id, nickname: r.nickname, contactCode: encodeContactCode(pk), fingerprint: fingerprint(pk),
      safetyNumber: safetyNumber(this.requireIdentity().publicKey, pk),
      phase: r.phase, verified: r.verified, visible: r.visible, receipts: r.receipts, typing: r.typing,
      presence: { state: presence.state, text: presence.text },
      unread: await this.requireStore().messages.unreadCount(id), createdAt: r.createdAt,
    };
  }

  async listContacts(): Promise<ContactInfo[]> {
    const out: ContactInfo[] = [];
    for (const { id, record } of await this.requireStore().contacts.list()) out.push(await this.contactInfo(id, record));
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }

  async getContact(input: { id: string }): Promise<ContactInfo> {
    const id = expectString(expectObject(input, 'input').id, 'contact id', 128);
    const r = await this.requireStore().contacts.get(id);
    if (!r) throw CoreError.NOT_FOUND('contact', id);
    return this.contactInfo(id, r);
  }

  /** Nickname, verified flag, per-contact visibility, receipts and typing opt-ins. */
  async updateContact(input: { id: string; nickname?: string; verified?: boolean; visible?: boolean; receipts?: boolean; typing?: boolean }): Promise<ContactInfo> {
    const i = expectObject(input, 'input');
    const id = expectString(i.id, 'contact id', 128);
    const patch: Partial<ContactRecord> = {};
    if (i.nickname !== undefined) patch.nickname = expectString(i.nickname, 'nickname', 200);
    for (const key of ['verified', 'visible', 'receipts', 'typing'] as const) {
      if (i[key] === undefined) continue;
      if (typeof i[key] !== 'boolean') throw CoreError.BAD_INPUT(`${key} must be true or false`);
      patch[key] = i[key];
    }
    return this.patchContact(id, patch);
  }

  private patchContact(id: string, patch: Partial<ContactRecord>): Promise<ContactInfo> {
    return this.serial(async () => {
      const store = this.requireStore();
      const current = await store.contacts.get(id);
      if (!current) throw CoreError.NOT_FOUND('contact', id);
      const next = await store.contacts.update(id, patch) as CoreContactRecord;
      const channel = this.channels.get(id);
      if (next.phase === 'revoked' || next.phase === 'blocked') {
        this.channels.delete(id);
        await channel?.stop({ dropEntries: true, bye: 'normal' });
      } else if (channel) {
        await channel.refresh(next);
      } else {
        await this.startChannel(id, next);
      }
      const info = await this.contactInfo(id, next);
      this.emit({ type: 'contact', contact: info });
      this.emit({ type: 'presence', contactId: id, state: info.presence.state, text: info.presence.text });
      return info;
    });
  }

  /** Block: stop publishing for them, drop the link, refuse theirs; reversible with unblock. */
  async blockContact(input: { id: string }): Promise<ContactInfo> {
    const id = expectString(expectObject(input, 'input').id, 'contact id', 128);
    const r = await this.requireStore().contacts.get(id);
    if (!r) throw CoreError.NOT_FOUND('contact', id);
    if (r.phase !== 'confirmed') throw CoreError.CONTACT_STATE(`a ${r.phase} contact cannot be blocked`);
    return this.patchContact(id, { phase: 'blocked' });
  }

  async unblockContact(input: { id: string }): Promise<ContactInfo> {
    const id = expectString(expectObject(input, 'input').id, 'contact id', 128);
    const r = await this.requireStore().contacts.get(id);
    if (!r) throw CoreError.NOT_FOUND('contact', id);
    if (r.phase !== 'blocked') throw CoreError.CONTACT_STATE('only a blocked contact can be unblocked');
    return this.patchContact(id, { phase: 'confirmed' });
  }

  /** Revoke (the paper's "stop publishing"): no entries, no endpoint, no client auth, no link. Final. */
  async revokeContact(input: { id: string }): Promise<ContactInfo> {
    const id = expectString(expectObject(input, 'input').id, 'contact id', 128);
    const r = await this.requireStore().contacts.get(id);
    if (!r) throw CoreError.NOT_FOUND('contact', id);
    return this.patchContact(id, { phase: 'revoked' });
  }

  /** Deletes the contact and its history (revokes first). */
  async deleteContact(input: { id: string }): Promise<void> {
    const id = expectString(expectObject(input, 'input').id, 'contact id', 128);
    await this.serial(async () => {
      if (!(await this.requireStore().contacts.get(id))) throw CoreError.NOT_FOUND('contact', id);
      await this.removeContact(id);
    });
  }

  private async removeContact(id: string): Promise<void> {
    const store = this.requireStore();
    const channel = this.channels.get(id);
    this.channels.delete(id);
    await channel?.stop({ dropEntries: true, bye: 'normal' });
    await store.messages.deleteConversation(id);
    await store.contacts.delete(id);
    this.emit({ type: 'contact-removed', contactId: id });
  }

  // ---------------------------------------------------------------------------------- presence

  async setPresence(input: { state: string; text?: string }): Promise<CoreStatus> {
    const i = expectObject(input, 'input');
    const checked = checkPresenceInput(i.state, i.text ?? this.own.text);
    if (typeof checked === 'string') throw CoreError.BAD_INPUT(checked);
    this.own = { ...this.own, ...checked };
    await this.requireStore().settings.set(SETTINGS_PRESENCE, { state: checked.state, text: checked.text });
    await this.presenceChanged();
    return this.status();
  }

  /** Minutes since the last user input, from the host: online <-> away (presence.ts). */
  async setIdle(input: { minutes: number }): Promise<CoreStatus> {
    const minutes = expectObject(input, 'input').minutes;
    if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes < 0) throw CoreError.BAD_INPUT('minutes must be a number >= 0');
    const before = effectiveState(this.own);
    this.own = { ...this.own, idleMinutes: minutes };
    if (effectiveState(this.own) !== before) await this.presenceChanged();
    return this.status();
  }

  private async presenceChanged(): Promise<void> {
    this.emit({ type: 'status', status: this.status() });
    await Promise.allSettled([...this.channels.values()].map((c) => c.refresh()));
  }

  // ---------------------------------------------------------------------------------- messages

  /** Persisted (outbox) before anything is sent; delivered now or when the contact next appears. */
  async sendMessage(input: { contactId: string; body: string }): Promise<MessageInfo> {
    const i = expectObject(input, 'input');
    const contactId = expectString(i.contactId, 'contact id', 128);
    const body = expectString(i.body, 'message body', 16 * 1024);
    if (new TextEncoder().encode(body).length > 16 * 1024) throw CoreError.BAD_INPUT('message body is longer than 16 KiB');
    if (body.length === 0) throw CoreError.BAD_INPUT('message body is empty');
    const store = this.requireStore();
    const contact = await store.contacts.get(contactId) as CoreContactRecord | undefined;
    if (!contact) throw CoreError.NOT_FOUND('contact', contactId);
    if (contact.phase === 'revoked' || contact.phase === 'blocked') throw CoreError.CONTACT_STATE(`cannot write to a ${contact.phase} contact`);
    const id = toHex(this.o.clock.randomBytes(16));
    const conversationId = contact.conversationId ?? conversationIdOf(this.requireIdentity().publicKey, fromHex(contact.identityPk, 32), sha256);
    await store.messages.append({ id, contactId, conversationId, direction: 'out', body, sentAt: this.o.clock.now(), status: 'queued' });
    const stored = await store.messages.get(contactId, id);
    const info = toMessageInfo(stored!);
    this.emit({ type: 'message', message: info });
    this.channels.get(contactId)?.flushOutbox();
    return info;
  }

  async history(input: { contactId: string; before?: number; limit?: number }): Promise<HistoryPage> {
    const i = expectObject(input, 'input');
    const contactId = expectString(i.contactId, 'contact id', 128);
    const limit = i.limit === undefined ? 50 : i.limit;
    if (typeof limit !== 'number') throw CoreError.BAD_INPUT('limit must be a number');
    if (i.before !== undefined && typeof i.before !== 'number') throw CoreError.BAD_INPUT('before must be a number');
    const page = await this.requireStore().messages.history(contactId, { limit, ...(i.before === undefined ? {} : { before: i.before as number }) });
    const messages = page.map(toMessageInfo);
    const last = messages.at(-1);
    return { messages, nextBefore: messages.length === limit && last ? last.seq : null };
  }

  async markRead(input: { contactId: string }): Promise<{ unread: number }> {
    const contactId = expectString(expectObject(input, 'input').contactId, 'contact id', 128);
    const store = this.requireStore();
    const newest = (await store.messages.history(contactId, { limit: 20 })).find((m) => m.direction === 'in' && m.status === 'received');
    await store.messages.markRead(contactId);
    if (newest) this.channels.get(contactId)?.sendReadReceipt(newest.id);
    this.emit({ type: 'unread', contactId, count: 0 });
    return { unread: 0 };
  }

  setTyping(input: { contactId: string; active: boolean }): void {
    const i = expectObject(input, 'input');
    const contactId = expectString(i.contactId, 'contact id', 128);
    if (typeof i.active !== 'boolean') throw CoreError.BAD_INPUT('active must be true or false');
    const channel = this.channels.get(contactId);
    if (channel?.record.conversationId) channel.sendTyping(i.active, channel.record.conversationId);
  }
}

export const PROFILE_TOR_DIR = 'tor';
export function torDataDir(profileDir: string): string {
  return join(profileDir, PROFILE_TOR_DIR);
}
