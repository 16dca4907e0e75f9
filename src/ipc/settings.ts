// UI settings the host keeps in the profile's encrypted store (docs/ARCHITECTURE.md "src/ipc").
// The SMTP password is stored but never sent back to the renderer: the view says only whether one
// is set, and an update without a password keeps the stored one.
import { z } from 'zod';

export const themeSchema = z.enum(['system', 'light', 'dark']);
/** Auto-away after this many idle minutes; a day at most. */
export const autoAwayMinutesSchema = z.number().int().min(1).max(24 * 60);

const smtpFields = {
  host: z.string().min(1, 'the SMTP host is missing').max(253, 'the SMTP host is too long'),
  port: z.number().int().min(1).max(65535),
  /** true = implicit TLS (465); false = STARTTLS when offered. */
  secure: z.boolean(),
  requireTLS: z.boolean(),
  user: z.string().max(256),
  /** The sender address invitations go out from. */
  from: z.string().min(3).max(254),
};

export const smtpViewSchema = z.object({ ...smtpFields, passwordSet: z.boolean() });
export const smtpStoredSchema = z.object({ ...smtpFields, password: z.string().max(1024) });

const uiFields = {
  theme: themeSchema,
  notifications: z.boolean(),
  autoAwayMinutes: autoAwayMinutesSchema,
  /** Receipts and typing opt-ins given to each new contact. */
  receiptsDefault: z.boolean(),
  typingDefault: z.boolean(),
};

/** What the renderer sees. */
export const settingsViewSchema = z.object({ ...uiFields, smtp: smtpViewSchema.nullable() });
/** What the store holds. */
export const settingsStoredSchema = z.object({ ...uiFields, smtp: smtpStoredSchema.nullable() });

/** A change: every field optional; `smtp: null` forgets the server and its password. */
export const settingsUpdateSchema = z.strictObject({
  theme: themeSchema.optional(),
  notifications: z.boolean().optional(),
  autoAwayMinutes: autoAwayMinutesSchema.optional(),
  receiptsDefault: z.boolean().optional(),
  typingDefault: z.boolean().optional(),
  smtp: z.strictObject({
    ...smtpFields,
    /** Omitted: keep the stored password; '' clears it. */
    password: z.string().max(1024).optional(),
  }).nullable().optional(),
});

export const DEFAULT_SETTINGS: z.infer<typeof settingsStoredSchema> = {
  theme: 'system', notifications: true, autoAwayMinutes: 10, receiptsDefault: false, typingDefault: false, smtp: null,
};
