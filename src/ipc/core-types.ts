// Schemas of what the core returns and emits (src/main/core/types.ts, one to one). The IPC layer
// validates outputs against these in tests and the renderer derives its types from them; a type
// test in src/main/host keeps them equal to the core's own types.
import { z } from 'zod';

export const presenceStateSchema = z.enum(['online', 'away', 'busy', 'dnd', 'invisible']);
export const contactPresenceStateSchema = z.enum(['online', 'away', 'busy', 'dnd', 'offline']);
export const corePhaseSchema = z.enum(['no-profile', 'locked', 'starting', 'running', 'stopping', 'closed']);
export const invitationKindSchema = z.enum(['open', 'sealed']);
export const invitationStateSchema = z.enum(['pending', 'awaiting-confirmation', 'redeemed', 'cancelled', 'expired']);
export const contactPhaseSchema = z.enum(['pending', 'confirmed', 'revoked', 'blocked']);
export const messageStatusSchema = z.enum(['queued', 'sent', 'acked', 'received', 'read']);

export const profileInfoSchema = z.object({ displayName: z.string(), contactCode: z.string(), fingerprint: z.string() });

export const torStatusSchema = z.object({ progress: z.number(), summary: z.string(), ready: z.boolean() });

export const coreStatusSchema = z.object({
  phase: corePhaseSchema,
  tor: torStatusSchema,
  presence: z.object({ state: presenceStateSchema, effective: presenceStateSchema, text: z.string(), idleMinutes: z.number() }),
});

export const contactInfoSchema = z.object({
  id: z.string(),
  nickname: z.string(),
  contactCode: z.string(),
  fingerprint: z.string(),
  safetyNumber: z.string(),
  phase: contactPhaseSchema,
  verified: z.boolean(),
  visible: z.boolean(),
  receipts: z.boolean(),
  typing: z.boolean(),
  presence: z.object({ state: contactPresenceStateSchema, text: z.string() }),
  unread: z.number(),
  createdAt: z.number(),
});

export const invitationInfoSchema = z.object({
  id: z.string(),
  kind: invitationKindSchema,
  state: invitationStateSchema,
  link: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
  contactId: z.string().nullable(),
  redeemer: z.object({ displayName: z.string(), contactCode: z.string(), fingerprint: z.string(), safetyNumber: z.string() }).nullable(),
});

export const messageInfoSchema = z.object({
  id: z.string(),
  contactId: z.string(),
  conversationId: z.string(),
  direction: z.enum(['out', 'in']),
  body: z.string(),
  sentAt: z.number(),
  receivedAt: z.number().nullable(),
  status: messageStatusSchema,
  seq: z.number(),
});

export const historyPageSchema = z.object({ messages: z.array(messageInfoSchema), nextBefore: z.number().nullable() });

export const acceptResultSchema = z.object({ kind: invitationKindSchema, contact: contactInfoSchema });

export const invitationQrSchema = z.object({ format: z.enum(['png', 'svg']), data: z.string() });

export const invitationEmailDraftSchema = z.object({
  to: z.string().nullable(),
  subject: z.string(),
  body: z.string(),
  mailtoUrl: z.string(),
});

export const coreEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), status: coreStatusSchema }),
  z.object({ type: z.literal('tor-bootstrap'), progress: z.number(), summary: z.string() }),
  z.object({ type: z.literal('invitation'), invitation: invitationInfoSchema }),
  z.object({ type: z.literal('invitation-redeemed'), invitation: invitationInfoSchema }),
  z.object({ type: z.literal('contact'), contact: contactInfoSchema }),
  z.object({ type: z.literal('contact-removed'), contactId: z.string() }),
  z.object({ type: z.literal('presence'), contactId: z.string(), state: contactPresenceStateSchema, text: z.string() }),
  z.object({ type: z.literal('message'), message: messageInfoSchema }),
  z.object({ type: z.literal('message-status'), contactId: z.string(), messageId: z.string(), status: messageStatusSchema }),
  z.object({ type: z.literal('typing'), contactId: z.string(), active: z.boolean() }),
  z.object({ type: z.literal('unread'), contactId: z.string(), count: z.number() }),
  z.object({ type: z.literal('warning'), code: z.string(), message: z.string(), contactId: z.string().optional() }),
]);
