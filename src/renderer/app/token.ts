// The browser host's per-launch token arrives in the URL fragment (#t=<64 hex>), never in a query
// string or a log line (docs/ARCHITECTURE.md "Browser host"). It is kept in sessionStorage for
// reloads and for session windows opened from this one (window.open copies sessionStorage), and
// the fragment is replaced by the route at once so it leaves the address bar and history.
const KEY = 'sotto.token';
const TOKEN_FRAGMENT = /^#t=([0-9a-f]{64})(?:&route=(.*))?$/i;

export function takeToken(loc: Location = window.location, storage: Storage = window.sessionStorage): string | null {
  const m = TOKEN_FRAGMENT.exec(loc.hash);
  if (m?.[1]) {
    storage.setItem(KEY, m[1].toLowerCase());
    const route = m[2] ? decodeURIComponent(m[2]) : '#/';
    history.replaceState(null, '', `${loc.pathname}${loc.search}${route.startsWith('#') ? route : `#${route}`}`);
  }
  return storage.getItem(KEY);
}
