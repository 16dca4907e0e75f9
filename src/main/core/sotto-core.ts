// SottoCore: the one object the UI (over IPC), the browser host and the tests drive
// (docs/ARCHITECTURE.md "Core API"). It composes the profile store, tor, the registry and links;
// every input and output is JSON-serialisable; every background change is an event.
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { encodeContactCode, fingerprint, fromHex, identityFromSeed, ready, safetyNumber, toHex, type Identity } from '../../protocol/index.ts';
import { checkNewPassphrase, createProfile, MIN_PASSPHRASE_SCORE, profileExists, unlockProfile, type ContactRecord, type KdfCost, type ProfileStore } from '../store/index.ts';
import type { InvitationEmailDraft, SmtpSettings } from '../invite/index.ts';
import { systemClock, type Clock } from './clock.ts';
import { CoreError } from './errors.ts';
import { ContactChannel, conversationIdOf, toMessageInfo, type ChannelHost, type CoreContactRecord } from './contact-channel.ts';
import { Invitations, sha256 } from './invitations.ts';
import { DEFAULT_INVITATION_TTL_MS, MAX_INVITATION_TTL_MS } from './invitation-lifecycle.ts';
import { DEFAULT_AWAY_AFTER_MINUTES, effectiveState, type OwnPresence } from './presence.ts';
import { DEFAULT_RENDEZVOUS_TIMINGS, type RendezvousTimings } from './rendezvous.ts';
import { DEFAULT_ENDPOINT_GROUPS, EndpointGroups, type EndpointGroupOptions } from './endpoint-groups.ts';
import type { LinkFactory, RegistryPort, TorPort } from './ports.ts';
import { GroupSessions, type GroupEvent } from '../group/group-sessions.ts';
import { RETIRE_AFTER_MS, SessionLinks } from '../group/session-links.ts';
import { loadInvitePolicy } from '../group/invite-preference.ts';
import type { z } from 'zod';
import type { InvitationGateways } from './network-settings.ts';
import {
  acceptInvitationInput, changePassphraseInput, confirmInvitationInput, contactIdInput, createInvitationInput, createProfileInput,
  describeIssues, historyInput, idInput, invitationEmailInput, invitationQrInput, sendInvitationEmailInput, sendMessageInput,
  setDisplayNameInput, setIdleInput, setPresenceInput, setTypingInput, unlockInput, updateContactInput,
} from '../../ipc/index.ts';
import type {
  AcceptResult, ContactInfo, CoreEvent, CorePhase, CoreStatus, HistoryPage, InvitationInfo, MessageInfo, ProfileInfo,
} from './types.ts';

export interface CoreServices {
  tor: TorPort; registry: RegistryPort; links: LinkFactory;
  /**
   * This unlock's schedule, over the core's own, when the services pick the network per profile
   * (a desktop host: a testbed's short one or production's, src/main/host/profile-network.ts).
   */
  timings?: Partial<CoreTimings>;
}
export interface CoreServicesContext {
  profileDir: string; identity: Identity; clock: Clock; onWarning(code: string, message: string): void;
  /** The encrypted profile settings: the registry keeps its hour plans there (src/main/registry/hour-plan.ts). */
  settings?: { get(key: string): Promise<unknown>; set(key: string, value: unknown): Promise<void> };
}
export type CoreServicesFactory = (ctx: CoreServicesContext) => Promise<CoreServices>;

export interface CoreTimings extends RendezvousTimings {
  /** Endpoints are re-created this often (DESIGN D5: new endpoints every 24 h, make before break). */
  rotateEveryMs: number;
  /** How often pending invitations are checked for expiry. */
  expiryCheckMs: number;
  /** A group chat endpoint re-created without a member that left keeps its old address this long (session-links.ts). */
  sessionEndpointRetireMs: number;
}

