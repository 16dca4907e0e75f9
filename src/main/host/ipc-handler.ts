// The main side of the IPC contract (docs/ARCHITECTURE.md "src/ipc", "Browser host"): every
// payload arrives as unknown, is parsed with its channel's schema, and goes to the core (or the
// host) one to one; every answer is a Result with a code. Used by the Electron shell and by the
// browser host alike, so both expose exactly the same API.
import type { z } from 'zod';
import {
  CORE_CHANNELS, CHANNELS, GROUP_CHANNELS, HOST_CHANNELS, IPC_ERRORS, describeIssues, fail, groupRoute, isChannelName, ok,
  type ChannelName, type ErrorInfo, type Result, type SottoEvent,
} from '../../ipc/index.ts';
import { toErrorInfo, type SottoCore } from '../index.ts';
import type { UiSettings } from './ui-settings.ts';
import { NetworkSettings } from '../core/network-settings.ts';
import { HostError } from './errors.ts';
import type { GroupSessions } from '../group/group-sessions.ts';

/**
 * The core's code and message, plus the wait an error carries (the store's UNLOCK_DELAYED and
 * WRONG_PASSPHRASE set `retryAfterMs`), so a window can say how long to wait.
 */
export function errorInfoOf(err: unknown): ErrorInfo {
  const info = toErrorInfo(err);
  const wait = err instanceof Error && 'retryAfterMs' in err ? err.retryAfterMs : undefined;
  return typeof wait === 'number' && Number.isSafeInteger(wait) && wait > 0 ? { ...info, retryAfterMs: wait } : info;
}

type CoreChannel = keyof typeof CORE_CHANNELS;
type GroupChannel = keyof typeof GROUP_CHANNELS;
/** Host channels plus the core channels the host completes (defaults for new contacts). */
type HostChannel = keyof typeof HOST_CHANNELS | 'acceptInvitation' | 'confirmInvitation';
type In<C extends ChannelName> = z.output<(typeof CHANNELS)[C]['input']>;

/** What only the host can do (windows, the system browser, input in its windows). */
export interface HostActions {
  openExternal(url: string): Promise<void>;
  openSession(contactId: string): Promise<{ route: string; opened: boolean }>;
  /** A group chat's window; without it (browser host) the renderer opens the route itself. */
  openGroupWindow?(sessionId: string): Promise<{ route: string; opened: boolean }>;
  /** Input in one of the profile's windows (auto-away). */
  activity(): void;
}

export interface IpcHandlerOptions {
  core: SottoCore;
  settings: UiSettings;
  actions: HostActions;
  /** The profile's tor and gateways (src/main/core/network-settings.ts); default: one over the core's store. */
  network?: NetworkSettings;
}

/** Core channels: the method of the same name, nothing added. Typed so a drift does not compile. */
const CORE_CALLS: { [C in CoreChannel]: (core: SottoCore, input: In<C>) => unknown } = {
  status: (c) => c.status(),
  profile: (c) => c.profile(),
  createProfile: (c, i) => c.createProfile(i),
  unlock: (c, i) => c.unlock(i),
  changePassphrase: (c, i) => c.changePassphrase(i),
  setDisplayName: (c, i) => c.setDisplayName(i),
  lock: (c) => c.lock(),
  createInvitation: (c, i) => c.createInvitation(i),
  listInvitations: (c) => c.listInvitations(),
  invitationQr: (c, i) => c.invitationQr(i),
  invitationEmail: (c, i) => c.invitationEmail(i),
  confirmInvitation: (c, i) => c.confirmInvitation(i),
  declineInvitation: (c, i) => c.declineInvitation(i),
  cancelInvitation: (c, i) => c.cancelInvitation(i),
  acceptInvitation: (c, i) => c.acceptInvitation(i),
  listContacts: (c) => c.listContacts(),
  getContact: (c, i) => c.getContact(i),
  updateContact: (c, i) => c.updateContact(i),
  blockContact: (c, i) => c.blockContact(i),
  unblockContact: (c, i) => c.unblockContact(i),
  revokeContact: (c, i) => c.revokeContact(i),
  deleteContact: (c, i) => c.deleteContact(i),
  setPresence: (c, i) => c.setPresence(i),
  sendMessage: (c, i) => c.sendMessage(i),
  history: (c, i) => c.history(i),
  markRead: (c, i) => c.markRead(i),
  setTyping: (c, i) => c.setTyping(i),
};

/** Group chat channels: SottoCore.groupSessions() (NOT_RUNNING while locked), method by method. */
const GROUP_CALLS: { [C in GroupChannel]: (group: GroupSessions, input: In<C>) => unknown } = {
  groupCreate: (g, i) => g.create(i.title),
  groupInvite: (g, i) => g.invite(i.sessionId, i.invitee),
  groupSend: (g, i) => g.send(i.sessionId, i.body),
  groupLeave: (g, i) => g.leave(i.sessionId),
  groupAnswer: (g, i) => g.answer(i.sessionId, i.join),
  groupList: (g) => ({ sessions: g.list(), invitations: g.invitations() }),
  groupMessages: (g, i) => g.messages(i.sessionId),
  groupInvitePolicy: (g) => g.invitePolicy(),
  groupSetInvitePolicy: (g, i) => g.setInvitePolicy(i.policy),
};

export class IpcHandler {
  private readonly listeners = new Set<(event: SottoEvent) => void>();
  private readonly unsubscribeCore: () => void;
  private readonly unsubscribeNetwork: () => void;
  private readonly unsubscribeGroup: () => void;
  private readonly network: NetworkSettings;

