import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { toUiError, type UiError } from '../../ipc/call.ts';
import { ErrorText } from '../../components/ErrorText.tsx';
import { useStore } from '../../store/index.ts';
import { selectTotalUnread } from '../../store/selectors.ts';
import { useWindowTitle } from '../../app/title.ts';
import { TorProgress } from '../onboarding/TorProgress.tsx';
import { MainDialogs } from './MainDialogs.tsx';
import { OwnStatus } from './OwnStatus.tsx';
import { ContactList } from './ContactList.tsx';
import { PendingInvitations } from './PendingInvitations.tsx';
import { NetworkStatus } from './NetworkStatus.tsx';
import { Notice } from './Notice.tsx';
import { GroupChats } from '../groups/GroupChats.tsx';

export function MainWindow() {
  const [query, setQuery] = useState('');
  const [error, setError] = useState<UiError | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const searchId = useId();
  const torReady = useStore((s) => s.tor.ready);
  const unread = useStore(selectTotalUnread);
  const openDialog = useStore((s) => s.openDialog);
  useWindowTitle(null, unread);
  const onError = useCallback((err: unknown) => setError(toUiError(err)), []);

  // Ctrl/Cmd+F focuses search, Ctrl/Cmd+N opens the invite dialog (UI.md keyboard).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
      const key = e.key.toLowerCase();
      if (key === 'f') { e.preventDefault(); searchRef.current?.focus(); }
      if (key === 'n' && !useStore.getState().dialog) { e.preventDefault(); openDialog({ kind: 'invite' }); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [openDialog]);

  return (
    <div className="main-window">
      <OwnStatus onError={onError} />
      {!torReady && <TorProgress compact />}
      <ErrorText error={error} />
      <Notice />
      <div className="search">
        <label htmlFor={searchId} className="visually-hidden">Search contacts</label>
        <input ref={searchRef} id={searchId} type="search" placeholder="Search contacts" value={query}
          onChange={(e) => setQuery(e.target.value)} onKeyDown={(e) => { if (e.key === 'Escape') setQuery(''); }} />
      </div>
      <ContactList query={query} onError={onError} />
      <PendingInvitations />
      <GroupChats onError={onError} />
      <footer className="main-footer">
        <NetworkStatus />
        <div role="toolbar" aria-label="Actions" className="actions">
          <button type="button" className="primary" onClick={() => openDialog({ kind: 'invite' })} aria-keyshortcuts="Control+N">Invite someone</button>
          <button type="button" onClick={() => openDialog({ kind: 'accept' })}>Accept an invitation</button>
          <button type="button" onClick={() => openDialog({ kind: 'privacy' })}>Who can see me</button>
          <button type="button" onClick={() => openDialog({ kind: 'settings' })}>Settings</button>
        </div>
      </footer>
      <MainDialogs />
    </div>
  );
}
