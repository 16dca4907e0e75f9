// Browser host: keyboard or pointer input in any window of the profile resets the idle time that
// drives auto-away (Electron reads the system idle time itself). At most one report per interval.
import { api } from '../ipc/api.ts';

const REPORT_EVERY_MS = 20_000;

export function reportActivity(): () => void {
  let last = 0;
  const onInput = () => {
    const now = Date.now();
    if (now - last < REPORT_EVERY_MS) return;
    last = now;
    void api().reportActivity();
  };
  const events = ['keydown', 'pointerdown', 'wheel', 'focus'] as const;
  for (const e of events) window.addEventListener(e, onInput, { passive: true });
  return () => { for (const e of events) window.removeEventListener(e, onInput); };
}