export const DEFAULT_CORE_TIMINGS: CoreTimings = {
  ...DEFAULT_RENDEZVOUS_TIMINGS,
  rotateEveryMs: 24 * 3600_000,
  expiryCheckMs: 60_000,
  sessionEndpointRetireMs: RETIRE_AFTER_MS,
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
  /**
   * Least zxcvbn score (0-4) of a new passphrase (store/passphrase-strength.ts). Default:
   * MIN_PASSPHRASE_SCORE, or 0 when `kdf` is given: a core with a test KDF cost is a test core,
   * and a weak KDF makes every passphrase weak anyway.
   */
  minPassphraseScore?: number;
  /** The profile's network settings (network-settings.ts): invitations carry its gateways (v2). */
  network?: InvitationGateways;
}

const SETTINGS_PRESENCE = 'core.presence';

/** What a caller passes: the input type of the method's schema (src/ipc/core-inputs.ts). */
type In<S extends z.ZodType> = z.input<S>;

/**
 * Every input is parsed with its one schema from src/ipc (shared with the IPC contract, the same
 * text rules as the frame encoder) before anything else runs: a bad input is BAD_INPUT and
 * nothing is stored (docs/ARCHITECTURE.md "src/ipc").
 */
function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw CoreError.BAD_INPUT(describeIssues(parsed.error));
  return parsed.data;
}

export class SottoCore {
  private readonly o: Required<Omit<SottoCoreOptions, 'kdf' | 'timings' | 'endpointGroups' | 'minPassphraseScore' | 'network'>> & {
    kdf: KdfCost | undefined; timings: CoreTimings; endpointGroups: EndpointGroupOptions | null;
  };
  private readonly minPassphraseScore: number;
  /** The schedule given at construction; each unlock starts from it (CoreServices.timings). */
  private readonly baseTimings: CoreTimings;
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
  /** Pending handles of the periodic loops (every()): one per loop, replaced when it fires. */
  private readonly timers = new Set<unknown>();
  /** Round-robin position of the spread rotation (every() below). */
  private rotateCursor = 0;
  private startup: Promise<unknown> = Promise.resolve();
  /** Shared endpoints of this session (null when grouping is off). */
  private groups: EndpointGroups | null = null;
  /** Contacts found at unlock: the whole address book decides grouping, not start order. */
  private pairingsAtStart = 0;
  /** Multi-party sessions of the unlocked profile (src/main/group), and who listens to them. */
  private groupChats: GroupSessions | null = null;
  private sessionLinks: SessionLinks | null = null;
  private readonly groupEvents = new EventEmitter<{ event: [GroupEvent] }>();
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
    this.baseTimings = { ...this.o.timings };
    this.phase = profileExists(opts.profileDir) ? 'locked' : 'no-profile';
    this.minPassphraseScore = opts.minPassphraseScore ?? (opts.kdf ? 0 : MIN_PASSPHRASE_SCORE);
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
      stopChannel: async (id) => {
        const channel = this.channels.get(id);
        this.channels.delete(id);
        await channel?.stop({ dropEntries: true, bye: 'normal' });
      },
      channel: (id) => this.channels.get(id),
      removeContact: (id) => this.removeContact(id),
      contactInfo: (id, record) => this.contactInfo(id, record),
      ...(opts.network ? { gateways: opts.network } : {}),
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

  async createProfile(input: In<typeof createProfileInput>): Promise<ProfileInfo> {
    const { displayName, passphrase } = parseInput(createProfileInput, input);
    if (this.phase !== 'no-profile') throw this.phase === 'locked' ? CoreError.BAD_INPUT('a profile already exists here') : CoreError.NOT_LOCKED();
    await checkNewPassphrase(passphrase, { minScore: this.minPassphraseScore, userInputs: [displayName] });
    await ready();
    const store = await createProfile(this.o.profileDir, { name: displayName, passphrase, ...(this.o.kdf ? { kdf: this.o.kdf } : {}) });
    await this.open(store);
    return this.profile();
  }

