// Loads what the store mirrors from the core: once at start and again whenever the core comes
// to run (after create or unlock, or after a host restart).
import { api } from '../ipc/api.ts';
import { unwrap } from '../ipc/call.ts';
import { useStore } from '../store/index.ts';
import { loadGroups } from '../features/groups/load.ts';

export async function loadStatus(): Promise<void> {
  const s = useStore.getState();
  s.applyStatus(await unwrap(api().status()));
}

export async function loadProfileData(): Promise<void> {
  const [profile, contacts, invitations, settings] = await Promise.all([
    unwrap(api().profile()), unwrap(api().listContacts()), unwrap(api().listInvitations()), unwrap(api().getSettings()),
  ]);
  const s = useStore.getState();
  s.setProfile(profile);
  s.setContacts(contacts);
  s.setInvitations(invitations);
  s.setSettings(settings);
}

/** Reloads the profile's data each time the phase turns to running. */
export function followPhase(onError: (err: unknown) => void): () => void {
  let running = false;
  const check = (phase: string | null) => {
    const now = phase === 'running';
    if (now && !running) loadProfileData().catch(onError);
    running = now;
  };
  check(useStore.getState().phase);
  return useStore.subscribe((s, prev) => {
    if (s.phase !== prev.phase) check(s.phase);
  });
}

/**
 * After the browser host's socket reopened on its own (ipc/ws-client.ts), events sent while it was
 * down were missed: read the status again, and the profile's data if it was and is running (a
 * phase that turns to running reloads through followPhase instead).
 */
export async function resync(): Promise<void> {
  const wasRunning = useStore.getState().phase === 'running';
  await loadStatus();
  if (wasRunning && useStore.getState().phase === 'running') {
    // Group chats are read when their views mount; after a gap they are read again here.
    await Promise.all([loadProfileData(), loadGroups()]);
  }
}
