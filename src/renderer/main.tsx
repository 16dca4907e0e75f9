// Entry of every window (main and session): pick the IPC client, boot the store, render.
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { boot } from './app/boot.ts';
import { resync } from './app/load.ts';
import { takeToken } from './app/token.ts';
import { createWsApi } from './ipc/ws-client.ts';
import { userWords } from './components/user-words.ts';
import { toUiError } from './ipc/call.ts';
import { useStore } from './store/index.ts';

function fatal(err: unknown): void {
  const e = toUiError(err);
  const root = document.getElementById('root');
  if (!root) return;
  const p = document.createElement('p');
  p.setAttribute('role', 'alert');
  p.className = 'error fatal';
  p.textContent = `${userWords(e.code)} (${e.code})`;
  root.replaceChildren(p);
}

async function start(): Promise<void> {
  // The token leaves the address bar before anything else runs (docs/ARCHITECTURE.md "Renderer").
  const token = takeToken();
  let api = window.sotto;
  if (!api) {
    if (!token) throw Object.assign(new Error('no host token in this window'), { code: 'HOST_UNREACHABLE' });
    api = createWsApi({
      url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ipc`, token,
      // A failed catch-up is retried by the next reopen; the calls it made answer IPC_DISCONNECTED.
      onReopen: () => { resync().catch(() => undefined); },
    });
  }
  const container = document.getElementById('root');
  if (!container) return;
  await boot(api, (err) => {
    const e = toUiError(err);
    useStore.getState().setStartError({ code: e.code, message: e.message });
  });
  createRoot(container).render(<App />);
}

start().catch(fatal);
