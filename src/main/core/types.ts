// The core's API types and event stream (docs/ARCHITECTURE.md "Core API"). Everything here is
// JSON-serialisable (strings, numbers, booleans, arrays, plain objects): the desktop issue exposes
// the core one-to-one over IPC and the browser host over a WebSocket.
import type { ContactPresenceState, PresenceState } from './presence.ts';
import type { InvitationKind, InvitationState } from './invitation-lifecycle.ts';

/** An outgoing message's state; the store moves it forward only (store/messages.ts updateStatus). */
export type DeliveryState = 'queued' | 'sent' | 'acked' | 'read';

export type { ContactPresenceState, PresenceState, InvitationKind, InvitationState };

export type CorePhase = 'no-profile' | 'locked' | 'starting' | 'running' | 'stopping' | 'closed';

export interface ProfileInfo {
  displayName: string;
  /** Base32 identity public key with checksum (DESIGN D2): safe to publish. */
  contactCode: string;
  /** Digit groups to compare out of band. */
  fingerprint: string;
}

export interface TorStatus {
  /** 0..100 */
  progress: number;
  summary: string;
  /** True once bootstrapped (progress 100) and the control connection is up. */
  ready: boolean;
}

export interface CoreStatus {
  phase: CorePhase;
  tor: TorStatus;
  presence: { state: PresenceState; effective: PresenceState; text: string; idleMinutes: number };
}

export type ContactPhase = 'pending' | 'confirmed' | 'revoked' | 'blocked';

export interface ContactInfo {
  id: string;
  nickname: string;
  contactCode: string;
  fingerprint: string;
  /** Safety number of this pair (both sides see the same digits). */
  safetyNumber: string;
  phase: ContactPhase;
  verified: boolean;
  /** false = this contact sees us offline (dummy entry, no link). */
  visible: boolean;
  receipts: boolean;
  typing: boolean;
  presence: { state: ContactPresenceState; text: string };
  unread: number;
  createdAt: number;
}

export interface InvitationInfo {
  id: string;
  kind: InvitationKind;
  state: InvitationState;
  link: string;
  createdAt: number;
  expiresAt: number;
  /** Sealed: the contact it was made for. */
  contactId: string | null;
  /** Open, once redeemed: who redeemed it, for the inviter to confirm. */
  redeemer: { displayName: string; contactCode: string; fingerprint: string; safetyNumber: string } | null;
}

export interface MessageInfo {
  id: string;
  contactId: string;
  conversationId: string;
  direction: 'out' | 'in';
  body: string;
  /** Sender's clock, unix ms. */
  sentAt: number;
  receivedAt: number | null;
  /** out: queued/sent/acked/read; in: received/read. */
  status: 'queued' | 'sent' | 'acked' | 'received' | 'read';
  /** Profile-wide insertion order: the paging cursor. */
  seq: number;
}

export interface HistoryPage {
  messages: MessageInfo[];
  /** Pass as `before` to get the previous page; null at the beginning of the history. */
  nextBefore: number | null;
}

export type AcceptInput =
  | { link: string }
  | { text: string }
  /** PNG bytes, base64 (what a file picker or a clipboard image gives the UI). */
  | { imagePngBase64: string };

export type AcceptResult =
  /** Sealed: the contact exists at once. */
  | { kind: 'sealed'; contact: ContactInfo }
  /** Open: the contact exists as pending until the inviter confirms. */
  | { kind: 'open'; contact: ContactInfo };

export type CoreEvent =
  | { type: 'status'; status: CoreStatus }
  | { type: 'tor-bootstrap'; progress: number; summary: string }
  | { type: 'invitation'; invitation: InvitationInfo }
  /** Open invitation redeemed: the inviter must confirm (name + fingerprint) or decline. */
  | { type: 'invitation-redeemed'; invitation: InvitationInfo }
  | { type: 'contact'; contact: ContactInfo }
  | { type: 'contact-removed'; contactId: string }
  | { type: 'presence'; contactId: string; state: ContactPresenceState; text: string }
  | { type: 'message'; message: MessageInfo }
  | { type: 'message-status'; contactId: string; messageId: string; status: MessageInfo['status'] }
  | { type: 'typing'; contactId: string; active: boolean }
  | { type: 'unread'; contactId: string; count: number }
  /** Something went wrong in the background (tor crash, gateway failures, a bad frame). */
  | { type: 'warning'; code: string; message: string; contactId?: string };

export type CoreEventType = CoreEvent['type'];
