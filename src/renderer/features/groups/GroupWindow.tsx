import { useCallback, useEffect, useState } from 'react';
import { api } from '../../ipc/api.ts';
import { toUiError, unwrap, type UiError } from '../../ipc/call.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useStore } from '../../store/index.ts';
import { useWindowTitle } from '../../app/title.ts';
import { TorProgress } from '../onboarding/TorProgress.tsx';
import { LinkConfirm } from '../session/LinkConfirm.tsx';
import { GroupComposer } from './GroupComposer.tsx';
import { GroupMessages } from './GroupMessages.tsx';
import { InviteProgress } from './InviteProgress.tsx';
import { InviteToGroupDialog } from './InviteToGroupDialog.tsx';
import { followGroupInvites } from './invite-queue.ts';
import { loadGroupMessages, loadGroups } from './load.ts';
import { memberName, useMemberNames } from './names.ts';
import { GROUP_WORDS, PRESENCE_NOTE } from './words.ts';

/** One group chat per window (route #/group/<sessionId>): members, messages in the session's order, composer. */
export function GroupWindow({ sessionId }: { sessionId: string }) {
  const chat = useStore((s) => s.groups[sessionId]);
  const run = useStore((s) => s.groupInvites[sessionId]);
  const torReady = useStore((s) => s.tor.ready);
  const names = useMemberNames();
  const [listed, setListed] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'invite' | 'leave' | null>(null);
  const [left, setLeft] = useState<string | null>(null);
  const onError = useCallback((err: unknown) => setError(toUiError(err)), []);
  useWindowTitle(chat?.info.title ?? left, 0);

  useEffect(() => followGroupInvites(), []);
  const known = chat !== undefined;
  const loaded = chat?.loaded ?? false;
  useEffect(() => {
    if (known) { setListed(true); return; }
    loadGroups().catch(onError).finally(() => setListed(true));
  }, [known, onError]);
  useEffect(() => {
    if (known && !loaded) loadGroupMessages(sessionId).catch(onError);
  }, [sessionId, known, loaded, onError]);

  const leave = async () => {
    setDialog(null);
    const title = chat?.info.title ?? '';
    try {
      await unwrap(api().groupLeave({ sessionId }));
      setLeft(title);
      useStore.getState().removeGroup(sessionId);
    } catch (err) {
      onError(err);
    }
  };

  if (!chat) {
    return (
      <main className="session-window">
        <p className="empty" role="status">
          {left !== null ? `You left “${left}”. You can close this window.` : listed ? 'You are not in this group chat (any more).' : 'Loading the group chat…'}
        </p>
        <ErrorText error={error} words={GROUP_WORDS} />
      </main>
    );
  }
  const { info } = chat;
  return (
    <div className="session-window group-window">
      <header className="session-header">
        <div className="session-who">
          <h1>{info.title}</h1>
          <p className="session-presence">{info.members.length === 1 ? 'Only you so far' : `${info.members.length} people`}</p>
        </div>
        <button type="button" onClick={() => setDialog('invite')}>Invite…</button>
        <button type="button" onClick={() => setDialog('leave')}>Leave</button>
      </header>
      {!torReady && <TorProgress compact />}
      <div className="group-body">
        <main className="session-main">
          <GroupMessages sessionId={sessionId} names={names} onLink={setLink} />
        </main>
        <aside className="group-members">
          <h2>Members</h2>
          <ul aria-label="Members">
            {info.members.map((k) => (
              <li key={k}>
                {memberName(names, k)}
                {k === info.coordinator && <span className="muted small"> (coordinator)</span>}
                {chat.unreached.includes(k) && <span className="muted small"> (not reached)</span>}
              </li>
            ))}
          </ul>
          <InviteProgress run={run} names={names} />
          <p className="note small">{PRESENCE_NOTE}</p>
          <p className="muted small">The coordinator lets one invitation through at a time. If they leave, another member takes over.</p>
        </aside>
      </div>
      <ErrorText error={error} words={GROUP_WORDS} />
      <GroupComposer sessionId={sessionId} />
      {link && <LinkConfirm url={link} onClose={() => setLink(null)} />}
      {dialog === 'invite' && <InviteToGroupDialog sessionId={sessionId} title={info.title} onClose={() => setDialog(null)} />}
      {dialog === 'leave' && (
        <ConfirmDialog title={`Leave “${info.title}”?`} verb="Leave" destructive onCancel={() => setDialog(null)} onConfirm={() => void leave()}
          body="The others see that you left and stop seeing you online through this group chat. Its messages are gone from this device; only a new invitation brings you back." />
      )}
    </div>
  );
}
