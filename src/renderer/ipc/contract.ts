// The renderer's names for the IPC contract's shapes: all derived from src/ipc (types only), so
// the renderer never declares a channel or a payload of its own.
import type { z } from 'zod';
import type {
  contactInfoSchema, contactPresenceStateSchema, corePhaseSchema, coreStatusSchema, historyPageSchema, invitationInfoSchema,
  messageInfoSchema, presenceStateSchema, profileInfoSchema, settingsViewSchema, themeSchema, torStatusSchema,
  networkViewSchema, torChoiceSchema, networkChoicesSchema,
} from '../../ipc/index.ts';

export type { SottoApi, SottoEvent, Result, ChannelName, ChannelInput, ChannelOutput } from '../../ipc/index.ts';
export type CorePhase = z.infer<typeof corePhaseSchema>;
export type PresenceState = z.infer<typeof presenceStateSchema>;
export type ContactPresenceState = z.infer<typeof contactPresenceStateSchema>;
export type ProfileInfo = z.infer<typeof profileInfoSchema>;
export type TorStatus = z.infer<typeof torStatusSchema>;
export type CoreStatus = z.infer<typeof coreStatusSchema>;
export type ContactInfo = z.infer<typeof contactInfoSchema>;
export type InvitationInfo = z.infer<typeof invitationInfoSchema>;
export type MessageInfo = z.infer<typeof messageInfoSchema>;
export type HistoryPage = z.infer<typeof historyPageSchema>;
export type SettingsView = z.infer<typeof settingsViewSchema>;
export type ThemeChoice = z.infer<typeof themeSchema>;
export type NetworkView = z.infer<typeof networkViewSchema>;
export type TorChoice = z.infer<typeof torChoiceSchema>;
export type NetworkChoices = z.infer<typeof networkChoicesSchema>;
