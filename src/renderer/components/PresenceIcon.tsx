// Presence shapes (UI.md): readable without colour. The word is always next to it or in the
// accessible name, so the icon itself is hidden from screen readers.
import type { ShownPresence } from '../features/contacts/presence.ts';

export function PresenceIcon({ state }: { state: ShownPresence }) {
  return (
    <svg className={`presence-icon presence-${state}`} viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
      {shape(state)}
    </svg>
  );
}

function shape(state: ShownPresence) {
  switch (state) {
    case 'online':
      return <circle cx="8" cy="8" r="6.5" fill="currentColor" />;
    case 'away':
      return <path d="M10.5 1.8A6.5 6.5 0 1 0 14.2 10.5 5 5 0 0 1 10.5 1.8Z" fill="currentColor" />;
    case 'busy':
      return (
        <>
          <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" strokeWidth="2" />
          <rect x="4.5" y="7" width="7" height="2" fill="currentColor" />
        </>
      );
    case 'dnd':
      return (
        <>
          <circle cx="8" cy="8" r="7" fill="currentColor" />
          <rect x="4" y="6.8" width="8" height="2.4" className="presence-glyph" />
        </>
      );
    case 'invisible':
      return <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" strokeWidth="1.6" strokeDasharray="2.4 2" />;
    case 'offline':
      return <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" strokeWidth="1.6" />;
  }
}
