// The channels: one per SottoCore public method (same name, same input schema, output = what the
// core returns, `null` for nothing) plus the few host channels the UI needs that the core has no
// business with (settings, external links, windows, activity). docs/ARCHITECTURE.md "src/ipc".
import { z } from 'zod';
import {
  acceptResultSchema, contactInfoSchema, coreStatusSchema, historyPageSchema, invitationEmailDraftSchema, invitationInfoSchema,
  invitationQrSchema, messageInfoSchema, profileInfoSchema,
} from './core-types.ts';
import {
  acceptInvitationInput, changePassphraseInput, confirmInvitationInput, contactIdInput, createInvitationInput, createProfileInput,
  historyInput, idInput, invitationEmailInput, invitationQrInput, sendMessageInput, setDisplayNameInput, setPresenceInput,
  setTypingInput, unlockInput, updateContactInput,
} from './core-inputs.ts';
import { settingsUpdateSchema, settingsViewSchema } from './settings.ts';
import { networkChoicesSchema, networkUpdateSchema, networkViewSchema } from './network.ts';
import { externalUrlSchema } from './external-url.ts';
import { GROUP_CHANNELS, sessionIdSchema } from './group.ts';
import { idSchema } from './text.ts';

const none = z.undefined();
const nothing = z.null();

function channel<I extends z.ZodType, O extends z.ZodType>(input: I, output: O): { input: I; output: O } {
  return { input, output };
}

/** Core methods exposed to the UI. `close` and `setIdle` are the host's own (quit, idle time). */
export const CORE_CHANNELS = {
  status: channel(none, coreStatusSchema),
  profile: channel(none, profileInfoSchema),
  createProfile: channel(createProfileInput, profileInfoSchema),
  unlock: channel(unlockInput, profileInfoSchema),
  changePassphrase: channel(changePassphraseInput, nothing),
  setDisplayName: channel(setDisplayNameInput, profileInfoSchema),
  lock: channel(none, nothing),
  createInvitation: channel(createInvitationInput, invitationInfoSchema),
  listInvitations: channel(none, z.array(invitationInfoSchema)),
  invitationQr: channel(invitationQrInput, invitationQrSchema),
  invitationEmail: channel(invitationEmailInput, invitationEmailDraftSchema),
  confirmInvitation: channel(confirmInvitationInput, contactInfoSchema),
  declineInvitation: channel(idInput, invitationInfoSchema),
  cancelInvitation: channel(idInput, invitationInfoSchema),
  acceptInvitation: channel(acceptInvitationInput, acceptResultSchema),
  listContacts: channel(none, z.array(contactInfoSchema)),
  getContact: channel(idInput, contactInfoSchema),
  updateContact: channel(updateContactInput, contactInfoSchema),
  blockContact: channel(idInput, contactInfoSchema),
  unblockContact: channel(idInput, contactInfoSchema),
  revokeContact: channel(idInput, contactInfoSchema),
  deleteContact: channel(idInput, nothing),
  setPresence: channel(setPresenceInput, coreStatusSchema),
  sendMessage: channel(sendMessageInput, messageInfoSchema),
  history: channel(historyInput, historyPageSchema),
  markRead: channel(contactIdInput, z.object({ unread: z.number() })),
  setTyping: channel(setTypingInput, nothing),
} as const;

/** Host channels: what a desktop app needs around the core. */
export const HOST_CHANNELS = {
  /** Sends an invitation through the SMTP server stored in the settings (the password stays in the host). */
  sendInvitationEmail: channel(z.strictObject({ id: idSchema, to: z.string().max(254), note: z.string().max(2000).optional() }), z.object({ messageId: z.string() })),
  getSettings: channel(none, settingsViewSchema),
  updateSettings: channel(settingsUpdateSchema, settingsViewSchema),
  /** Tor and registry gateways of the profile, with what the app saw of each gateway (src/ipc/network.ts). */
  getNetwork: channel(none, networkViewSchema),
  /**
   * A bad gateway URL is BAD_GATEWAY_URL and nothing is stored; changes apply at once. Choosing the
   * local sandbox where there is none (networkChoices) is NO_SANDBOX.
   */
  updateNetwork: channel(networkUpdateSchema, networkViewSchema),
  /** Which networks can be chosen here: onboarding's network step, before a profile exists. */
  networkChoices: channel(none, networkChoicesSchema),
  /**
   * createProfile with onboarding's network choice, stored before the profile's first start (so a
   * "Tor network" profile never starts on a testbed). A bad gateway URL is BAD_GATEWAY_URL, the
   * sandbox where there is none NO_SANDBOX, and no profile is created.
   */
  createProfileOnNetwork: channel(createProfileInput.extend({ network: networkUpdateSchema }), profileInfoSchema),
  /** http(s) only; the renderer has asked the person first. */
  openExternal: channel(z.strictObject({ url: externalUrlSchema }), nothing),
  /**
   * A session window for one conversation. Electron opens (or focuses) a BrowserWindow and says
   * `opened: true`; the browser host cannot open windows, so the renderer opens `route` itself.
   */
  openSession: channel(z.strictObject({ contactId: idSchema }), z.object({ route: z.string(), opened: z.boolean() })),
  /** The same for a group chat's window (route `#/group/<sessionId>`, src/ipc/group.ts). */
  openGroupWindow: channel(z.strictObject({ sessionId: sessionIdSchema }), z.object({ route: z.string(), opened: z.boolean() })),
  /** Keyboard or pointer input in any window: resets the idle time that drives auto-away. */
  reportActivity: channel(none, nothing),
} as const;

export const CHANNELS = { ...CORE_CHANNELS, ...GROUP_CHANNELS, ...HOST_CHANNELS } as const;

export type Channels = typeof CHANNELS;
export type ChannelName = keyof Channels;
export type ChannelInput<C extends ChannelName> = z.input<Channels[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Channels[C]['output']>;

export const CHANNEL_NAMES = Object.keys(CHANNELS) as ChannelName[];

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.hasOwn(CHANNELS, name);
}

/** Route of a session window in the renderer (hash router). */
export function sessionRoute(contactId: string): string {
  return `#/session/${encodeURIComponent(contactId)}`;
}
