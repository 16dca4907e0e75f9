// Hash routes (docs/ARCHITECTURE.md "Renderer"): the same build serves the main window and every
// session window; a hash router needs nothing from the server and survives a custom protocol.
import { useSyncExternalStore } from 'react';

export type Route =
  | { name: 'main'; acceptLink: string | null }
  | { name: 'session'; contactId: string }
  | { name: 'group'; sessionId: string };

export function parseRoute(hash: string): Route {
  const session = /^#\/session\/([^/?#]+)$/.exec(hash);
  if (session?.[1]) {
    try {
      return { name: 'session', contactId: decodeURIComponent(session[1]) };
    } catch {
      return { name: 'main', acceptLink: null };
    }
  }
  const group = /^#\/group\/([0-9a-f]{32})$/.exec(hash);
  if (group?.[1]) return { name: 'group', sessionId: group[1] };
  const accept = /^#\/accept\?(.*)$/.exec(hash);
  if (accept) return { name: 'main', acceptLink: new URLSearchParams(accept[1]).get('link') };
  return { name: 'main', acceptLink: null };
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
