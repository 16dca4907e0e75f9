// The records the core keeps in a profile. They are validated on the way in (bad input ->
// INVALID_ARGUMENT) and on the way out (a row that decrypts but does not parse -> CORRUPT).
// Objects are "loose": fields the core adds later are kept, not stripped, so the shapes can grow
// without a migration.
import { z } from 'zod';
import { StoreError } from './errors.ts';

export const MAX_ID_LENGTH = 128;
/** A message body larger than this is refused; link frames are far smaller (MAX_FRAME_SIZE). */
export const MAX_BODY_LENGTH = 64 * 1024;

const id = z.string().min(1).max(MAX_ID_LENGTH);
const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 32 bytes as lowercase hex');
const unixMs = z.number().int().nonnegative();

export const ContactPhaseSchema = z.enum(['pending', 'confirmed', 'revoked', 'blocked']);
export type ContactPhase = z.infer<typeof ContactPhaseSchema>;

export const ContactRecordSchema = z.looseObject({
  nickname: z.string().max(200),
  identityPk: hex32,
  sharedKey: hex32,
  phase: ContactPhaseSchema,
  /** false = this contact sees us offline (a dummy entry replaces the real one, DESIGN D4). */
  visible: z.boolean(),
  verified: z.boolean(),
  receipts: z.boolean(),
  typing: z.boolean(),
  createdAt: unixMs,
});
export type ContactRecord = z.infer<typeof ContactRecordSchema>;

export const InvitationRecordSchema = z.looseObject({
  kind: z.enum(['sealed', 'open']),
  state: z.enum(['pending', 'awaiting-confirmation', 'redeemed', 'cancelled', 'expired']),
  createdAt: unixMs,
  expiresAt: unixMs,
});
export type InvitationRecord = z.infer<typeof InvitationRecordSchema>;

export const MessageDirectionSchema = z.enum(['out', 'in']);
export type MessageDirection = z.infer<typeof MessageDirectionSchema>;
export const MessageStatusSchema = z.enum(['queued', 'sent', 'acked', 'received', 'read']);
export type MessageStatus = z.infer<typeof MessageStatusSchema>;

/** Order of statuses per direction: a status only moves forward (a late 'sent' never undoes 'acked'). */
export const STATUS_ORDER: Readonly<Record<MessageDirection, readonly MessageStatus[]>> = {
  out: ['queued', 'sent', 'acked', 'read'],
  in: ['received', 'read'],
};

export const MessageSchema = z.looseObject({
  id,
  contactId: id,
  conversationId: id,
  direction: MessageDirectionSchema,
  body: z.string().max(MAX_BODY_LENGTH),
  sentAt: unixMs,
  receivedAt: unixMs.optional(),
  status: MessageStatusSchema,
}).refine((m) => STATUS_ORDER[m.direction].includes(m.status), {
  message: 'status does not fit the direction (out: queued/sent/acked/read, in: received/read)',
  path: ['status'],
});
export type Message = z.infer<typeof MessageSchema>;
/** A message as stored: `seq` is the profile-wide insertion order (newest = largest). */
export type StoredMessage = Message & { readonly seq: number };

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number().refine(Number.isFinite, 'not a finite number'), z.string(),
    z.array(JsonValueSchema), z.record(z.string(), JsonValueSchema)]));

export const IdSchema = id;

export function checkInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw StoreError.INVALID_ARGUMENT(`invalid ${what}: ${summarize(parsed.error)}`);
  return parsed.data;
}

export function checkStored<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw StoreError.CORRUPT(`stored ${what} does not parse: ${summarize(parsed.error)}`);
  return parsed.data;
}

export function checkId(value: unknown, what: string): string {
  return checkInput(id, value, what);
}

export function checkJson(value: unknown, what: string): JsonValue {
  return checkInput(JsonValueSchema, value, what);
}

function summarize(error: z.ZodError): string {
  return error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
