// Starts one window: connects the store to the API's events, loads the core's state and follows
// its phase. The same for the main window and every session window.
import type { SottoApi } from '../ipc/contract.ts';
import { inElectron, setApi } from '../ipc/api.ts';
import { applyEvent } from '../store/events.ts';
import { followPhase, loadStatus } from './load.ts';
import { notifyFromMainWindow } from './notifications.ts';
import { reportActivity } from './activity.ts';
import { parseRoute } from './route.ts';

export async function boot(api: SottoApi, onError: (err: unknown) => void): Promise<void> {
  setApi(api);
  const isMain = parseRoute(window.location.hash).name === 'main';
  // Electron's shell shows native notifications and reads the system idle time itself.
  const notify = isMain && !inElectron() ? notifyFromMainWindow() : null;
  api.onEvent((event) => {
    applyEvent(event);
    notify?.(event);
  });
  if (!inElectron()) reportActivity();
  await loadStatus();
  followPhase(onError);
}
