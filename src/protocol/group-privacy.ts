// Who may invite me to a session (docs/PROTOCOL.md "Multi-party sessions", the thesis's privacy
// preference): contacts only, nobody, or an allow list. An invitation the preference refuses is
// rejected at once without asking the user; the reject looks like a user's decline, so the
// inviter does not learn which of the two happened.
import { toHex } from './bytes.ts';

export type SessionInvitePolicy =
  | { readonly who: 'contacts' }
  | { readonly who: 'nobody' }
  /** Identity keys (lower-case hex) allowed to invite, contacts or not. */
  | { readonly who: 'allow-list'; readonly allow: readonly string[] };

export type SessionInviteDecision = 'ask' | 'reject';

export const DEFAULT_SESSION_INVITE_POLICY: SessionInvitePolicy = { who: 'contacts' };

export function sessionInviteDecision(policy: SessionInvitePolicy, inviter: Uint8Array, inviterIsContact: boolean): SessionInviteDecision {
  switch (policy.who) {
    case 'nobody': return 'reject';
    case 'contacts': return inviterIsContact ? 'ask' : 'reject';
    case 'allow-list': return policy.allow.includes(toHex(inviter)) ? 'ask' : 'reject';
  }
}
