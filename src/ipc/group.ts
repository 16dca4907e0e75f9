// The IPC contract of multi-party sessions (group chats; docs/ARCHITECTURE.md "src/ipc", docs/
// PROTOCOL.md "Multi-party sessions"): the channels that reach SottoCore.groupSessions(), the
// GroupEvents the host forwards, and the texts a person types into a group chat. Like text.ts, a
// title or a body is valid exactly when the group frame encoder accepts it: the refinements call
// the same frame checks (src/protocol/frames.ts) the encoder calls. group-frames.ts itself is not
// imported: it pulls in libsodium (tickets), which the renderer bundle must not carry, so its one
// limit is derived here and src/ipc/group.test.ts keeps both equal to the encoder.
import { z } from 'zod';
import { MAX_DISPLAY_NAME_CHARS, MAX_SESSION_PAYLOAD_BYTES, checkBody, checkShortText, utf8Of } from '../protocol/frames.ts';
import { isProtocolError } from '../protocol/errors.ts';
import { fromBase32, toHex } from '../protocol/bytes.ts';

/** A group message body holds at most this many UTF-8 bytes (src/protocol/group-frames.ts MAX_GROUP_BODY_BYTES). */
export const MAX_GROUP_BODY_BYTES = MAX_SESSION_PAYLOAD_BYTES - 64;

const utf8 = new TextEncoder();

/** Runs one of the encoder's checks; its message (without the code) becomes the issue. */
function framed(check: (s: string) => void) {
  return (s: string, ctx: z.RefinementCtx): void => {
    try {
      check(s);
    } catch (err) {
      if (!isProtocolError(err)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message.replace(/^[A-Z_]+: /, '') });
    }
  };
}

/** A session id: 16 bytes, lower-case hex as the core hands them out. */
export const sessionIdSchema = z.string().regex(/^[0-9a-f]{32}$/, 'not a group chat id');
/** A member: its identity public key, 32 bytes in lower-case hex. */
export const memberKeySchema = z.string().regex(/^[0-9a-f]{64}$/, 'not a member key');

/** A group chat's title, as the invite frame carries it: trimmed, not empty, at most 64 characters, no controls. */
export const groupTitleSchema = z.string()
  .max(MAX_DISPLAY_NAME_CHARS * 2, `at most ${MAX_DISPLAY_NAME_CHARS} characters`)
  .trim()
  .min(1, 'the title must not be empty')
  .superRefine(framed((s) => { utf8Of(s, 'title'); checkShortText(s, MAX_DISPLAY_NAME_CHARS, 'title'); }));

/** A group message body (message frame of a session): not empty, no controls but tab and line breaks, ~8 KiB. */
export const groupBodySchema = z.string()
  .min(1, 'the message is empty')
  .max(MAX_GROUP_BODY_BYTES, `the message is longer than ${MAX_GROUP_BODY_BYTES / 1024} KiB`)
  .superRefine(framed((s) => { utf8Of(s, 'message body'); checkBody(s); }))
  .refine((s) => utf8.encode(s).length <= MAX_GROUP_BODY_BYTES, `the message is longer than ${MAX_GROUP_BODY_BYTES / 1024} KiB`);

/** At most this many keys on an invite allow list (the profile stores it; the check is per invite). */
export const MAX_INVITE_ALLOW_LIST = 256;

/**
 * Who may invite me to group chats (src/protocol/group-privacy.ts SessionInvitePolicy; docs/PROTOCOL.md
 * "Who may invite me"): contacts only (the default), nobody, or these identity keys. The same schema
 * checks what the renderer sends and what the profile's settings store hands back.
 */
export const invitePolicySchema = z.discriminatedUnion('who', [
  z.strictObject({ who: z.literal('contacts') }),
  z.strictObject({ who: z.literal('nobody') }),
  z.strictObject({ who: z.literal('allow-list'), allow: z.array(memberKeySchema).max(MAX_INVITE_ALLOW_LIST, `at most ${MAX_INVITE_ALLOW_LIST} people`).readonly() }),
]);

// --- inputs ----------------------------------------------------------------------------------