  constructor(private readonly o: IpcHandlerOptions) {
    this.unsubscribeCore = o.core.onEvent((event) => this.emit(event));
    this.unsubscribeGroup = o.core.onGroupEvent((event) => this.emit(event));
    this.network = o.network ?? new NetworkSettings({ port: () => o.core.settingsStore() });
    this.unsubscribeNetwork = this.network.onChange(() => this.emit({ type: 'network', network: this.network.view() }));
  }

  /** Answers one call. Never throws: every failure is a Result with a code. */
  async handle(channel: unknown, input: unknown): Promise<Result<unknown>> {
    if (!isChannelName(channel)) return fail(IPC_ERRORS.UNKNOWN_CHANNEL, `there is no channel ${JSON.stringify(String(channel)).slice(0, 80)}`);
    const parsed = CHANNELS[channel].input.safeParse(input);
    if (!parsed.success) return fail(IPC_ERRORS.BAD_INPUT, `${channel}: ${describeIssues(parsed.error)}`);
    try {
      const value = await this.call(channel, parsed.data);
      return ok(value === undefined ? null : value);
    } catch (err) {
      return { ok: false, error: errorInfoOf(err) };
    }
  }

  /** Events of the core and of the host, for every window. */
  onEvent(listener: (event: SottoEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Host events (a deep link from the OS, settings changed). */
  emit(event: SottoEvent): void {
    for (const l of this.listeners) {
      try { l(event); } catch { /* one window's problem must not stop the others */ }
    }
  }

  close(): void {
    this.unsubscribeCore();
    this.unsubscribeNetwork();
    this.unsubscribeGroup();
    this.listeners.clear();
  }

  private call(channel: ChannelName, input: unknown): Promise<unknown> | unknown {
    // `input` was parsed with CHANNELS[channel].input in `handle`; the tables are typed per channel.
    if (Object.hasOwn(this.hostCalls, channel)) return (this.hostCalls[channel as HostChannel] as (input: unknown) => unknown)(input);
    if (Object.hasOwn(GROUP_CALLS, channel)) {
      return (GROUP_CALLS[channel as GroupChannel] as (group: GroupSessions, input: unknown) => unknown)(this.o.core.groupSessions(), input);
    }
    return (CORE_CALLS[channel as CoreChannel] as (core: SottoCore, input: unknown) => unknown)(this.o.core, input);
  }

  /** Host channels, and core channels whose answer the host completes. */
  private readonly hostCalls: { [C in HostChannel]: (input: In<C>) => unknown } = {
    getSettings: () => this.o.settings.view(),
    updateSettings: async (patch) => {
      const view = await this.o.settings.update(patch);
      this.emit({ type: 'settings', settings: view });
      return view;
    },
    // Read from the store each time: the same answer whether or not the core has started yet.
    getNetwork: async () => { await this.network.load(); return this.network.view(); },
    updateNetwork: (patch) => this.network.update(patch),
    networkChoices: () => ({ sandbox: this.network.sandbox }),
    createProfileOnNetwork: async ({ network, ...profile }) => {
      // Checked before anything is created; the profile's first start stores it, before it picks its network.
      this.network.forNewProfile(network);
      try {
        const created = await this.o.core.createProfile(profile);
        await this.network.load(); // stores it now if the services never read the settings
        return created;
      } finally {
        this.network.forNewProfile(null);
      }
    },
    sendInvitationEmail: (i) => this.sendInvitationEmail(i),
    openExternal: (i) => this.o.actions.openExternal(i.url),
    openSession: (i) => this.o.actions.openSession(i.contactId),
    openGroupWindow: async (i) => (await this.o.actions.openGroupWindow?.(i.sessionId)) ?? { route: groupRoute(i.sessionId), opened: false },
    reportActivity: () => this.o.actions.activity(),
    acceptInvitation: async (i) => {
      const result = await this.o.core.acceptInvitation(i);
      return { ...result, contact: await this.withDefaults(result.contact) };
    },
    confirmInvitation: async (i) => this.withDefaults(await this.o.core.confirmInvitation(i)),
  };

  /**
   * New contacts get the receipts/typing opt-ins the person chose as defaults in the settings.
   * Best effort: the contact exists already, so a failure here must not turn the answer into an
   * error (the person would retry an accept that worked); it becomes a warning event instead.
   */
  private async withDefaults<T extends { id: string; receipts: boolean; typing: boolean }>(contact: T): Promise<T> {
    try {
      const s = await this.o.settings.stored();
      if (contact.receipts === s.receiptsDefault && contact.typing === s.typingDefault) return contact;
      const updated = await this.o.core.updateContact({ id: contact.id, receipts: s.receiptsDefault, typing: s.typingDefault });
      return { ...contact, ...updated };
    } catch (err) {
      const e = toErrorInfo(err);
      this.emit({ type: 'warning', code: e.code, message: `the default receipts and typing settings were not applied: ${e.message}`, contactId: contact.id });
      return contact;
    }
  }

  private async sendInvitationEmail(input: In<'sendInvitationEmail'>): Promise<{ messageId: string }> {
    const { smtp } = await this.o.settings.stored();
    if (!smtp) throw HostError.SMTP_NOT_SET();
    return this.o.core.sendInvitationEmail({
      id: input.id, from: smtp.from, to: input.to, ...(input.note === undefined ? {} : { note: input.note }),
      smtp: {
        host: smtp.host, port: smtp.port, secure: smtp.secure, requireTLS: smtp.requireTLS,
        ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password } } : {}),
      },
    });
  }
}
