// The IPC contract (docs/ARCHITECTURE.md "src/ipc"): pure, zod only (plus the pure frame encoder
// of src/protocol). Main, preload and renderer all derive from it; nothing declares a channel name
// or payload shape of its own.
export {
  CHANNELS, CORE_CHANNELS, HOST_CHANNELS, CHANNEL_NAMES, isChannelName, sessionRoute,
  type Channels, type ChannelName, type ChannelInput, type ChannelOutput,
} from './channels.ts';
export { EVENT, hostEventSchema, type SottoEvent } from './events.ts';
export { type Result, type ErrorInfo, errorInfoSchema, resultSchema, IPC_ERRORS, ok, fail, describeIssues } from './result.ts';
export type { SottoApi } from './api.ts';
export {
  BRIDGE_PATH, TOKEN_FRAGMENT_KEY, TOKEN_PATTERN, AUTH_TIMEOUT_MS, CLOSE_CODES, authMessageSchema, callMessageSchema,
  resultMessageSchema, eventMessageSchema, hostMessageSchema, type HostMessage,
  ELECTRON_CHANNEL_PREFIX, ELECTRON_EVENT_CHANNEL, electronChannel,
} from './bridge.ts';
export * from './core-types.ts';
export * from './core-inputs.ts';
export * from './text.ts';
export * from './settings.ts';
export * from './network.ts';
export * from './group.ts';
export { externalUrlSchema, isExternalUrl, MAX_EXTERNAL_URL_CHARS } from './external-url.ts';