export const groupCreateInput = z.strictObject({ title: groupTitleSchema.optional() });
export const groupSessionInput = z.strictObject({ sessionId: sessionIdSchema });
export const groupInviteInput = z.strictObject({ sessionId: sessionIdSchema, invitee: memberKeySchema });
export const groupSendInput = z.strictObject({ sessionId: sessionIdSchema, body: groupBodySchema });
export const groupAnswerInput = z.strictObject({ sessionId: sessionIdSchema, join: z.boolean() });
export const groupInvitePolicyInput = z.strictObject({ policy: invitePolicySchema });

// --- outputs and events (src/main/group/group-sessions.ts, one to one) ------------------------

export const sessionInfoSchema = z.object({
  sessionId: z.string(),
  title: z.string(),
  /** Identity keys (hex) in join order, self included. */
  members: z.array(z.string()),
  coordinator: z.string(),
  state: z.enum(['joining', 'active', 'left']),
});

export const sessionInvitationInfoSchema = z.object({
  sessionId: z.string(),
  inviter: z.string(),
  title: z.string(),
  /** Identity keys (hex) of the members the invitee would be present to. */
  members: z.array(z.string()),
});

export const sessionMessageInfoSchema = z.object({
  id: z.string(),
  sender: z.string(),
  body: z.string(),
  sentAt: z.number(),
  lamport: z.number(),
});

export const groupListSchema = z.object({ sessions: z.array(sessionInfoSchema), invitations: z.array(sessionInvitationInfoSchema) });

export const groupEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session-invitation'), invitation: sessionInvitationInfoSchema }),
  z.object({ type: z.literal('session-invitation-refused'), sessionId: z.string(), inviter: z.string() }),
  z.object({ type: z.literal('session-joined'), session: sessionInfoSchema, unreached: z.array(z.string()) }),
  z.object({ type: z.literal('session-message'), sessionId: z.string(), message: sessionMessageInfoSchema, index: z.number() }),
  z.object({ type: z.literal('session-members'), session: sessionInfoSchema }),
  z.object({ type: z.literal('session-invite'), sessionId: z.string(), invitee: z.string(), result: z.enum(['sent', 'rejected', 'expired']) }),
  z.object({ type: z.literal('session-left'), sessionId: z.string() }),
  z.object({ type: z.literal('session-warning'), sessionId: z.string().nullable(), code: z.string(), message: z.string() }),
]);

const none = z.undefined();
const nothing = z.null();

/** Channels of SottoCore.groupSessions(), registered in channels.ts. */
export const GROUP_CHANNELS = {
  /** Starts a group chat with us as its only member and coordinator. */
  groupCreate: { input: groupCreateInput, output: sessionInfoSchema },
  /** One invitation at a time per member (SESSION_BUSY while one runs); the answer comes as events. */
  groupInvite: { input: groupInviteInput, output: nothing },
  groupSend: { input: groupSendInput, output: sessionMessageInfoSchema },
  groupLeave: { input: groupSessionInput, output: nothing },
  /** Join or decline a pending invitation; joining resolves once the join went out. */
  groupAnswer: { input: groupAnswerInput, output: nothing },
  /** The group chats we are in and the invitations waiting for an answer. */
  groupList: { input: none, output: groupListSchema },
  /** A group chat's messages in the session's order. */
  groupMessages: { input: groupSessionInput, output: z.array(sessionMessageInfoSchema) },
  /** Who may invite me (read from the profile at unlock). */
  groupInvitePolicy: { input: none, output: invitePolicySchema },
  /** Saves who may invite me in the profile; invitations from then on follow it. */
  groupSetInvitePolicy: { input: groupInvitePolicyInput, output: nothing },
} as const;

/** Route of a group chat's window in the renderer (hash router). */
export function groupRoute(sessionId: string): string {
  return `#/group/${encodeURIComponent(sessionId)}`;
}

/**
 * The identity key (hex, as group chats name members) inside a contact code the core handed out:
 * base32(version || key || crc16). No checks beyond the layout: the code came from the core, which
 * checked it (src/protocol/identity.ts decodeContactCode; a test keeps the two equal). Null when
 * the text is not a contact code's shape.
 */
export function memberKeyOfContactCode(contactCode: string): string | null {
  const compact = contactCode.replace(/[\s-]+/g, '');
  if (compact.length !== 56) return null;
  try {
    return toHex(fromBase32(compact).subarray(1, 33));
  } catch {
    return null;
  }
}
