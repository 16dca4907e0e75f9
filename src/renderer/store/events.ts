// Core and host events feed the store here, at module level, so every window of a profile holds
// the same state whatever component is mounted.
import type { SottoEvent } from '../ipc/contract.ts';
import { useStore } from './index.ts';

/** Warnings a person must hear about: an invitation someone else used, a contact who removed them. */
export const PERSON_WARNINGS: ReadonlySet<string> = new Set(['INVITATION_TAKEN', 'CONTACT_REVOKED', 'TESTBED_GONE']);

const INVITE_OUTCOMES = { sent: 'asked', rejected: 'declined', expired: 'expired' } as const;

export function applyEvent(event: SottoEvent, store = useStore): void {
  const s = store.getState();
  switch (event.type) {
    case 'status': s.applyStatus(event.status); break;
    case 'tor-bootstrap': s.applyTorProgress(event.progress, event.summary); break;
    case 'invitation':
    case 'invitation-redeemed': s.upsertInvitation(event.invitation); break;
    case 'contact': s.upsertContact(event.contact); break;
    case 'contact-removed': s.removeContact(event.contactId); break;
    case 'presence': s.applyPresence(event.contactId, event.state, event.text); break;
    case 'message': s.addMessage(event.message); break;
    case 'message-status': s.applyMessageStatus(event.contactId, event.messageId, event.status); break;
    case 'typing': s.applyTyping(event.contactId, event.active); break;
    case 'unread': s.applyUnread(event.contactId, event.count); break;
    case 'warning':
      // Background trouble goes to the debug log, not to the user (issue 9 item 7); these few
      // change what the person can do with a contact, so they are told.
      if (PERSON_WARNINGS.has(event.code)) s.setNotice({ code: event.code, contact: (event.contactId && s.contacts[event.contactId]) || null });
      break;
    case 'deep-link': s.openDialog({ kind: 'accept', link: event.link }); break;
    case 'settings': s.setSettings(event.settings); break;
    // Group chats (store/group-sessions-slice.ts).
    case 'session-invitation': s.addGroupInvitation(event.invitation); break;
    case 'session-joined': s.upsertGroup(event.session, event.unreached); break;
    case 'session-members': s.upsertGroup(event.session); break;
    case 'session-message': s.addGroupMessage(event.sessionId, event.message, event.index); break;
    case 'session-invite': s.applyInviteOutcome(event.sessionId, event.invitee, INVITE_OUTCOMES[event.result]); break;
    case 'session-left': s.removeGroup(event.sessionId); break;
    case 'session-warning':
      // The inviter never handed over the member list: the join the person asked for did not happen.
      if (event.code === 'JOIN_UNANSWERED' && event.sessionId !== null) s.setGroupInvitationAnswer(event.sessionId, 'failed');
      break;
  }
}
