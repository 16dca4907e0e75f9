// Who may invite me to group chats, kept in the profile's encrypted settings store (docs/PROTOCOL.md
// "Who may invite me"): read once at unlock, written when the person changes it in Settings. What
// the store hands back is checked with the IPC contract's schema, so a damaged record can never
// widen the preference: it falls back to the default (contacts only) and says so.
import { invitePolicySchema } from '../../ipc/index.ts';
import { DEFAULT_SESSION_INVITE_POLICY, type SessionInvitePolicy } from '../../protocol/index.ts';

/** The part of the profile store's settings this needs (src/main/store Settings). */
export interface InvitePreferencePort {
  get(key: string): Promise<unknown>;
  set(key: string, value: { who: string; allow?: string[] }): Promise<void>;
}

const KEY = 'group.invitePolicy';

/** The saved preference, or the default when none was saved or the record does not check. */
export async function loadInvitePolicy(port: InvitePreferencePort, onDamaged: (message: string) => void): Promise<SessionInvitePolicy> {
  const saved = await port.get(KEY);
  if (saved === undefined || saved === null) return DEFAULT_SESSION_INVITE_POLICY;
  const checked = invitePolicySchema.safeParse(saved);
  if (checked.success) return checked.data;
  onDamaged('the saved group chat invitation preference does not check: contacts only until it is saved again');
  return DEFAULT_SESSION_INVITE_POLICY;
}

export async function saveInvitePolicy(port: InvitePreferencePort, policy: SessionInvitePolicy): Promise<void> {
  await port.set(KEY, policy.who === 'allow-list' ? { who: policy.who, allow: [...policy.allow] } : { who: policy.who });
}
