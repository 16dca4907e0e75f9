// What the browser host's HTTP side accepts and the headers it sends (docs/ARCHITECTURE.md
// "Browser host", docs/THREAT-MODEL.md "Local browser host"). Pure functions of the port, tested
// on their own and through real sockets.

/** Host headers we answer: our own address only, so a DNS-rebinding page (evil.example -> 127.0.0.1) is refused. */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

/** Origins of our own pages: a WebSocket from any other page is refused. */
export function allowedOrigins(port: number): Set<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
}

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port}`,
    "img-src 'self' data: blob:",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function securityHeaders(port: number): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(port),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
  };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentType(path: string): string {
  const dot = path.lastIndexOf('.');
  return TYPES[dot < 0 ? '' : path.slice(dot).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file a request path names inside the static root, or null: only plain relative paths of
 * [A-Za-z0-9._-] segments, no dot segments, no encoded separators (no way out of the root).
 */
export function staticPath(urlPath: string): string | null {
  const path = urlPath.split('?')[0]!.split('#')[0]!;
  if (path === '/' || path === '') return 'index.html';
  if (!path.startsWith('/')) return null;
  const segments = path.slice(1).split('/');
  for (const s of segments) if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(s) || s.includes('..')) return null;
  return segments.join('/');
}
