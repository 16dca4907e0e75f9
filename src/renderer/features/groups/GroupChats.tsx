import { useEffect, useId, useMemo, useState } from 'react';
import { useStore } from '../../store/index.ts';
import { GroupInvitationItem } from './GroupInvitationItem.tsx';
import { InviteProgress } from './InviteProgress.tsx';
import { NewGroupDialog } from './NewGroupDialog.tsx';
import { followGroupInvites } from './invite-queue.ts';
import { loadGroups } from './load.ts';
import { useMemberNames } from './names.ts';
import { openGroupWindow } from './open-group.ts';

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** The main window's group chats: invitations waiting for an answer, the chats you are in, "New group chat". */
export function GroupChats({ onError }: { onError(err: unknown): void }) {
  const groups = useStore((s) => s.groups);
  const invitations = useStore((s) => s.groupInvitations);
  const runs = useStore((s) => s.groupInvites);
  const names = useMemberNames();
  const [creating, setCreating] = useState(false);
  const headingId = useId();
  const chats = useMemo(() => Object.values(groups).sort((a, b) => collator.compare(a.info.title, b.info.title)), [groups]);
  const waiting = Object.values(invitations);

  useEffect(() => {
    loadGroups().catch(onError);
    return followGroupInvites();
  }, [onError]);

  return (
    <section className="group-chats" aria-labelledby={headingId}>
      <div className="group-chats-head">
        <h2 id={headingId}>Group chats</h2>
        <button type="button" onClick={() => setCreating(true)}>New group chat</button>
      </div>
      {waiting.length > 0 && (
        <ul className="group-invitations" aria-label="Group chat invitations">
          {waiting.map((i) => <GroupInvitationItem key={i.sessionId} invitation={i} />)}
        </ul>
      )}
      {chats.length > 0 && (
        <ul className="group-list" aria-label="Your group chats">
          {chats.map((c) => (
            <li key={c.info.sessionId}>
              <button type="button" className="group-open" onClick={() => void openGroupWindow(c.info.sessionId).catch(onError)}>
                {c.info.title} <span className="muted small">· {c.info.members.length === 1 ? 'only you' : `${c.info.members.length} people`}</span>
              </button>
              <InviteProgress run={runs[c.info.sessionId]} names={names} />
            </li>
          ))}
        </ul>
      )}
      {creating && <NewGroupDialog onClose={() => setCreating(false)} />}
    </section>
  );
}
