// How the console shows the core's JSON: one line per event (prefixed "* ", warnings "! "), so a
// person can follow it and a script can match it. Pure functions of the data.
import type { ContactInfo, CoreEvent, InvitationInfo, MessageInfo, ProfileInfo } from '../index.ts';

export type NameOf = (contactId: string) => string;

const two = (n: number): string => String(n).padStart(2, '0');

/** Local time to the second: two messages in the same minute are told apart. */
export function clock(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Local date and time to the second (history lines). */
export function dateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${clock(ms)}`;
}

/** A name as a command takes it back: double-quoted when it has spaces. */
export function quoted(name: string): string {
  return /\s/.test(name) ? `"${name}"` : name;
}

/** Delivery of one of our messages, in words (MessageInfo.status). */
export const DELIVERY_WORDS: Record<MessageInfo['status'], string> = {
  queued: 'not sent yet',
  sent: 'sent, not yet delivered',
  acked: 'delivered',
  read: 'read',
  received: 'received',
};

export function formatProfile(p: ProfileInfo): string[] {
  return [`name: ${p.displayName}`, `contact code: ${p.contactCode}`, `fingerprint: ${p.fingerprint}`];
}

export function formatPresence(state: string, text: string): string {
  return text.length > 0 ? `${state} (${text})` : state;
}

export function formatContact(c: ContactInfo): string {
  const flags = [
    c.phase !== 'confirmed' ? c.phase : '',
    c.visible ? '' : 'you are invisible to them',
    c.unread > 0 ? `${c.unread} unread` : '',
  ].filter((f) => f.length > 0);
  return `${c.nickname}  ${formatPresence(c.presence.state, c.presence.text)}  id ${c.id.slice(0, 8)}${flags.length ? `  [${flags.join(', ')}]` : ''}`;
}

export function formatInvitation(i: InvitationInfo): string {
  const who = i.redeemer ? `  redeemed by ${i.redeemer.displayName} (fingerprint ${i.redeemer.fingerprint})` : '';
  return `${i.id}  ${i.kind}  ${i.state}  expires ${new Date(i.expiresAt).toISOString()}${who}`;
}

/** A message line; `withDate` for history (a conversation spans days). Ours carry their delivery. */
export function formatMessage(m: MessageInfo, name: string, opts: { withDate?: boolean } = {}): string {
  const who = m.direction === 'in' ? name : 'me';
  const status = m.direction === 'out' ? `  (${DELIVERY_WORDS[m.status]})` : '';
  return `[${opts.withDate ? dateTime(m.sentAt) : clock(m.sentAt)}] ${who}: ${m.body}${status}`;
}

export function formatContactDetails(c: ContactInfo): string[] {
  const onOff = (b: boolean): string => (b ? 'on' : 'off');
  return [
    `${c.nickname}  ${formatPresence(c.presence.state, c.presence.text)}${c.phase !== 'confirmed' ? `  [${c.phase}]` : ''}`,
    `  id ${c.id}`,
    `  contact code ${c.contactCode}`,
    `  fingerprint ${c.fingerprint}`,
    `  safety number ${c.safetyNumber} (${c.verified ? 'verified' : 'not verified: compare it with them, then type verify ' + quoted(c.nickname)})`,
    `  sees your presence: ${c.visible ? 'yes' : 'no (invisible to them)'}; read receipts ${onOff(c.receipts)}; typing indicators ${onOff(c.typing)}`,
  ];
}

/**
 * What a background warning means to the person at the console, by code; null = nothing for
 * them to do or know (a contact going away, a retried connection): it goes to the debug log only.
 */
const WARNING_WORDS: Record<string, ((message: string, name: string) => string | null) | null> = {
  INVITATION_TAKEN: (m) => m,
  INVITATION_DECLINED: (m) => m,
  // Gateways taken from an accepted invitation: the person should know which network they now use.
  GATEWAYS_ADOPTED: (m) => m,
  INVITATION_EXPIRED: (_m, name) => `your request to connect with ${name} expired before they confirmed it`,
  LINK_BAD_FRAME: (_m, name) => `the connection to ${name} broke: their app sent something this app does not understand (it reconnects by itself)`,
  LINK_FRAME_TOO_LARGE: (_m, name) => `the connection to ${name} broke: their app sent too much at once (it reconnects by itself)`,
  LINK_PROTOCOL_VIOLATION: (_m, name) => `the connection to ${name} broke: their app did something out of order (it reconnects by itself)`,
  LINK_PROTOCOL: (_m, name) => `the connection to ${name} broke: their app did something out of order (it reconnects by itself)`,
  LINK_INCOMPATIBLE: (_m, name) => `${name} uses a version of Sotto that cannot talk to this one`,
  CONTACT_REVOKED: (m) => m,
  UPGRADE: (_m, name) => `finishing the invitation with ${name} failed; it is retried when they are next online`,
  INVITATION: (_m, name) => `finishing the invitation with ${name} failed; it is retried when they are next online`,
  START: () => 'not every contact could be started: see the debug log',
  // Network weather: retried by itself; a contact that went away shows as offline.
  RENDEZVOUS: null, ENDPOINT_SERVER: null, ENDPOINT_GROUP: null, INBOUND_HANDSHAKE: null, OUTBOX: null,
  REGISTRY_STOP: null, TOR_STOP: null, BAD_RECORD: null, BAD_ANSWER: null, ABORTED: null, CLOSED: null, UNKNOWN_CONTACT: null,
  ALL_GATEWAYS_FAILED: () => 'the presence registry cannot be reached right now: contacts may show offline until it answers again',
  NO_GATEWAY: () => 'no registry gateway is set up: contacts cannot find you',
};

/** Screen words for a warning, or null when it belongs in the debug log only. */
export function warningWords(code: string, message: string, name: string): string | null {
  if (Object.hasOwn(WARNING_WORDS, code)) {
    const words = WARNING_WORDS[code];
    return words ? words(message, name) : null;
  }
  if (code.startsWith('REGISTRY') || code.startsWith('GATEWAY')) return null;
  return `something went wrong in the background (${code}; details in the debug log)`;
}

export interface EventContext {
  nameOf: NameOf;
  /** The contact's phase before this event: a contact event prints only when it changed. */
  previousPhase?: string | undefined;
  /** Start of the body of one of our messages, for delivery lines. */
  excerptOf?: (messageId: string) => string | null;
  /** --debug: warnings show their code and developer text too. */
  debug?: boolean;
}

/**
 * One line for an event, or null for events that would only be noise in a terminal (unread
 * counters, our own outgoing messages, repeated statuses, network weather).
 */
export function formatEvent(e: CoreEvent, ctx: EventContext): string | null {
  const { nameOf } = ctx;
  switch (e.type) {
    case 'tor-bootstrap': return `* tor ${e.progress}% ${e.summary}`;
    case 'status': return null;
    case 'invitation': return `* invitation ${e.invitation.id} ${e.invitation.state}`;
    case 'invitation-redeemed': {
      const r = e.invitation.redeemer;
      return `* invitation ${e.invitation.id} redeemed by ${r?.displayName ?? '?'} (fingerprint ${r?.fingerprint ?? '?'}): `
        + `compare the fingerprint with them, then type: confirm ${e.invitation.id} [nickname]`;
    }
    case 'contact':
      if (ctx.previousPhase === e.contact.phase) return null;
      return `* contact ${e.contact.nickname} ${e.contact.phase} (id ${e.contact.id.slice(0, 8)})`;
    case 'contact-removed': return `* contact ${nameOf(e.contactId)} removed`;
    case 'presence': return `* ${nameOf(e.contactId)} is ${formatPresence(e.state, e.text)}`;
    case 'message': return e.message.direction === 'in' ? formatMessage(e.message, nameOf(e.message.contactId)) : null;
    case 'message-status': {
      if (e.status !== 'acked' && e.status !== 'read') return null;
      const excerpt = ctx.excerptOf?.(e.messageId);
      const what = excerpt ? `"${excerpt}"` : `message ${e.messageId.slice(0, 8)}`;
      return `* ${e.status === 'acked' ? 'delivered to' : 'read by'} ${nameOf(e.contactId)}: ${what}`;
    }
    case 'typing': return e.active ? `* ${nameOf(e.contactId)} is typing` : null;
    case 'unread': return null;
    case 'warning': {
      const name = e.contactId ? nameOf(e.contactId) : 'a contact';
      if (ctx.debug) return `! [${e.code}] ${e.message}${e.contactId ? ` (contact ${name})` : ''}`;
      const words = warningWords(e.code, e.message, name);
      return words === null ? null : `! ${words}`;
    }
  }
}
