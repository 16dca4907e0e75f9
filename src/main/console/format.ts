// How the console shows the core's JSON: one line per event (prefixed "* ", warnings "! "), so a
// person can follow it and a script can match it. Pure functions of the data.
import type { ContactInfo, CoreEvent, InvitationInfo, MessageInfo, ProfileInfo } from '../index.ts';

export type NameOf = (contactId: string) => string;

function clock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

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

export function formatMessage(m: MessageInfo, name: string): string {
  const who = m.direction === 'in' ? name : 'me';
  const status = m.direction === 'out' && m.status !== 'acked' && m.status !== 'read' ? `  (${m.status})` : '';
  return `[${clock(m.sentAt)}] ${who}: ${m.body}${status}`;
}

/**
 * One line for an event, or null for events that would only be noise in a terminal (unread
 * counters, our own outgoing messages, repeated statuses). `previousPhase` lets the caller print
 * a contact event only when its phase changed.
 */
export function formatEvent(e: CoreEvent, nameOf: NameOf, previousPhase?: string): string | null {
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
      if (previousPhase === e.contact.phase) return null;
      return `* contact ${e.contact.nickname} ${e.contact.phase} (id ${e.contact.id.slice(0, 8)})`;
    case 'contact-removed': return `* contact ${nameOf(e.contactId)} removed`;
    case 'presence': return `* ${nameOf(e.contactId)} is ${formatPresence(e.state, e.text)}`;
    case 'message': return e.message.direction === 'in' ? formatMessage(e.message, nameOf(e.message.contactId)) : null;
    case 'message-status': return e.status === 'acked' || e.status === 'read'
      ? `* ${nameOf(e.contactId)} ${e.status === 'acked' ? 'received' : 'read'} message ${e.messageId.slice(0, 8)}` : null;
    case 'typing': return e.active ? `* ${nameOf(e.contactId)} is typing` : null;
    case 'unread': return null;
    case 'warning': return `! warning [${e.code}] ${e.message}${e.contactId ? ` (contact ${nameOf(e.contactId)})` : ''}`;
  }
}
