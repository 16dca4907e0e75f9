// Every call answers with a Result: a value, or a coded error the UI words for a person and shows
// the code of in small print (docs/ARCHITECTURE.md "src/ipc").
import { z } from 'zod';

export const errorInfoSchema = z.object({
  code: z.string().min(1),
  message: z.string(),
  /** How long until the same call may succeed (UNLOCK_DELAYED, WRONG_PASSPHRASE after many tries). */
  retryAfterMs: z.number().int().nonnegative().optional(),
});
export type ErrorInfo = z.infer<typeof errorInfoSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: errorInfoSchema }),
  ]);
}

/** Codes of the IPC layer itself; errors from the core keep the core's code. */
export const IPC_ERRORS = {
  /** The payload does not match the channel's input schema. */
  BAD_INPUT: 'IPC_BAD_INPUT',
  UNKNOWN_CHANNEL: 'IPC_UNKNOWN_CHANNEL',
  /** Not JSON, or not a message of the bridge protocol (browser host). */
  MALFORMED: 'IPC_MALFORMED',
  /** Too many calls in a short time (browser host). */
  RATE_LIMITED: 'IPC_RATE_LIMITED',
  /** The caller is not one of our windows (Electron sender check). */
  FORBIDDEN: 'IPC_FORBIDDEN',
  /** The bridge is gone (window closing, host stopped). */
  DISCONNECTED: 'IPC_DISCONNECTED',
  INTERNAL: 'IPC_INTERNAL',
} as const;

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(code: string, message: string): { ok: false; error: ErrorInfo } {
  return { ok: false, error: { code, message } };
}

/** One line a person can read: "displayName: the name must not be empty; ...". */
export function describeIssues(error: z.ZodError): string {
  return error.issues.slice(0, 5).map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}
