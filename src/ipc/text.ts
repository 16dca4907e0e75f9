// Text inputs a person types (display name, nickname, status text, message body). Each has ONE
// schema, used by the IPC contract and by the core at its boundary (docs/ARCHITECTURE.md
// "src/ipc"). A text is valid exactly when the link frame encoder (src/protocol/frames.ts) accepts
// it in the frame that carries it, so the UI, the core and the wire can never disagree: the check
// runs the encoder itself rather than a copy of its rules.
import { z } from 'zod';
import {
  encodeFrame, FRAME_ID_BYTES, MAX_DISPLAY_NAME_CHARS, MAX_MESSAGE_BODY_BYTES, MAX_PRESENCE_TEXT_CHARS, type Frame,
} from '../protocol/frames.ts';
import { isProtocolError } from '../protocol/errors.ts';

/**
 * The inviter name field of an invitation holds at most this many UTF-8 bytes (src/protocol/
 * invitation.ts MAX_INVITER_NAME_BYTES; that module needs libsodium, which the renderer bundle
 * must not pull in, so the number is repeated here and a test keeps both equal).
 */
export const INVITER_NAME_BYTES = 64;

const ZERO_ID = new Uint8Array(FRAME_ID_BYTES);
const utf8 = new TextEncoder();

/** Refines a string with "the encoder accepts this frame"; the encoder's message is the issue. */
function encodable(frameOf: (s: string) => Frame) {
  return (s: string, ctx: z.RefinementCtx): void => {
    try {
      encodeFrame(frameOf(s));
    } catch (err) {
      if (!isProtocolError(err)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message.replace(/^[A-Z_]+: /, '') });
    }
  };
}

// A code point is at most two UTF-16 units and a UTF-8 byte at least one: these `max` bounds are
// implied by the frame limits and stop a huge string before the encoder copies it.
const helloName = encodable((s) => ({ type: 'hello', minVersion: 1, maxVersion: 1, capabilities: [], displayName: s }));

/** Own display name: trimmed, not empty, a valid hello frame name, fits an invitation. */
export const displayNameSchema = z.string()
  .max(MAX_DISPLAY_NAME_CHARS * 2, `at most ${MAX_DISPLAY_NAME_CHARS} characters`)
  .trim()
  .min(1, 'the name must not be empty')
  .superRefine(helloName)
  .refine((s) => utf8.encode(s).length <= INVITER_NAME_BYTES, `the name must fit in ${INVITER_NAME_BYTES} bytes`);

/** A contact's nickname: local only, but shown like a display name, so held to the same rules (may be empty). */
export const nicknameSchema = z.string()
  .max(MAX_DISPLAY_NAME_CHARS * 2, `at most ${MAX_DISPLAY_NAME_CHARS} characters`)
  .trim()
  .superRefine(helloName);

/** Own status text (presence frame). */
export const presenceTextSchema = z.string()
  .max(MAX_PRESENCE_TEXT_CHARS * 2, `at most ${MAX_PRESENCE_TEXT_CHARS} characters`)
  .superRefine(encodable((s) => ({ type: 'presence', state: 'online', text: s })));

/** A message body (message frame): not empty, at most 16 KiB of UTF-8, no controls but tab and line breaks. */
export const messageBodySchema = z.string()
  .min(1, 'the message is empty')
  .max(MAX_MESSAGE_BODY_BYTES, `the message is longer than ${MAX_MESSAGE_BODY_BYTES / 1024} KiB`)
  .superRefine(encodable((s) => ({ type: 'message', id: ZERO_ID, conversationId: ZERO_ID, sentAt: 0, body: s })));

/** Passphrases are never sent anywhere; the bound only keeps the KDF input sane. */
export const passphraseSchema = z.string().max(1024, 'at most 1024 characters');

/**
 * The zxcvbn score (0-4) a new passphrase needs: the core refuses less (WEAK_PASSPHRASE) and the
 * renderer says so before the person moves on. One number, here, so the two cannot disagree
 * (docs/THREAT-MODEL.md "Passphrase" says why 3).
 */
export const MIN_PASSPHRASE_SCORE = 3;

/** Ids the core hands out and gets back (the store's id bound). */
export const idSchema = z.string().min(1, 'an id is needed').max(128, 'not an id');
