// Input schemas of the core's methods: the ONE definition of each input, used by the core at its
// boundary (a bad input is refused with BAD_INPUT before anything is stored) and by the IPC
// contract (docs/ARCHITECTURE.md "src/ipc"). Objects are strict: an unknown key is a mistake the
// caller should hear about, not silently dropped.
import { z } from 'zod';
import { presenceStateSchema } from './core-types.ts';
import { displayNameSchema, idSchema, messageBodySchema, nicknameSchema, passphraseSchema, presenceTextSchema } from './text.ts';

/** A QR image as base64: bounded so one request cannot make the core decode an arbitrary blob. */
export const MAX_IMAGE_BASE64_CHARS = 16 * 1024 * 1024;
/** Pasted text that may hold an invitation link (a whole e-mail). */
export const MAX_PASTED_TEXT_CHARS = 100_000;
/** The store pages history in at most this many messages (src/main/store MAX_HISTORY_PAGE). */
export const MAX_HISTORY_PAGE = 500;

const email = z.string().max(254, 'an e-mail address has at most 254 characters');
const note = z.string().max(2000, 'the note is longer than 2000 characters');

export const createProfileInput = z.strictObject({ displayName: displayNameSchema, passphrase: passphraseSchema });
export const unlockInput = z.strictObject({ passphrase: passphraseSchema });
export const changePassphraseInput = z.strictObject({ current: passphraseSchema, next: passphraseSchema });
export const setDisplayNameInput = z.strictObject({ displayName: displayNameSchema });

export const idInput = z.strictObject({ id: idSchema });
export const contactIdInput = z.strictObject({ contactId: idSchema });

export const createInvitationInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('open') }),
  z.strictObject({ kind: z.literal('sealed'), contactCode: z.string().max(200, 'not a contact code').trim(), nickname: nicknameSchema.optional() }),
]);
export const confirmInvitationInput = z.strictObject({ id: idSchema, nickname: nicknameSchema.optional() });
export const invitationQrInput = z.strictObject({ id: idSchema, format: z.enum(['png', 'svg']) });
export const invitationEmailInput = z.strictObject({ id: idSchema, to: email.optional(), note: note.optional() });

export const smtpSettingsSchema = z.strictObject({
  host: z.string().min(1, 'the SMTP host is missing').max(253, 'the SMTP host is too long'),
  port: z.number().int().min(1).max(65535),
  secure: z.boolean(),
  requireTLS: z.boolean().optional(),
  auth: z.strictObject({ user: z.string().max(256), pass: z.string().max(1024) }).optional(),
});
export const sendInvitationEmailInput = z.strictObject({ id: idSchema, from: email, to: email, note: note.optional(), smtp: smtpSettingsSchema });

export const acceptInvitationInput = z.strictObject({
  link: z.string().max(MAX_PASTED_TEXT_CHARS).optional(),
  text: z.string().max(MAX_PASTED_TEXT_CHARS).optional(),
  imagePngBase64: z.string().max(MAX_IMAGE_BASE64_CHARS, 'the image is too large').optional(),
  nickname: nicknameSchema.optional(),
}).refine((i) => [i.link, i.text, i.imagePngBase64].filter((v) => v !== undefined).length === 1, 'give one of link, text or imagePngBase64');

export const updateContactInput = z.strictObject({
  id: idSchema,
  nickname: nicknameSchema.optional(),
  verified: z.boolean().optional(),
  visible: z.boolean().optional(),
  receipts: z.boolean().optional(),
  typing: z.boolean().optional(),
});

export const setPresenceInput = z.strictObject({ state: presenceStateSchema, text: presenceTextSchema.optional() });
/** Minutes since the last user input (host) and, optionally, the user's auto-away threshold. */
export const setIdleInput = z.strictObject({
  minutes: z.number().min(0).max(Number.MAX_SAFE_INTEGER),
  awayAfterMinutes: z.number().int().min(1).max(24 * 60).optional(),
});

export const sendMessageInput = z.strictObject({ contactId: idSchema, body: messageBodySchema });
export const historyInput = z.strictObject({
  contactId: idSchema,
  before: z.number().int().min(0).optional(),
  limit: z.number().int().min(1).max(MAX_HISTORY_PAGE).optional(),
});
export const setTypingInput = z.strictObject({ contactId: idSchema, active: z.boolean() });
