import { useEffect } from 'react';
import { useStore } from '../store/index.ts';
import { useRoute } from './route.ts';
import { useTheme } from './theme.ts';
import { CreateProfile } from '../features/onboarding/CreateProfile.tsx';
import { Unlock } from '../features/onboarding/Unlock.tsx';
import { TorProgress } from '../features/onboarding/TorProgress.tsx';
import { MainWindow } from '../features/contacts/MainWindow.tsx';
import { SessionWindow } from '../features/session/SessionWindow.tsx';
import { GroupWindow } from '../features/groups/GroupWindow.tsx';
import { ErrorText } from '../components/ErrorText.tsx';
import { UiError, toUiError } from '../ipc/call.ts';
import { loadProfileData } from './load.ts';

/** While the profile's data loads; if that failed, why, and a way to try again. */
function Loading() {
  const failed = useStore((s) => s.startError);
  const retry = () => {
    useStore.getState().setStartError(null);
    loadProfileData().catch((err: unknown) => {
      const e = toUiError(err);
      useStore.getState().setStartError({ code: e.code, message: e.message });
    });
  };
  return (
    <main className="onboarding">
      {failed
        ? <div className="card"><ErrorText error={new UiError(failed.code, failed.message)} /><button type="button" onClick={retry}>Try again</button></div>
        : <p role="status">Loading your contacts…</p>}
    </main>
  );
}

/** Which screen a window shows: onboarding until the profile runs, then its route. */
export function App() {
  const phase = useStore((s) => s.phase);
  const theme = useStore((s) => s.settings?.theme ?? 'system');
  const profileLoaded = useStore((s) => s.profile !== null);
  const route = useRoute();
  useTheme(theme);

  const acceptLink = route.name === 'main' ? route.acceptLink : null;
  useEffect(() => {
    if (!acceptLink || phase !== 'running') return;
    useStore.getState().openDialog({ kind: 'accept', link: acceptLink });
    // Once shown, the link leaves the address bar (a reload must not offer it again).
    history.replaceState(null, '', '#/');
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  }, [acceptLink, phase]);

  if (phase === null) return <main className="onboarding"><p role="status">Connecting to Sotto…</p></main>;
  if (route.name !== 'main' && phase !== 'running') {
    return <main className="onboarding"><p role="status">Sotto is locked. Unlock it in the main window.</p></main>;
  }
  switch (phase) {
    case 'no-profile': return <CreateProfile />;
    case 'locked': return <Unlock />;
    case 'starting': return <TorProgress />;
    case 'stopping':
    case 'closed': return <main className="onboarding"><p role="status">Sotto has stopped. Start it again to continue.</p></main>;
    case 'running':
      if (!profileLoaded) return <Loading />;
      if (route.name === 'group') return <GroupWindow sessionId={route.sessionId} />;
      return route.name === 'session' ? <SessionWindow contactId={route.contactId} /> : <MainWindow />;
  }
}
