import { useState } from 'react';
import { api } from '../../ipc/api.ts';
import { toUiError, unwrap, type UiError } from '../../ipc/call.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useStore } from '../../store/index.ts';
import type { GroupInvitation } from '../../store/group-sessions-slice.ts';
import { listNames, memberName, useMemberNames } from './names.ts';
import { GROUP_WORDS, PRESENCE_NOTE } from './words.ts';

/** "Ana invites you to “Weekend plans”", who you would be present to, Join / Decline. */
export function GroupInvitationItem({ invitation: i }: { invitation: GroupInvitation }) {
  const names = useMemberNames();
  const [error, setError] = useState<UiError | null>(null);
  const inviter = memberName(names, i.inviter);
  const members = i.members.map((k) => memberName(names, k));

  const answer = async (join: boolean) => {
    setError(null);
    const s = useStore.getState();
    if (join) s.setGroupInvitationAnswer(i.sessionId, 'joining');
    try {
      await unwrap(api().groupAnswer({ sessionId: i.sessionId, join }));
      if (!join) useStore.getState().removeGroupInvitation(i.sessionId);
    } catch (err) {
      const e = toUiError(err);
      setError(e);
      if (e.code === 'NO_INVITATION') useStore.getState().removeGroupInvitation(i.sessionId);
      else if (join) useStore.getState().setGroupInvitationAnswer(i.sessionId, 'open');
    }
  };

  return (
    <li className="group-invitation" aria-label={`${inviter} invites you to ${i.title}`}>
      <p><strong>{inviter}</strong> invites you to the group chat “{i.title}”.</p>
      <p className="small">You would be present to: {listNames(members)}.</p>
      <p className="note small">{PRESENCE_NOTE}</p>
      {i.answer === 'joining' && <p role="status">Joining…</p>}
      {i.answer === 'failed' && <p role="status">{inviter} did not let you in. The invitation has ended.</p>}
      <ErrorText error={error} words={GROUP_WORDS} />
      {i.answer === 'open' && (
        <div className="row-actions">
          <button type="button" className="primary" onClick={() => void answer(true)}>Join</button>
          <button type="button" onClick={() => void answer(false)}>Decline</button>
        </div>
      )}
      {i.answer === 'failed' && (
        <div className="row-actions">
          <button type="button" onClick={() => useStore.getState().removeGroupInvitation(i.sessionId)}>Dismiss</button>
        </div>
      )}
    </li>
  );
}
