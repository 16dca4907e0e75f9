// Serves the renderer build from app://sotto/ (docs/ARCHITECTURE.md "Electron shell"): not
// file://, so pages have an origin of their own the IPC sender check can test, and the CSP
// header applies. Paths follow the browser host's rules (src/main/host/http-policy.ts).
import { readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { contentType, staticPath } from '../main/host/index.ts';
import { APP_CSP, APP_HOST } from './security.ts';

export function appProtocolHandler(staticDir: string): (request: Request) => Promise<Response> {
  const root = resolve(staticDir);
  const headers = { 'content-security-policy': APP_CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' };
  return async (request) => {
    const url = new URL(request.url);
    const rel = url.host === APP_HOST && request.method === 'GET' ? staticPath(url.pathname) : null;
    const file = rel === null ? null : join(root, rel);
    if (file === null || !file.startsWith(root + sep)) return new Response('not found', { status: 404, headers });
    try {
      const body = await readFile(file);
      return new Response(new Uint8Array(body), { status: 200, headers: { ...headers, 'content-type': contentType(file) } });
    } catch {
      return new Response('not found', { status: 404, headers });
    }
  };
}