  async unlock(input: In<typeof unlockInput>): Promise<ProfileInfo> {
    const { passphrase } = parseInput(unlockInput, input);
    if (this.phase === 'no-profile') throw CoreError.NO_PROFILE(this.o.profileDir);
    if (this.phase !== 'locked') throw CoreError.NOT_LOCKED();
    await ready();
    const store = await unlockProfile(this.o.profileDir, passphrase);
    await this.open(store);
    return this.profile();
  }

  async changePassphrase(input: In<typeof changePassphraseInput>): Promise<void> {
    const i = parseInput(changePassphraseInput, input);
    const store = this.requireStore();
    await checkNewPassphrase(i.next, { minScore: this.minPassphraseScore, userInputs: [this.displayName] });
    await store.changePassphrase(i.current, i.next, this.o.kdf ? { kdf: this.o.kdf } : {});
  }

  async setDisplayName(input: In<typeof setDisplayNameInput>): Promise<ProfileInfo> {
    const name = parseInput(setDisplayNameInput, input).displayName;
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
      // The saved status passes the same schema as setPresence (a damaged record is ignored).
      const saved = setPresenceInput.safeParse(await store.settings.get(SETTINGS_PRESENCE));
      if (saved.success) this.own = { ...this.own, state: saved.data.state, text: saved.data.text ?? '' };
      this.services = await this.o.services({
        profileDir: this.o.profileDir, identity: this.identity, clock: this.o.clock,
        onWarning: (code, message) => this.warn(code, message), settings: store.settings,
      });
      // In place: the invitations and every channel hold this object.
      Object.assign(this.o.timings, this.baseTimings, this.services.timings);
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
      this.sessionLinks = new SessionLinks({
        identity: this.identity, displayName: () => this.displayName, tor, links: this.services.links,
        connectTimeoutMs: this.o.timings.connectTimeoutMs, clock: this.o.clock, retireAfterMs: this.o.timings.sessionEndpointRetireMs,
        onFrame: (peer, frame) => this.groupChats?.receive(peer, frame),
        onWarning: (code, message) => this.warn(code, message),
      });
      this.groupChats = new GroupSessions({
        identity: this.identity, clock: this.o.clock, emit: (e) => this.groupEvents.emit('event', e), links: this.sessionLinks,
        policy: await loadInvitePolicy(store.settings, (message) => this.warn('GROUP_PREFERENCE', message)), preferenceStore: store.settings,
        carrier: { send: (to, frame) => this.contactChannelOf(to)?.sendSessionFrame(frame) ?? false, isContact: (key) => this.contactChannelOf(key) !== undefined },
      });
      // Endpoints come up in the background: each waits for its descriptor upload and tor creates
      // at most a few at once (measured: 100 contacts took 254 s on the testbed), so unlock must
      // not wait for them. Presence events say when each contact is reachable.
      const starting = this.startSessions().catch((err: Error) => this.warn('START', err.message));
      this.startup = starting;
      // Rotation is spread (issue 11 item 5): one channel every rotateEveryMs / n, round robin, so
      // each endpoint is still renewed once a period but never all n at once (n new onions and
      // descriptor uploads in one burst, and a busy main thread).
      const { rotateEveryMs } = this.o.timings;
      this.every(() => rotateEveryMs / Math.max(1, this.channels.size), () => this.rotateNext());
      this.every(() => rotateEveryMs, () => { void this.groups?.rotateAll(); });
      this.every(() => this.o.timings.expiryCheckMs, () => { void this.serial(() => this.invitations.expireDue()); });
      this.setPhase('running');
    } catch (err) {
      await this.shutdown({ gone: false }).catch(() => undefined);
      throw err;
    }
  }

  /** A periodic loop holding exactly one pending timer handle (it used to keep every handle). */
  private every(period: () => number, fn: () => void): void {
    let handle: unknown;
    const arm = (): void => {
      handle = this.o.clock.setTimeout(tick, period());
      this.timers.add(handle);
    };
    const tick = (): void => {
      this.timers.delete(handle);
      if (this.phase !== 'running' && this.phase !== 'starting') return;
      fn();
      arm();
    };
    arm();
  }

  private rotateNext(): void {
    const channels = [...this.channels.values()];
    if (channels.length === 0) return;
    this.rotateCursor = (this.rotateCursor + 1) % channels.length;
    void channels[this.rotateCursor]!.rotate();
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
    // Every pairing has called watch() by now (Rendezvous.start does so before anything it awaits).
    this.requireServices().registry.registeredAll?.();
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
      onDeclined: (id, taken) => { void this.serial(() => this.invitations.redeemerDeclined(id, taken)).catch((err: Error) => this.warn('UPGRADE', err.message, id)); },
      onFirstLink: (id) => { void this.serial(() => this.invitations.sealedUsed(id)).catch((err: Error) => this.warn('INVITATION', err.message, id)); },
      onRevoked: (id) => { void this.peerRevoked(id).catch((err: Error) => this.warn('REVOKED', err.message, id)); },
      onSessionFrame: (peer, frame) => this.groupChats?.receive(peer, frame),
      onSessionLinkUp: (peer) => this.groupChats?.linkUp(peer),
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
    this.timers.clear();
    // Stop (and so abort) what is running before waiting for the background start: a start that
    // is still creating endpoints would otherwise hold shutdown for minutes.
    this.groups?.beginStop();
    // Leaving every session first, while the links that carry the leaves are still up.
    this.groupChats?.close();
    this.groupChats = null;
    await this.sessionLinks?.closeAll();
    this.sessionLinks = null;
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

  // ---------------------------------------------------------------------------------- group chats

  /** Multi-party sessions (src/main/group, docs/PROTOCOL.md "Multi-party sessions"); running profile only. */
  groupSessions(): GroupSessions {
    if (!this.groupChats) throw CoreError.NOT_RUNNING();
    return this.groupChats;
  }

  onGroupEvent(listener: (event: GroupEvent) => void): () => void {
    this.groupEvents.on('event', listener);
    return () => this.groupEvents.off('event', listener);
  }

  /** The confirmed contact with this identity key, if its channel runs. */
  private contactChannelOf(key: Uint8Array): ContactChannel | undefined {
    const hex = toHex(key);
    for (const c of this.channels.values()) if (c.record.identityPk === hex && c.record.phase === 'confirmed') return c;
    return undefined;
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

  async createInvitation(input: In<typeof createInvitationInput>, opts: { ttlMs?: number } = {}): Promise<InvitationInfo> {
    const i = parseInput(createInvitationInput, input);
    const ttl = opts.ttlMs ?? this.o.invitationTtlMs;
    if (!Number.isSafeInteger(ttl) || ttl <= 0 || ttl > MAX_INVITATION_TTL_MS) throw CoreError.BAD_INPUT('invitation lifetime out of range');
    if (i.kind === 'open') return this.invitations.create({ kind: 'open' }, ttl);
    return this.invitations.create({ kind: 'sealed', contactCode: i.contactCode, nickname: i.nickname ?? '' }, ttl);
  }

  /** The inviter confirms the redeemer (name + fingerprint seen): they become a contact, s is erased. */
  async confirmInvitation(input: In<typeof confirmInvitationInput>): Promise<ContactInfo> {
    const i = parseInput(confirmInvitationInput, input);
    return this.invitations.confirm(i.id, i.nickname);
  }

  async declineInvitation(input: In<typeof idInput>): Promise<InvitationInfo> {
    return this.invitations.finish(parseInput(idInput, input).id, 'decline');
  }

  async cancelInvitation(input: In<typeof idInput>): Promise<InvitationInfo> {
    return this.invitations.finish(parseInput(idInput, input).id, 'cancel');
  }

  /** Accepts an invitation given as a link, any text holding one (deep link, e-mail), or a QR image. */
  async acceptInvitation(input: In<typeof acceptInvitationInput>): Promise<AcceptResult> {
    const i = parseInput(acceptInvitationInput, input);
    const text = i.link ?? i.text;
    const link = this.invitations.linkOf(i.imagePngBase64 !== undefined ? { imagePngBase64: i.imagePngBase64 } : { text: text ?? '' });
    return this.invitations.accept(link, i.nickname);
  }

  async listInvitations(): Promise<InvitationInfo[]> {
    return this.invitations.list();
  }

  /** QR code of the invitation link: PNG as base64, or an SVG document. */
  async invitationQr(input: In<typeof invitationQrInput>): Promise<{ format: 'png' | 'svg'; data: string }> {
    const i = parseInput(invitationQrInput, input);
    return this.invitations.qr(i.id, i.format);
  }

  async invitationEmail(input: In<typeof invitationEmailInput>): Promise<InvitationEmailDraft> {
    const i = parseInput(invitationEmailInput, input);
    return this.invitations.email(i.id, {
      inviterFingerprint: this.profile().fingerprint,
      ...(i.to === undefined ? {} : { to: i.to }),
      ...(i.note === undefined ? {} : { note: i.note }),
    });
  }

  /** Sends the invitation through the user's own SMTP server (DESIGN D3). */
  async sendInvitationEmail(input: In<typeof sendInvitationEmailInput>): Promise<{ messageId: string }> {
    const i = parseInput(sendInvitationEmailInput, input);
    const smtp: SmtpSettings = {
      host: i.smtp.host, port: i.smtp.port, secure: i.smtp.secure,
      // Absent = TLS required; false is honoured only for a loopback server (invite/email.ts).
      ...(i.smtp.requireTLS === undefined ? {} : { requireTLS: i.smtp.requireTLS }),
      ...(i.smtp.auth ? { auth: i.smtp.auth } : {}),
    };
    return this.invitations.sendEmail({
      id: i.id, from: i.from, to: i.to, ...(i.note === undefined ? {} : { note: i.note }), smtp, inviterFingerprint: this.profile().fingerprint,
    });
  }

  // ---------------------------------------------------------------------------------- contacts

  /** `unread`: the count when the caller already has it (listContacts reads all counts at once). */
  private async contactInfo(id: string, r: ContactRecord, unread?: number): Promise<ContactInfo> {
    const pk = fromHex(r.identityPk, 32);
    const channel = this.channels.get(id);
    const presence = channel?.currentPresence ?? { state: 'offline' as const, text: '' };
    return {
      id, nickname: r.nickname, contactCode: encodeContactCode(pk), fingerprint: fingerprint(pk),
      safetyNumber: safetyNumber(this.requireIdentity().publicKey, pk),
      phase: r.phase, verified: r.verified, visible: r.visible, receipts: r.receipts, typing: r.typing,
      presence: { state: presence.state, text: presence.text },
      unread: unread ?? await this.requireStore().messages.unreadCount(id), createdAt: r.createdAt,
    };
  }

  async listContacts(): Promise<ContactInfo[]> {
    const out: ContactInfo[] = [];
    const store = this.requireStore();
    // Two reads for the whole list (issue 11 item 4): every contact row and every conversation
    // summary decrypted once, not one unread query per contact.
    const [contacts, unread] = await Promise.all([store.contacts.list(), store.messages.unreadCounts()]);
    for (const { id, record } of contacts) out.push(await this.contactInfo(id, record, unread[id] ?? 0));
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }

  async getContact(input: In<typeof idInput>): Promise<ContactInfo> {
    const { id } = parseInput(idInput, input);
    const r = await this.requireStore().contacts.get(id);
    if (!r) throw CoreError.NOT_FOUND('contact', id);
    return this.contactInfo(id, r);
  }

  /** Nickname, verified flag, per-contact visibility, receipts and typing opt-ins. */
  async updateContact(input: In<typeof updateContactInput>): Promise<ContactInfo> {
    const { id, ...fields } = parseInput(updateContactInput, input);
    const patch: Partial<ContactRecord> = {};
    if (fields.nickname !== undefined) patch.nickname = fields.nickname;
    for (const key of ['verified', 'visible', 'receipts', 'typing'] as const) {
      const v = fields[key];
      if (v !== undefined) patch[key] = v;
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
        // Revoke is final and the contact is told (bye 'revoked'); a block looks like going away.
        await channel?.stop({ dropEntries: true, bye: next.phase === 'revoked' ? 'revoked' : 'normal' });
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
  async blockContact(input: In<typeof idInput>): Promise<ContactInfo> {
    const { id } = parseInput(idInput, input);
    const r = await this.requireStore().contacts.get(id);
    if (!r) throw CoreError.NOT_FOUND('contact', id);
    if (r.phase !== 'confirmed') throw CoreError.CONTACT_STATE(`a ${r.phase} contact cannot be blocked`);
    return this.patchContact(id, { phase: 'blocked' });
  }

  async unblockContact(input: In<typeof idInput>): Promise<ContactInfo> {
    const { id } = parseInput(idInput, input);
    const r = await this.requireStore().contacts.get(id);
    if (!r) throw CoreError.NOT_FOUND('contact', id);
    if (r.phase !== 'blocked') throw CoreError.CONTACT_STATE('only a blocked contact can be unblocked');
    return this.patchContact(id, { phase: 'confirmed' });
  }

  /** Revoke (the paper's "stop publishing"): no entries, no endpoint, no client auth, no link. Final. */
  async revokeContact(input: In<typeof idInput>): Promise<ContactInfo> {
    const { id } = parseInput(idInput, input);
    const r = await this.requireStore().contacts.get(id);
    if (!r) throw CoreError.NOT_FOUND('contact', id);
    return this.patchContact(id, { phase: 'revoked' });
  }

  /** Deletes the contact and its history (revokes first). */
  async deleteContact(input: In<typeof idInput>): Promise<void> {
    const { id } = parseInput(idInput, input);
    await this.serial(async () => {
      if (!(await this.requireStore().contacts.get(id))) throw CoreError.NOT_FOUND('contact', id);
      await this.removeContact(id);
    });
  }

  /** The contact revoked or deleted us: our record becomes revoked (we stop too); delete removes it. */
  private async peerRevoked(id: string): Promise<void> {
    const r = await this.requireStore().contacts.get(id);
    if (!r || (r.phase !== 'confirmed' && r.phase !== 'pending')) return;
    const info = await this.patchContact(id, { phase: 'revoked' });
    this.warn('CONTACT_REVOKED', `${info.nickname || 'A contact'} removed you from their contacts: you can no longer reach each other. You can delete them too.`, id);
  }

  private async removeContact(id: string): Promise<void> {
    const store = this.requireStore();
    const channel = this.channels.get(id);
    this.channels.delete(id);
    await channel?.stop({ dropEntries: true, bye: 'revoked' });
    await store.messages.deleteConversation(id);
    await store.contacts.delete(id);
    this.emit({ type: 'contact-removed', contactId: id });
  }

  // ---------------------------------------------------------------------------------- presence

  async setPresence(input: In<typeof setPresenceInput>): Promise<CoreStatus> {
    const i = parseInput(setPresenceInput, input);
    const checked = { state: i.state, text: i.text ?? this.own.text };
    this.own = { ...this.own, ...checked };
    await this.requireStore().settings.set(SETTINGS_PRESENCE, { state: checked.state, text: checked.text });
    await this.presenceChanged();
    return this.status();
  }

  /**
   * Minutes since the last user input, from the host: online <-> away (presence.ts); the host
   * passes the person's auto-away threshold (a UI setting) along with it.
   */
  async setIdle(input: In<typeof setIdleInput>): Promise<CoreStatus> {
    const { minutes, awayAfterMinutes } = parseInput(setIdleInput, input);
    const before = effectiveState(this.own);
    this.own = { ...this.own, idleMinutes: minutes, ...(awayAfterMinutes === undefined ? {} : { awayAfterMinutes }) };
    if (effectiveState(this.own) !== before) await this.presenceChanged();
    return this.status();
  }

  /** The profile's encrypted settings store, for the host's UI settings (src/main/host/ui-settings.ts). */
  settingsStore(): ProfileStore['settings'] {
    return this.requireStore().settings;
  }

  private async presenceChanged(): Promise<void> {
    this.emit({ type: 'status', status: this.status() });
    await Promise.allSettled([...this.channels.values()].map((c) => c.refresh()));
  }

  // ---------------------------------------------------------------------------------- messages

  /** Persisted (outbox) before anything is sent; delivered now or when the contact next appears. */
  async sendMessage(input: In<typeof sendMessageInput>): Promise<MessageInfo> {
    const { contactId, body } = parseInput(sendMessageInput, input);
    const store = this.requireStore();
    // A running channel holds the record as patchContact last wrote it (a revoke or block removes
    // the channel first), so a send skips the row's read and decryption, ~0.25 ms of the message
    // round trip (issue 11 item 2); without a channel the store answers.
    const contact = this.channels.get(contactId)?.record ?? await store.contacts.get(contactId) as CoreContactRecord | undefined;
    if (!contact) throw CoreError.NOT_FOUND('contact', contactId);
    if (contact.phase === 'revoked' || contact.phase === 'blocked') throw CoreError.CONTACT_STATE(`cannot write to a ${contact.phase} contact`);
    const id = toHex(this.o.clock.randomBytes(16));
    const conversationId = contact.conversationId ?? conversationIdOf(this.requireIdentity().publicKey, fromHex(contact.identityPk, 32), sha256);
    const [stored] = await store.messages.appendMany([{ id, contactId, conversationId, direction: 'out', body, sentAt: this.o.clock.now(), status: 'queued' }]);
    const info = toMessageInfo(stored!);
    // The frame is written before anyone hears of the message: queue() starts the flush in a
    // microtask, which runs before this one (issue 11 item 2: the app's windows each get the event
    // over IPC). The channel reports 'sent' after the write, so the events stay in order.
    this.channels.get(contactId)?.queue(stored!);
    await null;
    this.emit({ type: 'message', message: info });
    return info;
  }

  async history(input: In<typeof historyInput>): Promise<HistoryPage> {
    const { contactId, before, limit = 50 } = parseInput(historyInput, input);
    const page = await this.requireStore().messages.history(contactId, { limit, ...(before === undefined ? {} : { before }) });
    const channel = this.channels.get(contactId);
    const messages = page.map((m) => toMessageInfo(channel ? { ...m, status: channel.shownStatus(m) } : m));
    // The page is in conversation order (store conversationOrder), the cursor is the smallest seq.
    return { messages, nextBefore: messages.length === limit ? Math.min(...messages.map((m) => m.seq)) : null };
  }

  async markRead(input: In<typeof contactIdInput>): Promise<{ unread: number }> {
    const { contactId } = parseInput(contactIdInput, input);
    const store = this.requireStore();
    const newest = (await store.messages.history(contactId, { limit: 20 })).find((m) => m.direction === 'in' && m.status === 'received');
    await store.messages.markRead(contactId);
    if (newest) this.channels.get(contactId)?.sendReadReceipt(newest.id);
    this.emit({ type: 'unread', contactId, count: 0 });
    return { unread: 0 };
  }

  setTyping(input: In<typeof setTypingInput>): void {
    const { contactId, active } = parseInput(setTypingInput, input);
    const channel = this.channels.get(contactId);
    if (channel?.record.conversationId) channel.sendTyping(active, channel.record.conversationId);
  }
}

export const PROFILE_TOR_DIR = 'tor';
export function torDataDir(profileDir: string): string {
  return join(profileDir, PROFILE_TOR_DIR);
}
