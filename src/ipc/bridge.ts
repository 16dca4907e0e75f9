// The browser host's WebSocket protocol (docs/ARCHITECTURE.md "Browser host"): the same contract
// as Electron's IPC, framed as JSON text messages. The server (src/main/host/ws-bridge.ts) and the
// renderer's client (src/renderer/ipc/ws-client.ts) both derive from these schemas.
//   client -> host: {"type":"auth","token":"<64 hex>"} first (within AUTH_TIMEOUT_MS), then
//                   {"type":"call","id":n,"channel":"...","input":...}
//   host -> client: {"type":"result","id":n,"result":Result} and {"type":"event","event":...}
import { z } from 'zod';
import { errorInfoSchema } from './result.ts';

export const BRIDGE_PATH = '/ipc';
/** The fragment key of the token in the URL the host prints: `#t=<64 hex>`. */
export const TOKEN_FRAGMENT_KEY = 't';
export const TOKEN_PATTERN = /^[0-9a-f]{64}$/;
export const AUTH_TIMEOUT_MS = 5_000;

/** WebSocket close codes (4000-4999 are the application's). */
export const CLOSE_CODES = {
  /** No, late or wrong token. */
  UNAUTHORIZED: 4401,
  /** The host is shutting down. */
  GOING_AWAY: 1001,
} as const;

/** Electron: each channel is its own ipcMain handler `sotto:<channel>`; events come on one. */
export const ELECTRON_CHANNEL_PREFIX = 'sotto:';
export const ELECTRON_EVENT_CHANNEL = 'sotto:event';
export function electronChannel(name: string): string {
  return `${ELECTRON_CHANNEL_PREFIX}${name}`;
}

export const authMessageSchema = z.strictObject({ type: z.literal('auth'), token: z.string().max(128) });
export const callMessageSchema = z.strictObject({
  type: z.literal('call'),
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  channel: z.string().max(64),
  input: z.unknown().optional(),
});

export const resultMessageSchema = z.object({
  type: z.literal('result'),
  /** null when the message was too malformed to carry an id. */
  id: z.number().nullable(),
  result: z.union([z.object({ ok: z.literal(true), value: z.unknown() }), z.object({ ok: z.literal(false), error: errorInfoSchema })]),
});
export const eventMessageSchema = z.object({ type: z.literal('event'), event: z.unknown() });
export const hostMessageSchema = z.discriminatedUnion('type', [resultMessageSchema, eventMessageSchema]);
export type HostMessage = z.infer<typeof hostMessageSchema>;
